import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, preview } from 'vite';
import type { TestProject } from 'vitest/node';
import app from '../../vite.config';
import { serverUrl, withoutCompression } from './staticServer';

declare module 'vitest' {
  export interface ProvidedContext {
    testPagesUrl: string;
  }
}

/** The pages only the e2e specs open, which the app's build leaves out. */
const PAGES = { modelCheck: resolve('e2e/pages/modelCheck.html') };

/**
 * Builds e2e/pages/ as the app is built (its Vite config: plugins, policy tag, workers) and serves
 * it beside the app's own models and WASM, with the policy header the app's preview sends.
 */
export default async function serveTestPages(project: TestProject) {
  const outDir = mkdtempSync(join(tmpdir(), 'builder-e2e-pages-'));
  await build({
    ...app,
    configFile: false,
    root: resolve('e2e/pages'),
    logLevel: 'warn',
    build: { ...app.build, outDir, emptyOutDir: false, copyPublicDir: false, rolldownOptions: { ...app.build?.rolldownOptions, input: PAGES } },
  });
  // The pages fetch the demo models and onnxruntime's WASM by relative URL, as the app does.
  for (const folder of ['models', 'wasm']) symlinkSync(resolve('public', folder), join(outDir, folder));
  const server = await preview({
    ...app,
    configFile: false,
    build: { outDir },
    preview: { ...app.preview, port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'warn',
    plugins: [withoutCompression],
  });
  project.provide('testPagesUrl', serverUrl(server));
  return async () => {
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  };
}
