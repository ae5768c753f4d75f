/**
 * q4 against q8 against fp32 on onnxruntime-web's WASM backend in Node (2 threads), on the
 * Open-dCoder / Qwen2.5-Coder-0.5B shape cut to a few layers so the run takes minutes, not the full
 * bench's nine (`--layers N`, default 4): the autoregressive decoder's time per token through its KV
 * cache, a 128-row span pass of the diffusion graph against the context cache of a 216-token
 * sequence, the load time, and each precision's weights for the whole 24-layer shape (counted from
 * the graph the converter builds, no weights generated). Ratios, not absolute times, are what this
 * machine's numbers are good for. Run: npm run bench:precision-speed (npx tsx bench/precision-speed.ts
 * [--layers N] [--tokens N] [--docs FILE])
 * The checkpoint and its conversions go to .bench/precision-speed/ and are kept for later runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openCheckpoint } from '../src/convert/checkpoint';
import { convertCheckpoint } from '../src/convert/convertCheckpoint';
import { openFolder } from '../src/convert/nodeFiles';
import { createNodeOutputFolder } from '../src/convert/nodeOutputFolder';
import { buildQwenGraph } from '../src/convert/qwenGraph';
import { writeTinyCheckpoint } from '../src/convert/tinyModel';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { machineInfo } from '../src/measure/machineInfo';
import type { ModelPrecision } from '../src/models/modelPrecision';
import { loadModel } from '../src/runtime/loadModel';
import { nodeModelReader } from '../src/runtime/nodeModelReader';
import { ort } from '../src/runtime/ortSession';

const { values } = parseArgs({ options: { layers: { type: 'string', default: '4' }, tokens: { type: 'string', default: '8' }, docs: { type: 'string' } } });
const layers = Number(values.layers);
const newTokens = Number(values.tokens);
const PRECISIONS: ModelPrecision[] = ['q4', 'q8', 'fp32'];
const SHAPE = { hiddenSize: 896, numHeads: 14, numKeyValueHeads: 2, intermediateSize: 4864 };
ort.env.wasm.numThreads = 2;

const root = `.bench/precision-speed/${layers}-layers`;
const checkpointDir = join(root, 'checkpoint');
if (!existsSync(join(checkpointDir, 'config.json'))) await writeTinyCheckpoint(checkpointDir, { kind: 'diffusion', seed: 3, scale: { ...SHAPE, numLayers: layers } });

async function converted(kind: 'diffusion' | 'autoregressive'): Promise<string> {
  const dir = join(root, kind);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  const source = await openFolder(checkpointDir);
  const checkpoint = await openCheckpoint(source);
  try {
    await convertCheckpoint({ source, checkpoint, output: await createNodeOutputFolder(dir), id: `precision-speed-${kind}`, kind, precisions: PRECISIONS });
  } finally {
    await checkpoint.close();
  }
  return dir;
}
const [diffusionDir, autoregressiveDir] = [await converted('diffusion'), await converted('autoregressive')];

/** Weights bytes of the whole 24-layer shape at a precision, from the graph's declared tensors. */
async function fullShapeBytes(precision: ModelPrecision): Promise<number> {
  const checkpoint = await openCheckpoint(await openFolder(checkpointDir));
  const config = { ...checkpoint.config, numLayers: 24 };
  await checkpoint.close();
  const unread = { read: () => Promise.reject(new Error('sizes need no weights')) };
  const graph = buildQwenGraph({ config, kind: 'autoregressive', precision, weights: unread, toFloat16: () => new Uint8Array() });
  return graph.externalTensors.reduce((sum, t) => sum + t.byteLength, 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const prompt = Array.from({ length: 16 }, (_, i) => 1000 + i * 37);
const rows: Record<string, { loadMs: number; tokenMs: number; spanMs: number; fullShapeMB: number }> = {};

for (const precision of PRECISIONS) {
  let started = performance.now();
  const causal = await loadModel(nodeModelReader(autoregressiveDir), precision, 'wasm');
  const loadMs = performance.now() - started;
  if (causal.kind !== 'autoregressive') throw new Error('expected an autoregressive model');
  const decoder = causal.model;
  let step = await decoder.step(prompt, decoder.emptyCache(), 0);
  // One untimed token first: the first run after a load pays for allocations.
  step = await decoder.step([prompt[0]!], step.cache, prompt.length);
  const times: number[] = [];
  for (let i = 0; i < newTokens; i++) {
    started = performance.now();
    step = await decoder.step([prompt[i % prompt.length]!], step.cache, prompt.length + 1 + i);
    times.push(performance.now() - started);
  }
  await causal.model.release();

  const loaded = await loadModel(nodeModelReader(diffusionDir), precision, 'wasm');
  if (loaded.kind !== 'diffusion') throw new Error('expected a diffusion model');
  const model = loaded.model;
  const sequence = Array.from({ length: 216 }, (_, i) => 2000 + ((i * 131) % 5000));
  const span = Array.from({ length: 128 }, (_, i) => 44 + i);
  for (const p of span) sequence[p] = model.manifest.maskTokenId!;
  const request = { rows: [sequence], positions: span, rowWeights: [1], temperature: 1, topK: 64 };
  const { cache } = await model.predictAndCache(request, span);
  await model.predictSpan(request, cache);
  const spans: number[] = [];
  for (let i = 0; i < 3; i++) {
    started = performance.now();
    await model.predictSpan(request, cache);
    spans.push(performance.now() - started);
  }
  cache.release();
  await model.release();
  rows[precision] = { loadMs, tokenMs: median(times), spanMs: median(spans), fullShapeMB: (await fullShapeBytes(precision)) / 1e6 };
  console.error(`${precision}: ${JSON.stringify(rows[precision])}`);
}

const [q4, q8, fp32] = [rows.q4!, rows.q8!, rows.fp32!];
const table = [
  `0.5B shape cut to ${layers} layers (hidden 896, 14 heads over 2, MLP 4,864, vocabulary 151,936, tied), ${newTokens} tokens after a 16-token prompt, span pass 128 of 216 tokens; weights for all 24 layers counted from the graph:`,
  '',
  '| precision | load | decode, per token | tokens/s | 128-row span pass | weights at 24 layers |',
  '|---|---:|---:|---:|---:|---:|',
  ...PRECISIONS.map((p) => {
    const r = rows[p]!;
    return `| ${p} | ${r.loadMs.toFixed(0)} ms | ${r.tokenMs.toFixed(0)} ms | ${(1000 / r.tokenMs).toFixed(2)} | ${r.spanMs.toFixed(0)} ms | ${r.fullShapeMB.toFixed(0)} MB |`;
  }),
  '',
  `q8 decode tokens/s over q4: ${(q4.tokenMs / q8.tokenMs).toFixed(2)}x (target >= 6); over fp32: ${(fp32.tokenMs / q8.tokenMs).toFixed(2)}x (target >= 1). q8 span pass over q4: ${(q4.spanMs / q8.spanMs).toFixed(2)}x faster (target >= 2).`,
];
console.log(table.join('\n'));
if (values.docs) writeBenchmarkSection(values.docs, 'precision-speed', [runLine(machineInfo(2, null)), '', ...table].join('\n'));
