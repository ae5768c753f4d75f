import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset paths: the built site works from any folder of any static host.
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // Monaco is one large chunk by nature; web-tree-sitter's Emscripten glue uses eval on purpose.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: { checks: { eval: false } },
  },
  server: { port: 5173 },
  preview: { port: 4173 },
});
