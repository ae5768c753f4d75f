import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The test files that hold a worker longest here, longest first (.ci/run's report, npm test's
 * projects in one group three files at a time, the mean of two clean-clone runs: from 99 s down to
 * 17 s). Vitest orders files by their last duration, which a clean clone has not recorded, so it
 * falls back to file size, and these files are small: run late, one of them held a worker for
 * minutes after the others had nothing left to run. Started first, longest first, they end while
 * short files still fill the workers.
 */
const SLOW_FILES = [
  'e2e/modelBackends.test.ts',
  'e2e/review.test.ts',
  'e2e/hubDownload.test.ts',
  'tests/convert/familyConversion.test.ts',
  'tests/knownAnswer/guidance.test.ts',
  'e2e/generate.test.ts',
  'e2e/modelManager.test.ts',
  'e2e/persistence.test.ts',
  'e2e/engineFaults.test.ts',
  'tests/knownAnswer/dream.test.ts',
  'tests/knownAnswer/coda.test.ts',
  'tests/knownAnswer/openDcoder.test.ts',
  'tests/generate/authorsReference/dllm.test.ts',
  'tests/cli/eval.test.ts',
  'e2e/targeting.test.ts',
  'e2e/realFiles.test.ts',
  'e2e/journeyWasm.test.ts',
  'tests/knownAnswer/fallback.test.ts',
  'e2e/trustInputs.test.ts',
  'tests/generate/realLongFiles.test.ts',
  'tests/runtime/nativeRuntime.test.ts',
  'tests/generate/authorsReference/blockSamplers.test.ts',
  'tests/knownAnswer/a2dMdlm.test.ts',
  'tests/knownAnswer/a2dMdlmQwen3.test.ts',
  'e2e/devServerStart.test.ts',
  'tests/cli/pull.test.ts',
  'tests/generate/authorsReference/openDcoderP2.test.ts',
  'tests/generate/cacheAndParallelDecoding.test.ts',
  'e2e/planContext.test.ts',
  'tests/cli/shardedBatch.test.ts',
  'e2e/generateMessage.test.ts',
  'tests/cli/patchPaths.test.ts',
  'tests/cli/backend.test.ts',
  'e2e/folder.test.ts',
];

/**
 * The slow files first, longest first, whatever their project (the projects run together); then
 * the other specs, which take a quarter of a minute or so each, before the other unit files, which
 * mostly take a second or two; within each, Vitest's own order.
 */
export default class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const path = relative(this.ctx.config.root, spec.moduleId);
      const slow = SLOW_FILES.indexOf(path);
      if (slow !== -1) return slow;
      return SLOW_FILES.length + (path.startsWith('e2e/') ? 0 : 1);
    };
    return sorted
      .map((spec, i) => ({ spec, i, rank: rank(spec) }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .map(({ spec }) => spec);
  }
}
