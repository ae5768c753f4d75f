import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fixturePath } from './parser';

/**
 * A temporary copy of a fixture repository (fixtures/repos/NAME), with extra files written into it
 * (relative path -> content): the ignored, vendored and binary files a test needs, which the
 * committed fixture keeps out.
 */
export function fixtureRepoCopy(name: string, extra: Record<string, string | Uint8Array> = {}): string {
  const root = mkdtempSync(join(tmpdir(), `builder-${name}-`));
  cpSync(fixturePath(`repos/${name}`), root, { recursive: true });
  for (const [path, content] of Object.entries(extra)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
