/**
 * Converting must stream: a synthetic checkpoint of over 1 GB (the tiny model's machinery at a
 * larger size) is converted by `builder convert` under /usr/bin/time -v, and the peak resident
 * memory is reported (the issue asks for under 1.5 GB). Run: npm run bench:convert-memory
 * The checkpoint is generated on demand into .bench/ and kept for later runs; nothing is committed.
 * With --docs FILE (as npm run bench:convert-memory passes) it rewrites its section of the benchmarks page.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeTinyCheckpoint } from '../src/convert/tinyModel';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { machineInfo } from '../src/measure/machineInfo';

const { values: options } = parseArgs({ options: { docs: { type: 'string' } } });
const checkpoint = '.bench/checkpoint-1gb';
if (!existsSync(join(checkpoint, 'config.json'))) {
  await writeTinyCheckpoint(checkpoint, { kind: 'diffusion', seed: 11, scale: { hiddenSize: 1024, numLayers: 24, intermediateSize: 4096 } });
}
const size = statSync(join(checkpoint, 'model.safetensors')).size;
const table = [
  `Converting a checkpoint of ${(size / 1e9).toFixed(2)} GB of bf16 weights with \`builder convert\`:`,
  '',
  '| precision | peak resident memory | wall time | output |',
  '|---|---:|---:|---:|',
];
console.log(table.join('\n'));
for (const quant of ['q4', 'fp32']) {
  const scratch = mkdtempSync(join(tmpdir(), 'builder-convert-memory-'));
  const out = join(scratch, 'model');
  // /usr/bin/time writes its report to stderr; the converter's own output goes to /dev/null.
  const report = execFileSync('sh', ['-c', `/usr/bin/time -v "${process.execPath}" bin/builder.js convert --from ${checkpoint} --out ${out} --quant ${quant} 2>&1 >/dev/null`], { encoding: 'utf8' });
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(report)?.[1]);
  const wall = /Elapsed \(wall clock\) time.*: (.+)/.exec(report)?.[1];
  const written = Number(execFileSync('du', ['-sb', out], { encoding: 'utf8' }).split('\t')[0]);
  table.push(`| ${quant} | ${(peakKb / 1024).toFixed(0)} MB | ${wall} | ${(written / 1e6).toFixed(0)} MB |`);
  console.log(table.at(-1));
  rmSync(scratch, { recursive: true, force: true });
}
if (options.docs) writeBenchmarkSection(options.docs, 'convert-memory', [runLine(machineInfo(1, null)), '', ...table].join('\n'));
