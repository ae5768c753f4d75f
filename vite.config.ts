import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { connectHosts, contentSecurityPolicy } from './src/ui/app/contentSecurityPolicy.ts';

/**
 * Whether `npm start` can open the app in a browser: on a Linux without a display (a server, a
 * container, CI) there is none to show, and Vite's xdg-open would fail with a stack trace.
 */
function canOpenBrowser(): boolean {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return false;
  return (process.env.PATH ?? '').split(delimiter).some((folder) => existsSync(join(folder, 'xdg-open')));
}

/**
 * The built pages carry the Content-Security-Policy in a meta tag, so it holds on any static host.
 * A meta policy does not reach workers (they take theirs from their own response), so the preview
 * server, which the e2e tests use, also sends it as a header; a host serving dist/ should too.
 * The dev server gets neither: React's fast refresh injects an inline script.
 */
/** The Hub the built app fetches models from (VITE_HUB_ENDPOINT, default huggingface.co) and the hosts its downloads redirect to (VITE_HUB_DOWNLOAD_HOSTS, space-separated), named in the policy. */
const hubConnectHosts = () => connectHosts(process.env.VITE_HUB_ENDPOINT || undefined, process.env.VITE_HUB_DOWNLOAD_HOSTS?.split(/\s+/).filter(Boolean));

function contentSecurityPolicyTag(): Plugin {
  return {
    name: 'builder-content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy(hubConnectHosts()) }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  // Relative asset paths: the built site works from any folder of any static host.
  base: './',
  plugins: [react(), contentSecurityPolicyTag()],
  // onnxruntime-web loads its WASM runtime from public/wasm (see scripts/copy-wasm.mjs) instead
  // of bundling a second copy. The browser gets its build with the native WebGPU execution
  // provider rather than the default JSEP one: under SwiftShader JSEP's 4-bit MatMulNBits took
  // 14 s for the tiny model's vocabulary head where the native one took 0.34 s (README, Benchmarks).
  // A page on WASM imports the WASM-only build instead (src/runtime/browserRuntime.ts).
  resolve: {
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
    alias: [{ find: /^onnxruntime-web$/, replacement: 'onnxruntime-web/webgpu' }],
  },
  // The workers are bundled on their own: they need the page build's exemption for web-tree-sitter's eval too.
  worker: { format: 'es', rolldownOptions: { checks: { eval: false } } },
  // The dependency optimiser crawls these up front. The workers are entries of their own because
  // the crawl does not follow `new Worker(new URL(...))`: without them it would find the workers'
  // imports (onnxruntime-web, the tokenizer, the hashes) only at the first Generate, and reload the
  // page in the middle of it ("optimized dependencies changed. reloading").
  optimizeDeps: { entries: ['index.html', 'src/worker/*.worker.ts'] },
  build: {
    target: 'es2022',
    // Monaco is one large chunk by nature; web-tree-sitter's Emscripten glue uses eval on purpose.
    // The workers' own builds run inside vite:worker's load hook, so the bundler's timing report
    // would blame that hook on every build: it is turned off.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      checks: { eval: false, bundlerTimings: false },
      input: { main: 'index.html' },
    },
  },
  server: { port: 5173, open: canOpenBrowser() },
  preview: { port: 4173, open: false, headers: { 'Content-Security-Policy': contentSecurityPolicy(hubConnectHosts()) } },
});
