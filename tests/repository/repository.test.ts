import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFolder } from '../../src/cli/nodeFolder';
import { folderPath } from '../../src/repository/folderSource';
import { IgnoreRules } from '../../src/repository/ignoreRules';
import { scanRepository, skippedNote } from '../../src/repository/repository';
import { fixtureRepoCopy } from '../support/fixtureRepo';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

describe('scanRepository', () => {
  it('lists the files of a real package, honours its .gitignore and skips vendored, binary and huge files with a note', async () => {
    const root = fixtureRepoCopy('itsdangerous', {
      // Each of these would be listed if its rule were not applied.
      'htmlcov/index.py': 'def covered():\n    pass\n',
      '.coverage.host': 'data',
      'docs/_build/conf.py': 'x = 1\n',
      'node_modules/left-pad/index.js': 'module.exports = () => 1;\n',
      '.venv/lib/site.py': 'import os\n',
      'src/itsdangerous/__pycache__/signer.cpython-312.pyc': new Uint8Array([0, 1, 2]),
      'docs/logo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      'static/app.min.js': 'var a=1;',
      'data/huge.py': `x = "${'a'.repeat(2 * 1024 * 1024)}"\n`,
      'docs/index.rst': 'Docs\n',
    });
    roots.push(root);
    const repository = await scanRepository(nodeFolder(root));
    expect(repository.files.map((f) => f.path)).toEqual([
      'docs/index.rst',
      'src/itsdangerous/__init__.py',
      'src/itsdangerous/_json.py',
      'src/itsdangerous/encoding.py',
      'src/itsdangerous/exc.py',
      'src/itsdangerous/py.typed',
      'src/itsdangerous/serializer.py',
      'src/itsdangerous/signer.py',
      'src/itsdangerous/timed.py',
      'src/itsdangerous/url_safe.py',
      '.gitignore',
      'LICENSE.txt',
    ]);
    expect(repository.files.find((f) => f.path === 'src/itsdangerous/signer.py')?.language).toBe('python');
    expect(repository.files.find((f) => f.path === 'LICENSE.txt')?.language).toBeNull();
    const reasons = Object.fromEntries(repository.skipped.map((s) => [s.path, s.reason]));
    expect(reasons).toEqual({
      '.venv': 'vendored',
      'data/huge.py': 'huge',
      'docs/_build': 'ignored',
      'docs/logo.png': 'binary',
      htmlcov: 'ignored',
      node_modules: 'vendored',
      'src/itsdangerous/__pycache__': 'vendored',
      'static/app.min.js': 'vendored',
      '.coverage.host': 'ignored',
    });
    expect(skippedNote(repository)).toMatch(/^Skipped: 3 ignored by \.gitignore \(.*htmlcov\/.*\); 4 vendored or generated .*; 1 binary \(docs\/logo\.png\); 1 over 2 MB \(data\/huge\.py\)\.$/);
  });

  it('applies nested .gitignore files below their own folder, deeper rules overriding', async () => {
    const root = fixtureRepoCopy('p-queue', {
      '.gitignore': 'generated/\n*.log\n',
      'source/.gitignore': '*.snap.ts\n!keep.log\n',
      'source/out.snap.ts': 'export const a = 1;\n',
      'source/keep.log': 'kept\n',
      'drop.log': 'dropped\n',
      'generated/api.ts': 'export {};\n',
      'test/out.snap.ts': 'export const b = 1;\n',
    });
    roots.push(root);
    const repository = await scanRepository(nodeFolder(root));
    const paths = repository.files.map((f) => f.path);
    expect(paths).toContain('source/keep.log');
    expect(paths).toContain('test/out.snap.ts');
    expect(paths).not.toContain('source/out.snap.ts');
    expect(paths).not.toContain('drop.log');
    expect(repository.skipped.find((s) => s.path === 'generated')).toEqual({ path: 'generated', reason: 'ignored', isDirectory: true });
  });
});

describe('IgnoreRules', () => {
  it('matches git: directory-only patterns, anchored patterns and negation', () => {
    const rules = IgnoreRules.none().with('', 'build/\n/top.txt\n*.tmp\n!important.tmp\n').with('pkg', 'local.py\n');
    expect(rules.ignores('build', true)).toBe(true);
    expect(rules.ignores('build', false)).toBe(false);
    expect(rules.ignores('top.txt', false)).toBe(true);
    expect(rules.ignores('sub/top.txt', false)).toBe(false);
    expect(rules.ignores('a/b.tmp', false)).toBe(true);
    expect(rules.ignores('a/important.tmp', false)).toBe(false);
    expect(rules.ignores('pkg/local.py', false)).toBe(true);
    expect(rules.ignores('local.py', false)).toBe(false);
  });
});

describe('folderPath', () => {
  it('keeps paths inside the folder and refuses the rest', () => {
    expect(folderPath('src/a.py')).toBe('src/a.py');
    expect(folderPath('./src\\a.py')).toBe('src/a.py');
    for (const bad of ['../a.py', 'src/../../a.py', '/etc/passwd', 'C:/x.py', '', 'a//b']) expect(() => folderPath(bad), bad).toThrow(/not a path inside the opened folder/);
  });
});
