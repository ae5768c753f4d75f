import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { patchPath } from '../../src/cli/sourceFile';
import { builderIn } from '../support/cli';
import { tinyModel } from '../support/tinyModels';

const SOURCE = 'def area(radius):\n    return 3.14159 * radius ** 2\n\n\ndef double(x):\n    return 2 * x\n';

let repo: string;
let plain: string;
let model: string;

/** A git repository under the system's temporary folder, outside the checkout: pkg/shapes.py, pkg/sub/deep.py, tools/. */
beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), 'builder-user-repo-'));
  execFileSync('git', ['init', '-q'], { cwd: repo });
  mkdirSync(join(repo, 'pkg', 'sub'), { recursive: true });
  mkdirSync(join(repo, 'tools'));
  writeFileSync(join(repo, 'pkg', 'shapes.py'), SOURCE);
  writeFileSync(join(repo, 'pkg', 'sub', 'deep.py'), SOURCE);
  plain = mkdtempSync(join(tmpdir(), 'builder-no-repo-'));
  mkdirSync(join(plain, 'src'));
  writeFileSync(join(plain, 'src', 'shapes.py'), SOURCE);
  model = (await tinyModel('diffusion')).modelDir;
});

describe('patchPath', () => {
  it('names a file in a repository relative to its work tree, wherever the command runs', () => {
    expect(patchPath(join(repo, 'pkg', 'shapes.py'), join(repo, 'tools'))).toBe('pkg/shapes.py');
    expect(patchPath('../pkg/shapes.py', join(repo, 'tools'))).toBe('pkg/shapes.py');
    expect(patchPath('deep.py', join(repo, 'pkg', 'sub'))).toBe('pkg/sub/deep.py');
    expect(patchPath(join(repo, 'pkg', 'shapes.py'), plain)).toBe('pkg/shapes.py');
  });

  it('outside a repository, names it relative to the current folder when inside it, else by its own name; never with ..', () => {
    expect(patchPath('src/shapes.py', plain)).toBe('src/shapes.py');
    expect(patchPath(join(plain, 'src', 'shapes.py'), join(plain, 'src'))).toBe('shapes.py');
    expect(patchPath('../src/shapes.py', join(plain, 'src'))).toBe('shapes.py');
  });
});

describe("builder patch from the user's own repository", () => {
  // Each run: the folder the user is in, the --file they type, the folder `git apply` runs in, and the path the patch must name.
  const runs = [
    { name: 'an absolute path', cwd: () => repo, file: () => join(repo, 'pkg', 'shapes.py'), applyIn: () => repo, path: 'pkg/shapes.py' },
    { name: 'a ../ path from a sibling folder', cwd: () => join(repo, 'tools'), file: () => '../pkg/shapes.py', applyIn: () => repo, path: 'pkg/shapes.py' },
    { name: 'a file in a nested subfolder', cwd: () => join(repo, 'pkg', 'sub'), file: () => 'deep.py', applyIn: () => join(repo, 'pkg', 'sub'), path: 'pkg/sub/deep.py' },
    { name: 'a folder that is no repository', cwd: () => plain, file: () => 'src/shapes.py', applyIn: () => plain, path: 'src/shapes.py' },
  ];
  for (const run of runs) {
    // A run loads the model in a new process: seconds on a quiet machine, far more on a loaded one.
    it(`writes a patch that git apply takes, for ${run.name}`, { timeout: 240_000 }, async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'builder-patch-out-')), 'change.patch');
      const json = `${out}.json`;
      const result = await builderIn(
        run.cwd(),
        'patch',
        '--file',
        run.file(),
        '--model',
        model,
        '--no-fallback',
        '--steps',
        '2',
        '--target',
        'area',
        '--prompt',
        'use math.pi',
        '--seed',
        '3',
        '--out',
        out,
        '--json',
        json,
      );
      expect([0, 3], result.stderr).toContain(result.code);
      const patch = readFileSync(out, 'utf8');
      expect(patch).toMatch(new RegExp(`^diff --git a/${run.path} b/${run.path}\n`));
      expect(patch).not.toContain('..');
      // -v says which files it checked: git apply skips, silently, a path outside the folder it runs in.
      const check = execFileSync('git', ['apply', '--check', '-v', out], { cwd: run.applyIn(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(check).not.toContain('Skipped');
      execFileSync('git', ['apply', out], { cwd: run.applyIn() });
      const patched = JSON.parse(readFileSync(json, 'utf8'));
      const file = run.path.startsWith('pkg/') ? join(repo, run.path) : join(plain, run.path);
      expect(readFileSync(file, 'utf8')).toBe(patched.generatedCode);
      writeFileSync(file, SOURCE);
    });
  }
});
