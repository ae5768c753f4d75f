import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    tinyModelsRoot: string;
  }
}

/**
 * One folder for the whole unit run where tests/support/tinyModels.ts keeps each tiny model it
 * converts, so the thirteen files that use one convert it once between them, not once each
 * (about 6 s a conversion here); removed when the run ends.
 */
export default function tinyModelsRoot(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), 'builder-tiny-models-'));
  project.provide('tinyModelsRoot', root);
  return () => rmSync(root, { recursive: true, force: true });
}
