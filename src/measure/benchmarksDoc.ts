import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { machineLine } from './benchReport';
import type { MachineInfo } from './machineInfo';
import { AUTOREGRESSIVE_RUNS } from './measureAutoregressive';

/**
 * docs/benchmarks.md is generated: one section per benchmark script, each rewritten whole by the
 * script that measured it, between markers, so a run of one benchmark keeps the others' tables.
 * The text around the sections is this file's, rewritten on every write: nobody edits the page.
 */

/** The page's sections, in the order they appear: each names the command that rewrites it and says what it measures. */
export const BENCHMARK_SECTIONS = {
  node: {
    title: 'Generation speed in Node',
    command: 'npm run bench',
    about:
      "The sampler on onnxruntime-web's WASM backend in Node (2 threads), on the tiny demo shape and on the shape of Open-dCoder 0.5B / " +
      'Qwen2.5-Coder-0.5B (random bf16 weights converted to q4 and q8: speed does not depend on the values; generated into `.bench/models/` on first use). ' +
      'A 128-token span in the middle of a 200-token and a 2,000-token file cut from `fixtures/real/python/_urls.py` is regenerated once uncached ' +
      "and once with the context cache; the fallback's decoder and transformers.js `generate` write the same number of tokens on the same export at the " +
      `precision the engine picks on WASM (q8: transformers.js's \`q8\` reads its \`onnx/model_quantized.onnx\`), the fastest of ${AUTOREGRESSIVE_RUNS} runs each, taken in turns, ` +
      "and the same runtime; on the tiny shape both run once more at q4 (transformers.js's `q4`, `onnx/model_q4.onnx`), 32 tokens on the 200-token file. The time inside `session.run` and the bytes read back come from onnxruntime's session itself. " +
      'forwardFraction: share of generation time spent in the model; contextScaling: time per step on the large file over the small one ' +
      "(the context cache's refreshes included); spanPassScaling: one span pass against the large file's cache over one against the small one's; " +
      "attention alone: the span pass's attention and nothing else (the model's own attention subgraph, its layers, queries and cached keys, timed " +
      'in a graph of its own), and spanPassScaling besides attention the same ratio with it taken out of both passes, which is what else grows with the context; ' +
      "cacheSpeedup: uncached over cached generation; peerRatio: our tokens/s over transformers.js's; readbackBytesPerStep: every output copied into " +
      'JS memory per step, against 16 bytes per masked position and top-k entry. `--json FILE` keeps every number.',
  },
  backends: {
    title: 'Native onnxruntime against WASM',
    command: 'npm run bench:backends',
    about:
      "The same model folders of the 0.5B shape (the models of `npm run bench`, random weights) on onnxruntime-node's native CPU kernels and on onnxruntime-web's WASM " +
      'build (2 threads), each model loaded alone, at q8 and q4: a whole pass at 216 and 2,016 tokens (the fastest of 2 runs at 216, one at 2,016, after an untimed ' +
      "first pass), a span pass against the cache of each, and greedy autoregressive decoding; then the time per step of the authors' own sampler at their exact " +
      "settings on the 2,000-token file, on each backend, from which a whole run's time follows. `npm run bench` writes this section too.",
  },
  browser: {
    title: 'Generation speed in Chromium',
    command: 'npm run bench:browser',
    about:
      'The same measurements on the tiny shape in the system Chromium, once on WebGPU and once on WASM, through `bench/browser.html` on a Vite server ' +
      'of the checkout (cross-origin isolated, so WASM gets its threads), with transformers.js in the page on the same runtime. Where the machine has ' +
      "no GPU, WebGPU is SwiftShader, a GPU emulated on the CPU: its times say nothing about a real GPU's speed, but the bytes read back per step do " +
      'show that the caches stay in GPU buffers. A page cannot see its process memory (n/a).',
  },
  'precision-speed': {
    title: 'Precisions on WASM',
    command: 'npm run bench:precision-speed',
    about:
      "q4 against q8 against fp32 on onnxruntime-web's WASM backend in Node (2 threads), on the 0.5B shape cut to 4 layers so that it takes minutes: " +
      'the decoder through its KV cache, a 128-row span pass against a context cache, the load, and the weights of the whole 24-layer shape counted ' +
      "from the converter's graph. WASM has no 4-bit kernel (MatMulNBits unpacks its weights on every call); q8's MatMulInteger is an int8 GEMM.",
  },
  'webgpu-matmul': {
    title: 'MatMulNBits accuracy levels',
    command: 'npm run bench:webgpu-matmul',
    about:
      "onnxruntime's MatMulNBits with the converter's 4-bit layout on the 0.5B shape's MLP (up 896 to 4,864, down 4,864 to 896, four layers) in the system Chromium, " +
      'at accuracy_level 0, which the exports set, and 4, which lets the WebGPU provider take its DP4A program (int8 activations per block, integer dot products) ' +
      'where the adapter has subgroups and K is a multiple of 128. Relative error: the output against float64 with the same 4-bit weights. Without a GPU, WebGPU is ' +
      "SwiftShader, whose times say nothing of a real GPU's: the exports keep accuracy_level 0 until a real GPU shows 4 faster.",
  },
  'cached-load': {
    title: 'Loading a cached model',
    command: 'npm run bench:cached-load',
    about:
      'A model folder loaded hashing every file, as every load did before, against taking the files the cache hashed on entry on their size and the ' +
      "completion marker's record, with the hash moved to the background (the engine awaits it before it returns a result).",
  },
  outline: {
    title: 'Outline of a large file',
    command: 'npm run bench:outline',
    about: 'Parsing and outlining large real files in Node with a warm parser, median of 30 runs; `npm run bench:outline -- FILE ...` measures other files.',
  },
  'folder-index': {
    title: 'Opening a folder',
    command: 'npm run bench:folder-index',
    about:
      "Opening a real tree of about 1,000 source files (monaco-editor's own ESM source of vs/base, vs/platform and vs/editor, copied into `.bench/monaco-vs`): " +
      'the scan (file tree, `.gitignore`, skips), reading and outlining every source file, the memory the index holds, and the related-code search per target ' +
      '(the definitions a target uses and the places that call it), in Node.',
  },
  'first-paint': {
    title: 'First paint of the app',
    command: 'npm run bench:first-paint',
    about: "The built app from a local static server in headless Chromium, 5 cold runs, median: the first contentful paint and the moment Monaco has drawn the editor's lines.",
  },
  'model-download': {
    title: 'Model download in the app',
    command: 'npm run bench:model-download',
    about: 'The model manager through the UI in headless Chromium, the site on localhost, a fresh cache each run, median of 3: downloading the q4 demo model, and loading its folder from disk.',
  },
  'context-window': {
    title: 'Long files and the context window',
    command: 'npm run bench:context',
    about:
      'Time per diffusion step on the Open-dCoder 0.5B shape at q8 on WASM in Node (random weights), for one span of a 1,936-line real file cut to the default ' +
      'context budget, against the same span in a 200-token file; and the longest sequence each backend accepts for that shape, as the engine computes it ' +
      "(contextBudget: the model's positions, and the attention scores that must fit in memory), not found by trying.",
  },
  faithfulness: {
    title: "Faithfulness to the authors' samplers",
    command: 'npm run bench:faithfulness',
    about:
      "Each family's tiny checkpoint (its published layout, random weights spread so that choices are far from a tie) converted to fp32, `builder sample` in Node at temperature 0: " +
      "filled tokens equal to the authors' sampler ported independently (`tests/support/authorsSamplers/`) at the authors' settings, which must be all of them; " +
      'and for the approximate options (the context cache, the parallel threshold) the tokens equal to the exact run and forward passes per filled token.',
  },
  'hub-pull': {
    title: 'Getting a model from the Hub',
    command: 'npm run bench:hub-pull',
    about:
      'A random bf16 checkpoint of the Open-dCoder 0.5B shape served by the Hub double (tests/support/hubDouble.ts: the tree API, resolve and its 302 to a CDN on a second port ' +
      'that honours Range), converted to q4 three ways under `/usr/bin/time -v`: `builder pull` (each file downloaded, then converted, as the app does), converting ' +
      'straight from Range reads tensor by tensor, and `builder convert` of a local copy. The double is on localhost, so the download itself costs almost nothing: the ' +
      "times are the conversion's.",
  },
  'hub-pull-browser': {
    title: 'Getting a model from the Hub in the app',
    command: 'npm run bench:hub-pull-browser',
    about:
      'The same 0.5B-shape checkpoint through Get from Hugging Face in headless Chromium: the app built with the Hub double as its Hub (VITE_HUB_ENDPOINT), ' +
      'so the page\'s own Content-Security-Policy applies; from the user\'s agreement to "Cached and verified". Peak memory: the largest Chromium renderer process, sampled every 250 ms.',
  },
  'convert-memory': {
    title: 'Conversion memory',
    command: 'npm run bench:convert-memory',
    about:
      "`builder convert` on a generated 1 GB bf16 checkpoint under `/usr/bin/time -v`: the converter streams one tensor at a time, so its peak memory stays near the largest tensor's float32 copy.",
  },
  'known-answer': {
    title: 'Quality on the known-answer checkpoints',
    command: 'npm run bench:known-answer',
    about:
      'The tiny checkpoints trained on a task with one right answer per target (`training/README.md`), converted to q8 and run on WASM in Node on the 20 held-out targets: ' +
      'the share regenerated exactly and the share that parses, at the defaults the tests use and with each approximate option changed; forward passes per token of the expected definitions.',
  },
  eval: {
    title: 'Infilling on HumanEval-Infilling',
    command: 'npm run bench:eval',
    about:
      '`builder eval` as a user runs it, in a child process, on the first tasks of two HumanEval-Infilling sets (github openai/human-eval-infilling, read from `../shared/eval/`): ' +
      'the demo model (random weights: its pass@1 is 0 by construction; the row shows what a run measures and costs), and the time per task of the 0.5B shape on WASM and on the native backend (onnxruntime-node), ' +
      'from which the cost of a whole set follows. pass@1 runs each program with its tests in python3 (its own process, 3 s, 1 GiB, no network).',
  },
} as const;

