import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The test files that take half a minute or more of a worker here (measured in .ci/run's report),
 * by path prefix. Vitest orders files by their last duration, which a clean clone has not recorded,
 * so it falls back to file size, and these files are small: run last, one of them held a worker for
 * minutes after the other had nothing left to run. Started first, they end while short files still
 * fill both workers.
 */
const SLOW_FILES = [
  'tests/knownAnswer/',
  'tests/generate/authorsReference/',
  'tests/convert/familyConversion.test.ts',
  'tests/cli/eval.test.ts',
  'tests/generate/cacheAndParallelDecoding.test.ts',
  'tests/generate/realLongFiles.test.ts',
  'tests/cli/realFixturesPatch.test.ts',
  'tests/runtime/nativeRuntime.test.ts',
  'tests/cli/shardedBatch.test.ts',
  'tests/runtime/parity.test.ts',
  'tests/install/hubPull.test.ts',
  'tests/cli/patch.test.ts',
  'e2e/review.test.ts',
  'e2e/hubDownload.test.ts',
  'e2e/generate.test.ts',
  'e2e/modelManager.test.ts',
  'e2e/targeting.test.ts',
  'e2e/engineFaults.test.ts',
];

/** Vitest's order (project groups first, then its own), with the slow files moved to the front of their project. */
export default class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const projectStart = new Map<string, number>();
    sorted.forEach((spec, i) => {
      if (!projectStart.has(spec.project.name)) projectStart.set(spec.project.name, i);
    });
    const slowness = (spec: TestSpecification) => {
      const path = relative(this.ctx.config.root, spec.moduleId);
      const rank = SLOW_FILES.findIndex((prefix) => path.startsWith(prefix));
      return rank === -1 ? SLOW_FILES.length : rank;
    };
    return sorted
      .map((spec, i) => ({ spec, i, project: projectStart.get(spec.project.name)!, rank: slowness(spec) }))
      .sort((a, b) => a.project - b.project || a.rank - b.rank || a.i - b.i)
      .map(({ spec }) => spec);
  }
}
