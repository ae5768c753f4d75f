import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GeneratedPatch } from '../../src/plan/refactorPlan';
import { builder, builderIn } from './cli';
import { completeCheckpoint, type KnownAnswerCheckpoint } from './knownAnswerCheckpoints';
import { functionText, type TaskExample, type TaskVariant, variantOf } from './knownAnswerTask';

/** What one `builder batch` run over task examples wrote, target by target. */
export interface KnownAnswerResult {
  example: TaskExample;
  /** The target's definition as generated. */
  written: string;
  exact: boolean;
  validSyntax: boolean;
  variant: TaskVariant | null;
  path: GeneratedPatch['sample']['path'];
  nfe: number;
  /** Tokens revealed per diffusion pass. */
  tokensPerPass: number;
}

export interface KnownAnswerSummary {
  results: KnownAnswerResult[];
  exact: number;
  validSyntax: number;
  /** Share of targets written in the variant their instruction asks for. */
  followsVariant: number;
  /** Forward passes per target, and per token of the expected definitions. */
  nfePerTarget: number;
}

/** The checkpoint completed and converted by `builder convert` (q8, the CLI's precision on WASM, and what `precisions` adds) into `parent`. */
export async function convertKnownAnswer(checkpoint: KnownAnswerCheckpoint, parent: string, precisions = 'q8'): Promise<string> {
  const from = await completeCheckpoint(checkpoint, join(parent, 'checkpoints'));
  const out = join(parent, 'models', checkpoint.folder);
  const run = await builder('convert', '--from', from, '--out', out, '--quant', precisions, '--kind', checkpoint.kind);
  if (run.code !== 0) throw new Error(`builder convert ${checkpoint.folder} failed (${run.code}): ${run.stderr}`);
  return out;
}

/** Changes one field of a converted model's manifest.json (the flipped-semantics runs), returning the old value. */
export function editManifest(modelDir: string, field: string, value: unknown): unknown {
  const path = join(modelDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const old = manifest[field];
  manifest[field] = value;
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return old;
}

/**
 * Runs `builder batch` once over the examples, one plan per file with its instruction (or
 * `instruction(example)`), with `flags` after `--model`, and reads each patch's JSON back.
 */
export async function runKnownAnswer(
  examples: readonly TaskExample[],
  flags: readonly string[],
  instruction: (example: TaskExample) => string = (example) => example.instruction,
): Promise<KnownAnswerSummary> {
  const work = mkdtempSync(join(tmpdir(), 'known-answer-run-'));
  try {
    for (const example of examples) writeFileSync(join(work, example.fileName), example.text);
    const plans = examples.map((example) => ({ filePath: example.fileName, editTargets: [example.target], intent: instruction(example), language: example.language }));
    writeFileSync(join(work, 'plans.json'), JSON.stringify(plans));
    const run = await builderIn(work, 'batch', '--plans', 'plans.json', '--out-dir', 'out', ...flags);
    if (run.code !== 0 && run.code !== 3) throw new Error(`builder batch failed (${run.code}): ${run.stderr}`);
    const results = examples.map((example, i): KnownAnswerResult => {
      const patch = JSON.parse(readFileSync(join(work, 'out', `${String(i + 1).padStart(2, '0')}-${example.fileName}.json`), 'utf8')) as GeneratedPatch;
      const expected = functionText(example.function);
      const start = example.text.indexOf(expected);
      const after = example.text.length - start - expected.length;
      const written = patch.generatedCode.slice(start, patch.generatedCode.length - after);
      return {
        example,
        written,
        exact: patch.generatedCode === example.text,
        validSyntax: patch.isValidSyntax,
        variant: variantOf(example.language, written),
        path: patch.sample.path,
        nfe: patch.sample.nfe,
        tokensPerPass: patch.sample.tokensPerPass,
      };
    });
    const share = (test: (r: KnownAnswerResult) => boolean) => results.filter(test).length / results.length;
    return {
      results,
      exact: share((r) => r.exact),
      validSyntax: share((r) => r.validSyntax),
      followsVariant: share((r) => r.variant === r.example.function.variant),
      nfePerTarget: results.reduce((sum, r) => sum + r.nfe, 0) / results.length,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