export type BenchmarkSectionId = keyof typeof BENCHMARK_SECTIONS;

const SECTION_IDS = Object.keys(BENCHMARK_SECTIONS) as BenchmarkSectionId[];

const HEADER = `# Benchmarks

Generated by \`npm run bench\` and the other benchmark scripts — do not edit. Each section is
rewritten by the command named under its heading and starts with the machine and the date of that
run. The benchmarks themselves are in \`src/measure/\` (\`builder bench\`) and \`bench/\`. Timings on a
shared machine are noisy: compare runs taken on one quiet machine.
`;

const NOT_MEASURED = 'Not measured yet.';

const start = (id: BenchmarkSectionId) => `<!-- bench:${id} -->`;
const end = (id: BenchmarkSectionId) => `<!-- /bench:${id} -->`;

/** The body of each section in `page` (the markdown between its markers), where it has been measured. */
export function readSections(page: string): Partial<Record<BenchmarkSectionId, string>> {
  const sections: Partial<Record<BenchmarkSectionId, string>> = {};
  for (const id of SECTION_IDS) {
    const from = page.indexOf(start(id));
    const to = page.indexOf(end(id));
    const body = from >= 0 && to > from ? page.slice(from + start(id).length, to).trim() : NOT_MEASURED;
    if (body !== NOT_MEASURED) sections[id] = body;
  }
  return sections;
}

