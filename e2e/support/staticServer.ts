import { existsSync } from 'node:fs';
import { type Plugin, type PreviewServer, preview } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/**
 * Vite's preview server gzips every response on the fly, model weights included (they have no
 * type it knows, so it takes them for text): each model load cost this process about 1.3 s of
 * gzip for the demo model's 21 MB, and the browser as much again to inflate it. Served as they
 * are, the same bytes reach the page.
 */
export const withoutCompression: Plugin = {
  name: 'e2e-without-compression',
  configurePreviewServer(server) {
    server.middlewares.use((request, _response, next) => {
      delete request.headers['accept-encoding'];
      next();
    });
  },
};

/** Serves the built app (dist/) on a free localhost port for the e2e specs: WebGPU needs a secure context. */
export default async function serveBuiltApp(project: TestProject) {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` before the e2e tests (npm test does).');
  const server = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn', plugins: [withoutCompression] });
  project.provide('baseUrl', serverUrl(server));
  return async () => {
    await server.close();
  };
}

/** The address a preview server on a free port took, by localhost's name: a secure context. */
export function serverUrl(server: PreviewServer): string {
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('the preview server has no port');
  return `http://localhost:${address.port}/`;
}
