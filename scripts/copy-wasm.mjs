// Copies the WebAssembly files the app loads at run time (tree-sitter, its grammars and
// onnxruntime-web) out of their npm packages into public/wasm, so the site is self-hosted:
// no CDN, and no binaries committed to the repo.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'public', 'wasm');
mkdirSync(out, { recursive: true });

const packageDir = (name) => join(root, 'node_modules', name);
const vscodeWasm = join(packageDir('@vscode/tree-sitter-wasm'), 'wasm');

const files = [
  [join(packageDir('web-tree-sitter'), 'web-tree-sitter.wasm'), 'web-tree-sitter.wasm'],
  [join(packageDir('tree-sitter-c'), 'tree-sitter-c.wasm'), 'tree-sitter-c.wasm'],
  // onnxruntime-web's WebAssembly runtimes: its WebGPU build's (native WebGPU execution provider,
  // compiled with Asyncify) and its WASM-only build's, which a page on WASM loads instead
  // (src/runtime/browserRuntime.ts).
  ...['ort-wasm-simd-threaded.asyncify', 'ort-wasm-simd-threaded'].flatMap((build) =>
    ['wasm', 'mjs'].map((extension) => [join(packageDir('onnxruntime-web'), 'dist', `${build}.${extension}`), `${build}.${extension}`]),
  ),
  ...['python', 'typescript', 'tsx', 'javascript', 'rust', 'go', 'java', 'cpp', 'c-sharp', 'ruby', 'php', 'bash'].map((grammar) => [
    join(vscodeWasm, `tree-sitter-${grammar}.wasm`),
    `tree-sitter-${grammar}.wasm`,
  ]),
];

for (const [from, name] of files) copyFileSync(from, join(out, name));
console.log(`copy-wasm: ${files.length} files into public/wasm`);