/** The whole page from its sections' bodies, every section in its place. */
export function renderBenchmarksPage(sections: Partial<Record<BenchmarkSectionId, string>>): string {
  const parts = [HEADER];
  for (const id of SECTION_IDS) {
    const { title, command, about } = BENCHMARK_SECTIONS[id];
    const body = sections[id]?.trim() || NOT_MEASURED;
    parts.push(`## ${title}\n\nWritten by \`${command}\`. ${about}\n\n${start(id)}\n${body}\n${end(id)}\n`);
  }
  return parts.join('\n');
}

/** Rewrites section `id` of the page at `path` with `body` (markdown), keeping every other section; creates the page if it is missing. */
export function writeBenchmarkSection(path: string, id: BenchmarkSectionId, body: string): void {
  const sections = existsSync(path) ? readSections(readFileSync(path, 'utf8')) : {};
  sections[id] = body;
  // Written beside and renamed, so an interrupted write never leaves half a page.
  const partial = `${path}.partial`;
  writeFileSync(partial, renderBenchmarksPage(sections));
  renameSync(partial, path);
}

/** The first line of a section from a script that measures outside `builder bench`: where and when. */
export function runLine(machine: MachineInfo, date = new Date()): string {
  return `${machineLine(machine)} ${date.toISOString()}.`;
}
