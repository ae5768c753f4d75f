import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builder, expectUsageError } from '../support/cli';
import { fixtureRepoCopy } from '../support/fixtureRepo';
import { readFixture } from '../support/parser';
import { tinyModel } from '../support/tinyModels';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });

let top: string;
let root: string;
let model: string;

beforeAll(async () => {
  // A folder in two languages, p-queue (TypeScript) and a real Ruby file beside it, inside a git
  // repository as its sub-folder pkg/: patches name files from the top of the work tree.
  top = mkdtempSync(join(tmpdir(), 'builder-folder-repo-'));
  root = join(top, 'pkg');
  cpSync(fixtureRepoCopy('p-queue', { 'lib/indifferent_hash.rb': readFixture('real/ruby/indifferent_hash.rb'), 'dist/index.js': 'export {};\n' }), root, { recursive: true });
  git(top, 'init', '-q');
  git(top, 'add', '-A');
  git(top, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'fixture');
  model = (await tinyModel('diffusion')).modelDir;
});

describe('builder plan and builder batch --root', () => {
  it('plans targets in two files with related code, then writes one patch that git apply takes at the root and, with --apply, only the files that apply', async () => {
    const work = mkdtempSync(join(tmpdir(), 'builder-folder-batch-'));
    const plansFile = join(work, 'plans.json');
    const planned = await builder(
      'plan',
      '--root',
      root,
      '--target',
      'source/lower-bound.ts:lowerBound',
      '--target',
      'lib/indifferent_hash.rb:assoc',
      '--prompt',
      'add input checks',
      '--out',
      plansFile,
    );
    expect(planned.code, planned.stderr).toBe(0);
    const plans = JSON.parse(readFileSync(plansFile, 'utf8'));
    expect(plans.map((p: { filePath: string; editTargets: string[] }) => [p.filePath, p.editTargets])).toEqual([
      ['source/lower-bound.ts', ['lowerBound']],
      ['lib/indifferent_hash.rb', ['Sinatra.IndifferentHash.assoc']],
    ]);
    expect(plans[0].context[0]).toMatch(/^# source\/priority-queue\.ts:\d+-\d+ PriorityQueue\.enqueue \(method, calls lowerBound\)\n/);
    expect(planned.stderr).toContain('source/priority-queue.ts');

    const beforeTop = mkdtempSync(join(tmpdir(), 'builder-folder-before-'));
    cpSync(top, beforeTop, { recursive: true });
    const before = join(beforeTop, 'pkg');
    const patchFile = join(work, 'all.patch');
    const run = await builder('batch', '--plans', plansFile, '--root', root, '--out', patchFile, '--apply', '--model', model, '--no-fallback', '--steps', '2');
    const verdicts = new Map([...run.stderr.matchAll(/^pkg\/(\S+) \[[^\]]*\]: (.+)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect([...verdicts.keys()].sort()).toEqual(['lib/indifferent_hash.rb', 'source/lower-bound.ts']);
    const applying = [...verdicts].filter(([, verdict]) => verdict === 'can apply').map(([path]) => path);
    expect(run.code, run.stderr).toBe(applying.length === 2 ? 0 : 3);
    const patch = readFileSync(patchFile, 'utf8');
    expect([...patch.matchAll(/^diff --git a\/(\S+) /gm)].map((m) => m[1]).sort()).toEqual(applying.map((path) => `pkg/${path}`).sort());
    for (const path of ['lib/indifferent_hash.rb', 'source/lower-bound.ts']) {
      const written = run.stderr.includes(`wrote ${path}\n`);
      expect(written, path).toBe(applying.includes(path));
      if (!written) expect(readFileSync(join(root, path)), path).toEqual(readFileSync(join(before, path)));
    }
    if (patch !== '') {
      // The patch applies to the folder as it was read, and gives exactly what --apply wrote.
      git(before, 'apply', '--check', patchFile);
      git(before, 'apply', patchFile);
      for (const path of applying) expect(readFileSync(join(root, path)), path).toEqual(readFileSync(join(before, path)));
    }
  }, 300_000);

  it('refuses a plan outside the folder, a missing file and a missing folder before loading a model', async () => {
    const plans = join(mkdtempSync(join(tmpdir(), 'builder-folder-bad-')), 'plans.json');
    writeFileSync(plans, JSON.stringify([{ filePath: '../outside.py', editTargets: ['f'], intent: '' }]));
    expectUsageError(await builder('batch', '--plans', plans, '--root', root), /"\.\.\/outside\.py" is not a path inside the opened folder/);
    writeFileSync(plans, JSON.stringify([{ filePath: 'source/nope.ts', editTargets: ['f'], intent: '' }]));
    expectUsageError(await builder('batch', '--plans', plans, '--root', root), /names source\/nope\.ts, which is not a file in/);
    expectUsageError(await builder('batch', '--plans', plans, '--root', join(root, 'missing')), /No such folder/);
    expectUsageError(await builder('plan', '--root', root, '--target', 'dist/index.js:x', '--prompt', ''), /dist\/index\.js is not a file of the opened folder \(or it is ignored/);
  }, 180_000);
});
