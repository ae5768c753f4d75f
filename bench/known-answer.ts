/**
 * Quality on the known-answer checkpoints (training/README.md): on the 20 held-out targets, per
 * checkpoint, the share regenerated exactly and the share that parses, at the authors' sampler and
 * settings (and at the 8 steps tests/knownAnswer runs) and with each approximate option changed: the context cache's interval, the parallel threshold (with forward passes per token),
 * few steps with and without syntax-guided remasking rounds, and the fallback after a failed diffusion run.
 * Run: npm run bench:known-answer   (with --docs FILE it rewrites its section of the benchmarks page).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeWasmLocator } from '../src/cli/wasmFiles';
import { openCheckpoint } from '../src/convert/checkpoint';
import { convertCheckpoint } from '../src/convert/convertCheckpoint';
import { openFolder } from '../src/convert/nodeFiles';
import { createNodeOutputFolder } from '../src/convert/nodeOutputFolder';
import { InputError } from '../src/errors/inputErrors';
import { PatchPipeline } from '../src/generate/patchPipeline';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { machineInfo } from '../src/measure/machineInfo';
import { createDiffusionConfig, type DiffusionConfigInput } from '../src/models/diffusionConfig';
import type { GeneratedPatch } from '../src/plan/refactorPlan';
import type { CausalModel } from '../src/runtime/causalModel';
import type { DiffusionModel } from '../src/runtime/diffusionModel';
import { loadModel } from '../src/runtime/loadModel';
import { nodeModelReader } from '../src/runtime/nodeModelReader';
import { SyntaxParser } from '../src/syntax/syntaxParser';
import { authorsSampling, completeCheckpoint, isTrained, KNOWN_ANSWER_CHECKPOINTS, type KnownAnswerCheckpoint } from '../tests/support/knownAnswerCheckpoints';
import { functionText, heldOutExamples } from '../tests/support/knownAnswerTask';

const { values: options } = parseArgs({ options: { docs: { type: 'string' } } });
const log = (line: string) => process.stderr.write(`bench:known-answer: ${line}\n`);
const heldOut = heldOutExamples();
const parser = await SyntaxParser.create(nodeWasmLocator);
const scratch = mkdtempSync(join(tmpdir(), 'known-answer-bench-'));

/** The checkpoint as `builder convert` converts it (q8, the CLI's precision on WASM), loaded on WASM. */
async function converted(checkpoint: KnownAnswerCheckpoint) {
  const source = await openFolder(await completeCheckpoint(checkpoint, join(scratch, 'checkpoints')));
  const opened = await openCheckpoint(source);
  const out = join(scratch, 'models', checkpoint.folder);
  try {
    await convertCheckpoint({ source, checkpoint: opened, output: await createNodeOutputFolder(out), id: checkpoint.folder, name: checkpoint.folder, kind: checkpoint.kind, precisions: ['q8'] });
  } finally {
    await opened.close();
  }
  return (await loadModel(nodeModelReader(out), 'q8', 'wasm')).model;
}

interface Row {
  setting: string;
  exact: number;
  valid: number;
  passesPerToken: number;
  fallbacks: number;
  /** Why the setting was not run: the family's authors' sampler refuses it (Open-dLLM's p2 has no guidance). */
  refused?: string;
}

/** One setting over the held-out targets: exact and parsing shares, and forward passes per token of the expected definitions. */
async function measure(setting: string, diffusion: DiffusionModel, fallback: CausalModel | undefined, input: DiffusionConfigInput): Promise<Row> {
  const config = createDiffusionConfig({ preset: 'fast', fallback: false, ...input });
  const files = new Map(heldOut.map((example) => [example.fileName, example.text]));
  const builder = new PatchPipeline({ parser, models: { diffusion, precision: 'q8', fallback }, config, readSource: async (path) => files.get(path)! });
  const patches: GeneratedPatch[] = [];
  try {
    for (const example of heldOut) patches.push(await builder.generatePatch({ filePath: example.fileName, editTargets: [example.target], intent: example.instruction, language: example.language }));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    log(`${setting}: refused: ${error.message}`);
    return { setting, exact: 0, valid: 0, passesPerToken: 0, fallbacks: 0, refused: error.message };
  }
  const tokens = heldOut.reduce((sum, example) => sum + diffusion.tokenizer.encode(functionText(example.function)).length, 0);
  const share = (test: (patch: GeneratedPatch, i: number) => boolean) => patches.filter(test).length / patches.length;
  const row = {
    setting,
    exact: share((patch, i) => patch.generatedCode === heldOut[i]!.text),
    valid: share((patch) => patch.isValidSyntax),
    passesPerToken: patches.reduce((sum, patch) => sum + patch.sample.nfe, 0) / tokens,
    fallbacks: patches.filter((patch) => patch.sample.path === 'fallback').length,
  };
  log(`${setting}: exact ${row.exact}, valid ${row.valid}, ${row.passesPerToken.toFixed(2)} passes per token`);
  return row;
}

