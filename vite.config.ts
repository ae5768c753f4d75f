import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { connectHosts, contentSecurityPolicy } from './src/core/contentSecurityPolicy.ts';

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
  resolve: {
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
    alias: [{ find: /^onnxruntime-web$/, replacement: 'onnxruntime-web/webgpu' }],
  },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // Monaco is one large chunk by nature; web-tree-sitter's Emscripten glue uses eval on purpose.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      checks: { eval: false },
      input: { main: 'index.html', diagnostics: 'diagnostics.html' },
    },
  },
  server: { port: 5173 },
  preview: { port: 4173, headers: { 'Content-Security-Policy': contentSecurityPolicy(hubConnectHosts()) } },
});
