import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  // Relative asset paths: the built site works from any folder of any static host.
  base: './',
  plugins: [react()],
  // onnxruntime-web loads its WASM runtime from public/wasm (see scripts/copy-wasm.mjs) instead
  // of bundling a second copy.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
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
  preview: { port: 4173 },
});
