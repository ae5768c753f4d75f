import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builder, builderIn, expectUsageError } from '../support/cli';
import { tinyModel } from '../support/tinyModels';

const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];

let model: string;
let work: string;
let root: string;
let plansFile: string;

/**
 * Files whose target is mostly a docstring, regenerated at a low strength: the tiny model's random
 * tokens then land inside the string and the patches apply, so the patches compared are not empty.
 */
beforeAll(async () => {
  model = (await tinyModel('diffusion')).modelDir;
  work = mkdtempSync(join(tmpdir(), 'builder-shards-'));
  root = join(work, 'root');
  mkdirSync(root);
  const plans = NAMES.flatMap((name, i) => {
    const words = Array.from({ length: 12 }, (_, j) => `word${j} of the ${name} notes`).join(' ');
    writeFileSync(
      join(root, `${name}.py`),
      `def ${name}(value):\n    """${words}\n    more text about ${name} and its value, kept as documentation only.\n    """\n    return value + ${i}\n\n\ndef other_${name}():\n    return ${i}\n`,
    );
    // Two plans of one file: the second is superseded, in the unsharded run and in its shard alike.
    const extra = i === 0 ? [{ filePath: `${name}.py`, editTargets: [`other_${name}`], intent: 'keep it' }] : [];
    return [{ filePath: `${name}.py`, editTargets: [name], intent: 'document it' }, ...extra];
  });
  plansFile = join(work, 'plans.json');
  writeFileSync(plansFile, JSON.stringify(plans, null, 2));
});

const batchArgs = (...rest: string[]) => ['batch', '--plans', plansFile, '--root', root, '--model', model, '--no-fallback', '--steps', '2', '--cfg', '1', '--strength', '0.1', ...rest];

describe('builder batch --shard and --merge', () => {
  it('three shards run as three processes, merged, give the unsharded patch byte for byte', async () => {
    const whole = join(work, 'whole.patch');
    const unsharded = await builder(...batchArgs('--out', whole));
    expect([0, 3], unsharded.stderr).toContain(unsharded.code);
    const patch = readFileSync(whole, 'utf8');
    expect(patch.match(/^diff --git /gm)?.length ?? 0, unsharded.stderr).toBeGreaterThanOrEqual(3);

    const shards = await Promise.all([0, 1, 2].map((i) => builder(...batchArgs('--shard', `${i}/3`, '--out', join(work, `shard${i}.patch`), '--json', join(work, `shard${i}.json`)))));
    const held = shards.map((run, i) => {
      expect([0, 3], run.stderr).toContain(run.code);
      const provenance = JSON.parse(readFileSync(join(work, `shard${i}.json`), 'utf8'));
      expect(provenance.shard).toBe(`${i}/3`);
      return provenance.files.map((f: { path: string }) => f.path.split('/').pop());
    });
    // Every file in exactly one shard, both plans of alpha.py in the same one.
    expect(
      held
        .flat()
        .filter((name: string) => name !== 'alpha.py')
        .sort(),
    ).toEqual(
      NAMES.filter((n) => n !== 'alpha')
        .map((n) => `${n}.py`)
        .sort(),
    );
    expect(held.filter((files: string[]) => files.includes('alpha.py'))).toHaveLength(1);
    expect(held.find((files: string[]) => files.includes('alpha.py'))!.filter((name: string) => name === 'alpha.py')).toHaveLength(2);

    const merged = join(work, 'merged.patch');
    const merge = await builder('batch', '--merge', join(work, 'shard2.patch'), join(work, 'shard0.patch'), join(work, 'shard1.patch'), '--out', merged);
    expect(merge.code, merge.stderr).toBe(0);
    expect(readFileSync(merged, 'utf8')).toBe(patch);
  }, 300_000);

  it('names the files the same way when --root is relative to the current folder', async () => {
    const shardArgs = (rootArg: string, out: string) => [
      'batch',
      '--plans',
      plansFile,
      '--root',
      rootArg,
      '--model',
      model,
      '--no-fallback',
      '--steps',
      '2',
      '--cfg',
      '1',
      '--strength',
      '0.1',
      '--shard',
      '1/3',
      '--out',
      out,
    ];
    const absolute = await builder(...shardArgs(root, join(work, 'absolute.patch')));
    const relative = await builderIn(work, ...shardArgs('root', join(work, 'relative.patch')));
    expect([0, 3], relative.stderr).toContain(relative.code);
    expect([0, 3], absolute.stderr).toContain(absolute.code);
    const patch = readFileSync(join(work, 'relative.patch'), 'utf8');
    expect(patch).toMatch(/^diff --git a\/\w+\.py b\/\w+\.py$/m);
    expect(patch).toBe(readFileSync(join(work, 'absolute.patch'), 'utf8'));
  }, 300_000);

  it('refuses to merge two patches that change the same file, and a shard without --root', async () => {
    const one = join(work, 'one.patch');
    writeFileSync(one, 'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n');
    expectUsageError(await builder('batch', '--merge', one, one), /one\.patch and .*one\.patch both change x\.py: they are not shards of one plans file/);
    expectUsageError(await builder('batch', '--plans', plansFile, '--shard', '0/2', '--model', model), /--shard and --json need --root DIR/);
    expectUsageError(await builder(...batchArgs('--shard', '2/2')), /--shard must be I\/N with 0 <= I < N/);
  }, 60_000);
});
