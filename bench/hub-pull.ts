/**
 * `builder pull` from the Hub double, measured: a random bf16 checkpoint served by the double
 * (tests/support/hubDouble.ts, a CDN on a second port behind resolve's 302), pulled to q4 by a
 * child `builder pull` under /usr/bin/time -v, and the same checkpoint converted straight from
 * the double by Range reads, tensor by tensor, without a local copy (hubFolder), to compare the two
 * ways of resuming: per file (downloaded first, then converted: what pull and the app do) and per
 * tensor. Reported: wall time, throughput over the safetensors' bytes, peak resident memory, and
 * the folder's size. Run: npx tsx bench/hub-pull.ts [--shape small|0.5b] [--docs FILE] (npm run bench:hub-pull:
 * the 0.5b shape, rewriting its section of the benchmarks page).
 * `small` is a stand-in (hidden 256, 4 layers); `0.5b` is Open-dCoder 0.5B's shape (Qwen2.5-0.5B:
 * hidden 896, 24 layers, 14 heads over 2 key/value heads), about 1 GB of bf16. Checkpoints are
 * generated into .bench/ on first use and kept; nothing is committed.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { openCheckpoint } from '../src/convert/checkpoint';
import { convertCheckpoint } from '../src/convert/convertCheckpoint';
import { createNodeOutputFolder } from '../src/convert/nodeOutputFolder';
import { type TinyModelScale, writeTinyCheckpoint } from '../src/convert/tinyModel';
import { hubFolder } from '../src/hub/hubByteSource';
import { listRepository } from '../src/hub/listRepository';
import { pinRevision } from '../src/hub/pinRevision';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { machineInfo } from '../src/measure/machineInfo';
import { startHubDouble } from '../tests/support/hubDouble';

const SHAPES: Record<string, TinyModelScale> = {
  small: { hiddenSize: 256, numLayers: 4, intermediateSize: 1024 },
  '0.5b': { hiddenSize: 896, numLayers: 24, intermediateSize: 4864, numHeads: 14, numKeyValueHeads: 2 },
};
const REPO = 'bench/checkpoint';

const { values } = parseArgs({ options: { shape: { type: 'string', default: 'small' }, 'stream-child': { type: 'string' }, out: { type: 'string' }, docs: { type: 'string' } } });

if (values['stream-child']) {
  // The per-tensor way, in its own process so its memory is its own: convert reading the Hub directly.
  const endpoint = { url: values['stream-child'] };
  const { commit } = await pinRevision(endpoint, REPO, 'main');
  const source = hubFolder(endpoint, REPO, commit, await listRepository(endpoint, REPO, commit));
  const checkpoint = await openCheckpoint(source);
  await convertCheckpoint({ source, checkpoint, output: await createNodeOutputFolder(values.out!), id: 'stream', kind: 'diffusion', precisions: ['q4'] });
  await checkpoint.close();
  process.exit(0);
}

const scale = SHAPES[values.shape!];
if (!scale) throw new Error(`--shape takes ${Object.keys(SHAPES).join(' or ')}`);
const dir = `.bench/hub-checkpoint-${values.shape}`;
if (!existsSync(join(dir, 'config.json'))) await writeTinyCheckpoint(dir, { kind: 'diffusion', seed: 12, scale });
const weightBytes = statSync(join(dir, 'model.safetensors')).size;
const hub = await startHubDouble();
await hub.addRepo(REPO, dir);

// Asynchronous: the double answers from this process, so it must not be blocked while the child runs.
const timed = async (command: string) => {
  const { stdout: report } = await promisify(execFile)('sh', ['-c', `/usr/bin/time -v ${command} 2>&1 >/dev/null; true`], {
    encoding: 'utf8',
    env: { ...process.env, HF_ENDPOINT: hub.url },
    maxBuffer: 1 << 24,
  });
  // h:mm:ss or m:ss.ss
  const seconds = /Elapsed \(wall clock\) time.*: (.+)/
    .exec(report)![1]!
    .split(':')
    .map(Number)
    .reduce((total, part) => total * 60 + part, 0);
  return { seconds, peakMb: Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(report)![1]) / 1024, failed: /Exit status: [1-9]/.test(report) ? report : null };
};

const lines = [
  `Checkpoint: the ${values.shape} shape, ${(weightBytes / 1e6).toFixed(0)} MB of bf16 safetensors, served by the Hub double.`,
  '',
  '| way | wall time | safetensors MB/s | peak resident memory | folder |',
  '|---|---:|---:|---:|---:|',
];
const say = (line: string) => (lines.push(line), console.log(line));
lines.forEach((line) => console.log(line));
const runs: [string, (out: string) => string][] = [
  ['builder pull (per file: download, then convert)', (out) => `"${process.execPath}" bin/builder.js pull ${REPO} --out ${out} --quant q4`],
  ['per tensor (convert from Range reads)', (out) => `"${process.execPath}" --import tsx bench/hub-pull.ts --stream-child ${hub.url} --out ${out}`],
  ['builder convert of a local copy (no download)', (out) => `"${process.execPath}" bin/builder.js convert --from ${dir} --out ${out} --quant q4`],
];
for (const [way, command] of runs) {
  const scratch = mkdtempSync(join(tmpdir(), 'builder-hub-pull-'));
  const out = join(scratch, 'model');
  const { seconds, peakMb, failed } = await timed(command(out));
  if (failed) throw new Error(`${way} failed:\n${failed}`);
  const folder = Number(execFileSync('du', ['-sb', out], { encoding: 'utf8' }).split('\t')[0]);
  say(`| ${way} | ${seconds.toFixed(1)} s | ${(weightBytes / 1e6 / seconds).toFixed(1)} | ${peakMb.toFixed(0)} MB | ${(folder / 1e6).toFixed(0)} MB |`);
  rmSync(scratch, { recursive: true, force: true });
}
await hub.close();
if (values.docs) writeBenchmarkSection(values.docs, 'hub-pull', [runLine(machineInfo(2, null)), '', ...lines].join('\n'));
