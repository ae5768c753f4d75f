/**
 * Load time of a model from the cache before and after "load what is verified without hashing it
 * again": the same folder through the same reader, once hashing every file (what a load did before,
 * and still does for a folder no cache checked) and once with the cache's record that each file was
 * hashed when it entered (ModelFileReader.checkedOnEntry), where the large files are taken on their
 * size and hashed in the background after the session exists (LoadedModel.integrity, timed apart).
 * Node, onnxruntime-web WASM, 2 threads, median of 3. Uses the 0.5B-shape folders that
 * bench/precision-speed.ts generates (run that first; same --layers).
 * Run: npx tsx bench/cached-load.ts [--layers N]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModelPrecision } from '../src/core/modelPrecision';
import { loadModel } from '../src/model/loadModel';
import type { ModelFileReader } from '../src/model/modelFiles';
import { nodeModelReader } from '../src/model/nodeModelReader';
import { ort } from '../src/model/ortSession';

const { values } = parseArgs({ options: { layers: { type: 'string', default: '4' } } });
const dir = join(`.bench/precision-speed/${values.layers}-layers`, 'diffusion');
ort.env.wasm.numThreads = 2;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeLoad(reader: ModelFileReader, precision: ModelPrecision): Promise<{ loadMs: number; integrityMs: number }> {
  const started = performance.now();
  const loaded = await loadModel(reader, precision, 'wasm');
  const loadMs = performance.now() - started;
  await loaded.integrity;
  const integrityMs = performance.now() - started - loadMs;
  await loaded.model.release();
  return { loadMs, integrityMs };
}

console.log(`0.5B shape cut to ${values.layers} layers (${dir}), median of 3\n`);
console.log('| precision | hashing every file (before) | size + cache record (after) | background hash after the load |');
console.log('|---|---:|---:|---:|');
for (const precision of ['q4', 'q8'] as const) {
  const plain = nodeModelReader(dir);
  const checked: ModelFileReader = { ...plain, read: (path) => plain.read(path), checkedOnEntry: () => true };
  const before: number[] = [];
  const after: number[] = [];
  const background: number[] = [];
  for (let i = 0; i < 3; i++) {
    before.push((await timeLoad(plain, precision)).loadMs);
    const fast = await timeLoad(checked, precision);
    after.push(fast.loadMs);
    background.push(fast.integrityMs);
  }
  console.log(`| ${precision} | ${median(before).toFixed(0)} ms | ${median(after).toFixed(0)} ms | ${median(background).toFixed(0)} ms |`);
}
