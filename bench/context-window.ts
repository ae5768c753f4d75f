/**
 * What the context window buys: time per diffusion step for one span in a real 1,936-line file
 * cut to the default context budget, against the same span in a 200-token file (the ratio), on the
 * Open-dCoder 0.5B shape on WASM (random weights: the time is the shape's, not the weights');
 * and the longest sequence each backend accepts for that shape (contextBudget's memory limit).
 * Run: npm run bench:context [-- --quick]   (--quick: the tiny demo shape, 2 steps). With --docs FILE (as
 * npm run bench:context passes) it rewrites its section of the benchmarks page.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nodeWasmLocator } from '../src/cli/wasmFiles';
import { PatchPipeline } from '../src/generate/patchPipeline';
import { benchModels } from '../src/measure/benchModels';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { QWEN_CODER_05B, TINY } from '../src/measure/benchPlans';
import { machineInfo } from '../src/measure/machineInfo';
import { memoryTokens, WEBGPU_DEFAULT_BUFFER_BYTES } from '../src/models/contextBudget';
import { createDiffusionConfig } from '../src/models/diffusionConfig';
import { loadModel } from '../src/runtime/loadModel';
import { nodeModelReader } from '../src/runtime/nodeModelReader';
import { analyzeSource } from '../src/syntax/analyzeSource';
import { SyntaxParser } from '../src/syntax/syntaxParser';

const { values: options } = parseArgs({ options: { quick: { type: 'boolean', default: false }, docs: { type: 'string' } } });
const { quick, docs } = options;
const SPEC = quick ? TINY : QWEN_CODER_05B;
const STEPS = quick ? 2 : 4;
const FILE = 'fixtures/real/python/xcode_emulation.py';
const SMALL_FILE_TOKENS = 200;
// The bench's own model cache, shared with `builder bench`.
const CACHE_DIR = fileURLToPath(new URL('../.bench/models/', import.meta.url));

const log = (line: string) => process.stderr.write(`bench:context: ${line}\n`);
const pair = await benchModels(CACHE_DIR, SPEC, log);
// q8, the precision the engine picks on WASM.
const loaded = await loadModel(nodeModelReader(pair.diffusionDir), 'q8', 'wasm');
if (loaded.kind !== 'diffusion') throw new Error(`${pair.diffusionDir} holds no diffusion model`);
const model = loaded.model;
const parser = await SyntaxParser.create(nodeWasmLocator);

// The span: the middle top-level definition of the long file; the small file is that span with the lines before it, up to 200 tokens.
const long = readFileSync(FILE, 'utf8');
const analyzed = await analyzeSource(parser, long, FILE);
analyzed.parsed.delete();
const topLevel = analyzed.outline.filter((entry) => !entry.qualifiedName.includes('.') && entry.kind === 'function');
const target = topLevel.find((entry) => model.tokenizer.encode(long.slice(entry.range.start, entry.range.end)).length < SMALL_FILE_TOKENS / 2) ?? topLevel[0]!;
let start = target.range.start;
while (start > 0 && model.tokenizer.encode(long.slice(long.lastIndexOf('\n', start - 2) + 1, target.range.end)).length <= SMALL_FILE_TOKENS) start = long.lastIndexOf('\n', start - 2) + 1;
const small = `${long.slice(start, target.range.end)}\n`;

const config = createDiffusionConfig({ preset: 'fast', steps: STEPS, cfgScale: 1, fallback: false, maxRemaskRounds: 0, seed: 7 });
async function stepTime(text: string): Promise<{ perStepMs: number; tokens: number; keptLines: number; totalLines: number }> {
  const builder = new PatchPipeline({ parser, models: { diffusion: model, precision: 'q8' }, config, readSource: async () => text });
  const stepsAt: number[] = [];
  const plan = { filePath: 'xcode_emulation.py', editTargets: [`${target.name}`], intent: 'Make this iterative and validate its inputs.' };
  let started = performance.now();
  const patch = await builder.generatePatch(plan, { onProgress: () => stepsAt.push(performance.now()) });
  started = stepsAt.length > 1 ? stepsAt[0]! : started;
  const perStepMs = stepsAt.length > 1 ? (stepsAt.at(-1)! - started) / (stepsAt.length - 1) : patch.sample.generationTimeMs / patch.sample.nfe;
  return { perStepMs, tokens: patch.context!.tokens, keptLines: patch.context!.keptLines, totalLines: patch.context!.totalLines };
}

await stepTime(small);
const longRun = await stepTime(long);
const smallRun = await stepTime(small);
const { memory } = model;
const gib = 2 ** 30;
const accepted = [
  ['WASM, 1 row (guidance 1)', memoryTokens({ memory, rows: 1, backend: 'wasm' })],
  ['WASM, 2 rows (guidance)', memoryTokens({ memory, rows: 2, backend: 'wasm' })],
  [
    `WebGPU, 2 rows, ${WEBGPU_DEFAULT_BUFFER_BYTES / 2 ** 20} MiB buffer (the spec's minimum)`,
    memoryTokens({ memory: { ...memory, largestBufferBytes: WEBGPU_DEFAULT_BUFFER_BYTES }, rows: 2, backend: 'webgpu' }),
  ],
  ['WebGPU, 2 rows, 2 GiB buffer', memoryTokens({ memory: { ...memory, largestBufferBytes: 2 * gib }, rows: 2, backend: 'webgpu' })],
  ['WebGPU, 2 rows, 4 GiB buffer', memoryTokens({ memory: { ...memory, largestBufferBytes: 4 * gib }, rows: 2, backend: 'webgpu' })],
] as const;

const lines = [
  `${SPEC.label}, WASM, q8, ${STEPS} steps, guidance 1, cache refresh every ${config.cacheInterval}, context budget ${config.contextTokens} tokens; span \`${target.name}\` of ${FILE}.`,
  '',
  '| file | lines seen | sequence | per step |',
  '|---|---:|---:|---:|',
  `| ${FILE} (${longRun.totalLines} lines), windowed | ${longRun.keptLines} of ${longRun.totalLines} | ${longRun.tokens} | ${longRun.perStepMs.toFixed(0)} ms |`,
  `| the same span in a ${SMALL_FILE_TOKENS}-token file | ${smallRun.keptLines} of ${smallRun.totalLines} | ${smallRun.tokens} | ${smallRun.perStepMs.toFixed(0)} ms |`,
  '',
  `Ratio (per step, long / small): ${(longRun.perStepMs / smallRun.perStepMs).toFixed(2)}`,
  '',
  `Longest sequence each backend accepts for this shape (weights ${(memory.weightBytes / 1e6).toFixed(0)} MB; model positions ${model.manifest.maxPositions}):`,
  '',
  '| backend | tokens |',
  '|---|---:|',
  ...accepted.map(([name, tokens]) => `| ${name} | ${Math.min(tokens, model.manifest.maxPositions)}${tokens > model.manifest.maxPositions ? ` (memory: ${tokens})` : ''} |`),
];
console.log(lines.join('\n'));
if (docs && !quick) writeBenchmarkSection(docs, 'context-window', [runLine(machineInfo(2, null)), '', ...lines].join('\n'));
await model.release();
