import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GeneratedPatch } from '../../src/plan/refactorPlan';
import { repositoryPatch } from '../../src/plan/repositoryPatch';
import { unifiedDiff } from '../../src/plan/unifiedDiff';
import { fixtureRepoCopy } from '../support/fixtureRepo';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A result as the PatchPipeline returns it, for a file changed from `original` to `generated`. */
function result(filePath: string, original: string, generated: string, outcome: 'valid' | 'invalid' | 'error' = 'valid'): GeneratedPatch {
  return {
    filePath,
    originalCode: original,
    generatedCode: generated,
    unifiedDiff: outcome === 'error' ? '' : unifiedDiff(filePath, original, generated),
    maskedSpans: [],
    sample: {
      numSteps: 4,
      schedule: 'linear',
      cfgScale: 1,
      temperature: 0,
      seed: 1,
      strength: 1,
      nfe: 4,
      cacheInterval: 0,
      parallelThreshold: 0,
      cacheRefreshes: 0,
      tokensPerPass: 1,
      readbackBytesPerPass: 0,
      generationTimeMs: 1,
      path: outcome === 'error' ? 'error' : 'diffusion',
      remaskRounds: 0,
    },
    plan: { filePath, editTargets: ['x'], intent: '' },
    isValidSyntax: outcome === 'valid',
    validationErrors: outcome === 'valid' ? [] : ['3:1: unexpected token'],
    generationTimestamp: new Date(0).toISOString(),
    riskScore: 0,
    riskFactors: [],
    canApply: outcome === 'valid',
    model: { id: 'tiny', quant: 'fp32', backend: 'wasm' },
    notes: [],
  };
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });

describe('repositoryPatch', () => {
  it('joins the files that apply into one patch that git apply takes at the root, and leaves the rest out with their verdicts', () => {
    const root = fixtureRepoCopy('p-queue', { 'tools/crlf.py': 'def a():\r\n    return 1\r\n' });
    roots.push(root);
    git(root, 'init', '-q');
    git(root, '-c', 'core.autocrlf=false', 'add', '-A');
    git(root, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'fixture');
    const read = (path: string) => readFileSync(join(root, path), 'utf8');
    const lower = read('source/lower-bound.ts');
    const queue = read('source/priority-queue.ts');
    const index = read('source/index.ts');
    const crlf = read('tools/crlf.py');
    const lowerNew = lower.replace('let count = array.length;', 'let count = array.length; // items left');
    const queueNew = queue.replace('readonly #queue', 'readonly #queue /* by priority */');
    const crlfNew = crlf.replace('return 1', 'return 2');
    const patch = repositoryPatch([
      result('source/priority-queue.ts', queue, queueNew),
      result('source/index.ts', index, index.replace('class PQueue', 'class  PQueue'), 'invalid'),
      result('source/options.ts', '', '', 'error'),
      result('source/lower-bound.ts', lower, lowerNew),
      result('source/queue.ts', read('source/queue.ts'), read('source/queue.ts')),
      result('source/lower-bound.ts', lower, lower.replace('count', 'n')),
      result('tools/crlf.py', crlf, crlfNew),
    ]);
    expect(patch.files.map((f) => [f.path, f.verdict])).toEqual([
      ['source/index.ts', 'invalid'],
      ['source/lower-bound.ts', 'applies'],
      ['source/lower-bound.ts', 'superseded'],
      ['source/options.ts', 'failed'],
      ['source/priority-queue.ts', 'applies'],
      ['source/queue.ts', 'unchanged'],
      ['tools/crlf.py', 'applies'],
    ]);
    expect(patch.diff.match(/^diff --git /gm)).toHaveLength(3);
    writeFileSync(join(root, 'all.patch'), patch.diff);
    git(root, 'apply', '--check', 'all.patch');
    git(root, 'apply', 'all.patch');
    expect(read('source/lower-bound.ts')).toBe(lowerNew);
    expect(read('source/priority-queue.ts')).toBe(queueNew);
    expect(readFileSync(join(root, 'tools/crlf.py'))).toEqual(Buffer.from(crlfNew));
    expect(read('source/index.ts')).toBe(index);
  });

  it('is empty when nothing applies', () => {
    expect(repositoryPatch([result('a.py', 'x = 1\n', 'x = 1\n')]).diff).toBe('');
  });
});