// The authors' sampler at the fast preset's settings (src/models/diffusionConfig.ts) with the family's authors'
// temperature, top-p and order of reveals, at 8 steps, as the tests run them, unless a row says otherwise (one step per token, the authors' own count, costs seven
// times the passes); the context cache and the parallel threshold are Builder's own sampler's.
const SETTINGS: [string, DiffusionConfigInput][] = [
  ["authors' sampler, 8 steps (the tests' settings)", { steps: 8 }],
  ["authors' sampler, 8 steps, guidance 2", { steps: 8, cfgScale: 2 }],
  ["Builder's sampler, 8 steps, no context cache", { sampler: 'builder', steps: 8, cacheInterval: 0 }],
  ...[2, 4, 8].map((interval): [string, DiffusionConfigInput] => [`Builder's sampler, 8 steps, cache interval ${interval}`, { sampler: 'builder', steps: 8, cacheInterval: interval }]),
  ...[0.9, 0.7].map((threshold): [string, DiffusionConfigInput] => [
    `Builder's sampler, 64 steps, parallel threshold ${threshold}`,
    { sampler: 'builder', steps: 64, cacheInterval: 0, parallelThreshold: threshold },
  ]),
  ...[2, 4, 8].flatMap((steps): [string, DiffusionConfigInput][] => [
    [`${steps} steps, no remasking`, { steps, maxRemaskRounds: 0 }],
    [`${steps} steps, 2 remasking rounds`, { steps, maxRemaskRounds: 2 }],
  ]),
];

const sections: string[] = [];
try {
  const trained = KNOWN_ANSWER_CHECKPOINTS.filter(isTrained);
  const fallbackCheckpoint = trained.find((c) => c.kind === 'autoregressive');
  const fallback = fallbackCheckpoint ? ((await converted(fallbackCheckpoint)) as CausalModel) : undefined;
  for (const checkpoint of trained.filter((c) => c.kind === 'diffusion')) {
    const diffusion = (await converted(checkpoint)) as DiffusionModel;
    const rows: Row[] = [];
    // Every row from the family's authors' sampling, as the tests run it, with the row's setting changed.
    const authors = authorsSampling(checkpoint.family) ?? {};
    for (const [setting, input] of SETTINGS) rows.push(await measure(setting, diffusion, undefined, { ...authors, ...input }));
    if (fallback) rows.push(await measure('2 steps, no remasking, then the fallback', diffusion, fallback, { ...authors, steps: 2, maxRemaskRounds: 0, fallback: true }));
    await diffusion.release();
    const percent = (x: number) => `${Math.round(100 * x)}%`;
    sections.push(
      [
        `### ${checkpoint.folder} (${checkpoint.family})`,
        '',
        '| setting | exact | parses | forward passes per token | fell back |',
        '| --- | ---: | ---: | ---: | ---: |',
        ...rows.map((r) =>
          r.refused ? `| ${r.setting} | refused: ${r.refused} | | | |` : `| ${r.setting} | ${percent(r.exact)} | ${percent(r.valid)} | ${r.passesPerToken.toFixed(2)} | ${r.fallbacks} |`,
        ),
      ].join('\n'),
    );
  }
  await fallback?.release();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const body = [runLine(machineInfo(2, null)), '', `${heldOut.length} held-out targets per checkpoint, q8 on WASM in Node.`, '', ...sections.flatMap((s) => [s, ''])].join('\n');
process.stdout.write(`${body}\n`);
if (options.docs) writeBenchmarkSection(options.docs, 'known-answer', body);
