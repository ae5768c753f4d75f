/**
 * MatMulNBits at accuracy_level 0 against 4, in the system Chromium, on WebGPU and on WASM: the
 * 0.5B shape's MLP (up 896 -> 4,864, down 4,864 -> 896, four layers) with the converter's 4-bit
 * layout, for 1, 4 and 128 rows of activations, timed and checked against float64 with the same
 * 4-bit weights. accuracy_level 4 lets onnxruntime's WebGPU provider take its DP4A program where
 * the adapter has subgroups and K is a multiple of 128 (contrib_ops/webgpu/quantization/
 * matmul_nbits.cc, CanApplyDP4AMatrixMatMulNBits). Where the machine has no GPU, WebGPU is
 * SwiftShader: its times say nothing of a real GPU's, so run this where one is to decide.
 * Run: npm run bench:webgpu-matmul (npx tsx bench/webgpu-matmul.ts [--docs FILE])
 */
import { parseArgs } from 'node:util';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { openBenchPage } from '../src/measure/benchPage';
import { chromiumVersion, machineInfo } from '../src/measure/machineInfo';
import type { MatmulBenchRequest, MatmulBenchResult } from './webgpuMatmulPage';

const { values: options } = parseArgs({ options: { docs: { type: 'string' } } });
const WASM_THREADS = 2;

const { page, origin, close } = await openBenchPage({ html: 'bench/webgpu-matmul.html', ready: 'matmulBench', logPrefix: 'matmul: ', log: (line) => console.log(line) });
let result: MatmulBenchResult;
try {
  page.setDefaultTimeout(30 * 60_000);
  const request: MatmulBenchRequest = { backends: ['webgpu', 'wasm'], accuracyLevels: [0, 4], rows: [1, 4, 128], wasmUrl: `${origin}/wasm/`, wasmThreads: WASM_THREADS };
  result = await page.evaluate((asked) => window.matmulBench(asked), request);
} finally {
  await close();
}

const cell = (backend: string, level: number, rows: number) => result.rows.find((row) => row.backend === backend && row.accuracyLevel === level && row.rows === rows);
const lines = [
  `WebGPU: ${result.adapter ?? 'none'}, subgroups ${result.subgroups ? 'yes' : 'no'}; WASM: ${result.wasmThreads} thread${result.wasmThreads === 1 ? '' : 's'}.`,
  '',
  '| backend | rows | accuracy_level 0: ms a matmul | relative error | accuracy_level 4: ms a matmul | relative error | 4 against 0 |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...['webgpu', 'wasm'].flatMap((backend) =>
    [...new Set(result.rows.map((row) => row.rows))].map((rows) => {
      const [zero, four] = [cell(backend, 0, rows)!, cell(backend, 4, rows)!];
      return `| ${backend} | ${rows} | ${zero.msPerMatmul.toFixed(1)} | ${zero.relativeError.toExponential(1)} | ${four.msPerMatmul.toFixed(1)} | ${four.relativeError.toExponential(1)} | ${(four.msPerMatmul / zero.msPerMatmul).toFixed(2)}x |`;
    }),
  ),
];
console.log(lines.join('\n'));
if (options.docs) writeBenchmarkSection(options.docs, 'webgpu-matmul', [runLine(machineInfo(WASM_THREADS, chromiumVersion())), '', ...lines].join('\n'));
