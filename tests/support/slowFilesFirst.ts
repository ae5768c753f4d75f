import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The seconds the test files that hold a worker longest took here: the mean of three clean-clone
 * runs of .ci/run (npm test's projects together, three files at a time), files of 10 s or more.
 * Vitest orders files by their last duration, which a clean clone has not recorded, so it falls
 * back to file size, and these files are small: run late, one of them held a worker for minutes
 * after the others had nothing left to run. Only the order these give matters: longest first,
 * they end while short files still fill the workers.
 */
const SECONDS: Record<string, number> = {
  'e2e/modelBackends.test.ts': 107,
  'e2e/review.test.ts': 91,
  'e2e/hubDownload.test.ts': 88,
  'tests/convert/familyConversion.test.ts': 68,
  'tests/knownAnswer/guidance.test.ts': 53,
  'e2e/modelManager.test.ts': 45,
  'e2e/generate.test.ts': 42,
  'tests/cli/eval.test.ts': 37,
  'tests/generate/authorsReference/dllm.test.ts': 37,
  'tests/knownAnswer/dream.test.ts': 36,
  'e2e/persistence.test.ts': 34,
  'tests/knownAnswer/openDcoder.test.ts': 33,
  'tests/knownAnswer/coda.test.ts': 33,
  'e2e/engineFaults.test.ts': 33,
  'e2e/journeyWasm.test.ts': 31,
  'e2e/targeting.test.ts': 29,
  'e2e/realFiles.test.ts': 28,
  'tests/generate/realLongFiles.test.ts': 27,
  'tests/generate/authorsReference/blockSamplers.test.ts': 27,
  'tests/knownAnswer/fallback.test.ts': 26,
  'e2e/trustInputs.test.ts': 26,
  'tests/runtime/nativeRuntime.test.ts': 24,
  'tests/knownAnswer/a2dMdlmQwen3.test.ts': 24,
  'tests/knownAnswer/a2dMdlm.test.ts': 24,
  'tests/generate/cacheAndParallelDecoding.test.ts': 23,
  'e2e/devServerStart.test.ts': 22,
  'tests/generate/authorsReference/openDcoderP2.test.ts': 22,
  'tests/cli/pull.test.ts': 21,
  'tests/cli/shardedBatch.test.ts': 21,
  'tests/cli/convert.test.ts': 20,
  'tests/install/hubPull.test.ts': 19,
  'tests/cli/patch.test.ts': 19,
  'tests/cli/patchPaths.test.ts': 19,
  'tests/cli/backend.test.ts': 18,
  'e2e/folderReview.test.ts': 18,
  'tests/generate/authorsReference/openDcoderEntropy.test.ts': 17,
  'e2e/planContext.test.ts': 17,
  'tests/generate/authorsReference/coda.test.ts': 17,
  'tests/generate/authorsReference/dream.test.ts': 17,
  'tests/cli/sample.test.ts': 16,
  'e2e/knownAnswerExample.test.ts': 16,
  'e2e/generateMessage.test.ts': 16,
  'e2e/folder.test.ts': 16,
  'tests/runtime/parity.test.ts': 15,
  'e2e/privacy.test.ts': 15,
  'tests/runtime/modelSource.test.ts': 14,
  'tests/cli/folderBatch.test.ts': 14,
  'tests/plan/unifiedDiff.test.ts': 14,
  'tests/generate/patchPipeline.test.ts': 14,
  'tests/syntax/syntaxParser.test.ts': 13,
  'tests/trust/inputs.test.ts': 13,
  'tests/cli/batchPlanContext.test.ts': 11,
  'tests/runtime/pipelineModels.test.ts': 11,
  'tests/models/noiseSchedule.test.ts': 11,
  'tests/knownAnswer/a2dBd3lm.test.ts': 11,
  'tests/generate/authors/bd3lmPadding.test.ts': 10,
};

/**
 * The files timed in SECONDS first, longest first, whatever their project (the projects run
 * together); then the other specs, which take several seconds each, before the other unit files,
 * which mostly take a second or two; within each, Vitest's own order.
 */
export default class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const seconds = (spec: TestSpecification) => {
      const path = relative(this.ctx.config.root, spec.moduleId);
      return SECONDS[path] ?? (path.startsWith('e2e/') ? 1 : 0);
    };
    return sorted
      .map((spec, i) => ({ spec, i, seconds: seconds(spec) }))
      .sort((a, b) => b.seconds - a.seconds || a.i - b.i)
      .map(({ spec }) => spec);
  }
}
