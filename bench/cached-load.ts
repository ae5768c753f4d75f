/**
 * Load time of a model from the cache before and after "load what is verified without hashing it
 * again": the same folder through the same reader, once hashing every file (what a load did before,
 * and still does for a folder no cache checked) and once with the cache's record that each file was
 * hashed when it entered (ModelFileReader.checkedOnEntry), where the large files are taken on their
 * size and hashed in the background after the session exists (LoadedModel.integrity, timed apart).
 * Node, onnxruntime-web WASM, 2 threads, median of 3. Uses the 0.5B-shape folders that
 * bench/precision-speed.ts generates (run that first; same --layers).
 * Run: npm run bench:cached-load (npx tsx bench/cached-load.ts [--layers N] [--docs FILE])
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { machineInfo } from '../src/measure/machineInfo';
import type { ModelPrecision } from '../src/models/modelPrecision';
import { loadModel } from '../src/runtime/loadModel';
import { checkUnhashed, type ModelFileReader, readVerifiedModel } from '../src/runtime/modelFiles';
import { nodeModelReader } from '../src/runtime/nodeModelReader';
import { ort } from '../src/runtime/ortSession';

const { values } = parseArgs({ options: { layers: { type: 'string', default: '4' }, docs: { type: 'string' } } });
const dir = join(`.bench/precision-speed/${values.layers}-layers`, 'diffusion');
ort.env.wasm.numThreads = 2;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The file stage of a load (read and check against the manifest), the hash left for the background, and the whole load with its session. */
async function timeLoad(reader: ModelFileReader, precision: ModelPrecision) {
  let started = performance.now();
  const files = await readVerifiedModel(reader, precision);
  const filesMs = performance.now() - started;
  started = performance.now();
  await checkUnhashed(reader, files);
  const backgroundMs = performance.now() - started;
  started = performance.now();
  const loaded = await loadModel(reader, precision, 'wasm');
  const loadMs = performance.now() - started;
  await loaded.integrity;
  await loaded.model.release();
  return { filesMs, backgroundMs, loadMs };
}

const table = [
  `0.5B shape cut to ${values.layers} layers (${dir}), median of 3:`,
  '',
  '| precision | files checked, hashing all (before) | files checked, size + cache record (after) | the hash moved to the background | whole load before | whole load after |',
  '|---|---:|---:|---:|---:|---:|',
];
for (const precision of ['q4', 'q8'] as const) {
  const plain = nodeModelReader(dir);
  const checked: ModelFileReader = { ...plain, read: (path) => plain.read(path), checkedOnEntry: () => true };
  const runs: { before: Awaited<ReturnType<typeof timeLoad>>; after: Awaited<ReturnType<typeof timeLoad>> }[] = [];
  for (let i = 0; i < 3; i++) runs.push({ before: await timeLoad(plain, precision), after: await timeLoad(checked, precision) });
  const m = (pick: (run: (typeof runs)[number]) => number) => `${median(runs.map(pick)).toFixed(0)} ms`;
  table.push(`| ${precision} | ${m((r) => r.before.filesMs)} | ${m((r) => r.after.filesMs)} | ${m((r) => r.after.backgroundMs)} | ${m((r) => r.before.loadMs)} | ${m((r) => r.after.loadMs)} |`);
}
console.log(table.join('\n'));
if (values.docs) writeBenchmarkSection(values.docs, 'cached-load', [runLine(machineInfo(2, null)), '', ...table].join('\n'));
