import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FamilyName } from '../../src/models/modelFamilies';
import { authorsSampling, isTrained, KNOWN_ANSWER_CHECKPOINTS, type KnownAnswerCheckpoint } from './knownAnswerCheckpoints';
import { convertKnownAnswer, editManifest, type KnownAnswerSummary, runKnownAnswer } from './knownAnswerRun';
import { heldOutExamples } from './knownAnswerTask';

/**
 * The known-answer tests (tests/knownAnswer/, one file per checkpoint so that the files share the
 * test workers evenly): checkpoints trained on a task with one right answer per target
 * (training/README.md), converted by `builder convert` and run by `builder batch` as a user runs
 * them. If the pipeline runs each family the way it was trained, the held-out targets come back
 * exactly; with the manifest's logit shift flipped they do not, so these tests see the semantics,
 * not just that the code runs.
 */

export const heldOut = heldOutExamples();

// The authors' settings for dLLM's A2D models (the fast preset's AUTHORS_DLLM, src/models/diffusionConfig.ts: their
// sampler, no guidance, temperature 0, low confidence first, no context cache), at the demo preset's 8 steps
// rather than one per token, so that each file stays within its time.
export const DEFAULTS = ['--preset', 'fast', '--steps', '8'];

/** A family's held-out runs: DEFAULTS at its authors' sampling (seed 0, so each run is reproducible); the steps stay 8. */
function familyDefaults(family: FamilyName): string[] {
  const authors = authorsSampling(family);
  return authors ? [...DEFAULTS, '--temperature', String(authors.temperature), '--top-p', String(authors.topP), '--remasking', authors.remasking] : DEFAULTS;
}

// The bars: a family run as it was trained writes the held-out targets; one run with its logit shift
// read the wrong way round does not.
const EXACT_AT_LEAST = 0.95;
const FLIPPED_UNDER = 0.2;
// The flipped run on one target of each of the five held-out pairs (heldOutExamples gives each pair's four language
// and variant combinations in turn; these take every combination): a model read the wrong way round writes none of
// them, and its garbage costs remasking rounds, so a quarter of the targets saves most of that run's time.
const flippedTargets = heldOut.filter((_, i) => i % 4 === Math.floor(i / 4) % 4);

function checkpointIn(folder: string): KnownAnswerCheckpoint {
  const checkpoint = KNOWN_ANSWER_CHECKPOINTS.find((c) => c.folder === folder);
  if (checkpoint === undefined) throw new Error(`no known-answer checkpoint ${folder}`);
  return checkpoint;
}

/** The checkpoints converted once for the file (in beforeAll, removed after it): the converted folder by checkpoint folder. */
export function useConvertedKnownAnswer(folders: readonly string[]): (folder: string) => string {
  let root: string | undefined;
  const models = new Map<string, string>();
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'known-answer-'));
    for (const folder of folders) models.set(folder, await convertKnownAnswer(checkpointIn(folder), root));
  }, 300_000);
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });
  return (folder) => {
    const model = models.get(folder);
    if (model === undefined) throw new Error(`${folder} is not converted for this file`);
    return model;
  };
}

/** The held-out run with the converted model's logit shift flipped in its manifest, put back afterwards. */
export async function withShiftFlipped<T>(model: string, run: () => Promise<T>): Promise<T> {
  const shift = editManifest(model, 'logitsShift', undefined) as 0 | 1;
  editManifest(model, 'logitsShift', 1 - shift);
  try {
    return await run();
  } finally {
    editManifest(model, 'logitsShift', shift);
  }
}

const misses = (run: KnownAnswerSummary) =>
  run.results
    .filter((r) => !r.exact)
    .map((r) => `${r.example.instruction}\n${r.written}`)
    .join('\n---\n');

/** A trained diffusion checkpoint's two tests: the held-out targets written exactly, and not with the logit shift flipped. */
export function describeKnownAnswerFamily(folder: string): void {
  const checkpoint = checkpointIn(folder);
  const model = useConvertedKnownAnswer(isTrained(checkpoint) ? [folder] : []);
  describe.runIf(isTrained(checkpoint))(`${folder} (${checkpoint.family})`, () => {
    const flags = () => ['--model', model(folder), '--no-fallback', ...familyDefaults(checkpoint.family)];

    it(`regenerates at least ${EXACT_AT_LEAST * 100}% of the held-out targets exactly`, async () => {
      const run = await runKnownAnswer(heldOut, flags());
      console.log(`${folder}: exact ${run.exact}, syntax-valid ${run.validSyntax}`);
      expect(run.exact, misses(run)).toBeGreaterThanOrEqual(EXACT_AT_LEAST);
    }, 120_000);

    it(`regenerates under ${FLIPPED_UNDER * 100}% of ${flippedTargets.length} held-out targets with its logit shift flipped`, async () => {
      const flipped = await withShiftFlipped(model(folder), () => runKnownAnswer(flippedTargets, flags()));
      console.log(`${folder}: logit shift flipped: exact ${flipped.exact}`);
      expect(flipped.exact).toBeLessThan(FLIPPED_UNDER);
    }, 120_000);
  });
}
