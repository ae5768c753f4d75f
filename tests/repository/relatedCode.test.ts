import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFolder } from '../../src/cli/nodeFolder';
import { repositoryPlans } from '../../src/plan/repositoryPlans';
import { findRelatedCode, type RelatedDefinition, relatedContext } from '../../src/repository/relatedCode';
import { scanRepository } from '../../src/repository/repository';
import { RepositoryIndex } from '../../src/repository/repositoryIndex';
import { fixtureRepoCopy } from '../support/fixtureRepo';
import { testParser } from '../support/parser';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

async function indexOf(name: string, extra: Record<string, string> = {}): Promise<RepositoryIndex> {
  const root = fixtureRepoCopy(name, extra);
  roots.push(root);
  const folder = nodeFolder(root);
  return new RepositoryIndex(await scanRepository(folder), folder, await testParser());
}

async function relatedTo(index: RepositoryIndex, path: string, qualifiedName: string): Promise<RelatedDefinition[]> {
  const file = await index.file(path);
  const target = file!.outline.find((e) => e.qualifiedName === qualifiedName);
  expect(target, qualifiedName).toBeDefined();
  return findRelatedCode(index, path, target!);
}

const rows = (found: readonly RelatedDefinition[]) => found.map((d) => `${d.relation} ${d.via} ${d.path} ${d.qualifiedName}`);

// A caller in an ignored folder and one in a vendored folder: found if the scan let them in.
const IGNORED_CALLERS_PY = {
  'htmlcov/report.py': 'from src.itsdangerous.encoding import base64_decode\n\n\ndef report(data):\n    return base64_decode(data)\n',
  '.venv/lib/vendored.py': 'from src.itsdangerous.encoding import base64_decode\n\n\ndef vendored(data):\n    return base64_decode(data)\n',
};

describe('findRelatedCode: a Python package (itsdangerous)', () => {
  it('finds what a function uses through relative imports and every caller across the package, but none in ignored or vendored files', async () => {
    const index = await indexOf('itsdangerous', IGNORED_CALLERS_PY);
    const found = await relatedTo(index, 'src/itsdangerous/encoding.py', 'base64_decode');
    expect(rows(found)).toEqual([
      'uses import src/itsdangerous/exc.py BadData',
      'calls import src/itsdangerous/signer.py Signer.verify_signature',
      'calls import src/itsdangerous/timed.py TimestampSigner.unsign',
      'calls import src/itsdangerous/url_safe.py URLSafeSerializerMixin.load_payload',
    ]);
    const badData = found[0]!;
    expect(badData.text).toMatch(/^class BadData\(Exception\):/);
    const verify = found[1]!;
    expect(verify.text).toContain('base64_decode(sig)');
  });

  it('follows an absolute import from outside the package to its caller', async () => {
    const index = await indexOf('itsdangerous', { 'tools/check.py': 'from itsdangerous.encoding import base64_decode as decode\n\n\ndef check(value):\n    return decode(value)\n' });
    const found = await relatedTo(index, 'src/itsdangerous/encoding.py', 'base64_decode');
    expect(rows(found)).toContain('calls import tools/check.py check');
  });

  it('a method: what it uses from other modules, and nothing of its own file', async () => {
    const index = await indexOf('itsdangerous');
    const found = await relatedTo(index, 'src/itsdangerous/signer.py', 'Signer.get_signature');
    expect(rows(found)).toEqual(['uses import src/itsdangerous/encoding.py want_bytes', 'uses import src/itsdangerous/encoding.py base64_encode']);
  });
});

describe('findRelatedCode: a TypeScript package (p-queue)', () => {
  it('finds the caller of a default export imported as ./lower-bound.js, and none in node_modules', async () => {
    const index = await indexOf('p-queue', {
      'node_modules/fork/priority-queue.ts': "import lowerBound from '../../source/lower-bound.js';\nexport function fork(a: number[]) {\n  return lowerBound(a, 1, (x, y) => x - y);\n}\n",
    });
    const found = await relatedTo(index, 'source/lower-bound.ts', 'lowerBound');
    expect(rows(found)).toEqual(['calls import source/priority-queue.ts PriorityQueue.enqueue']);
  });

  it('a method: the default import it uses, and its callers by method name across the folder', async () => {
    const index = await indexOf('p-queue');
    const found = await relatedTo(index, 'source/priority-queue.ts', 'PriorityQueue.enqueue');
    expect(rows(found)).toEqual(['uses import source/lower-bound.ts lowerBound', 'calls name source/index.ts PQueue.add']);
    // PQueue.add is long: the lines around its call are what the model sees.
    const add = found[1]!;
    expect(add.endLine - add.startLine + 1).toBeLessThanOrEqual(40);
    expect(add.text).toContain('enqueue');
  });
});

describe('findRelatedCode: other languages match names', () => {
  it('finds a Go function called from another file by name', async () => {
    const index = await indexOf('p-queue', {
      'cmd/util.go': 'package cmd\n\nfunc clamp(v int) int {\n\treturn min(v, 10)\n}\n',
      'cmd/main.go': 'package cmd\n\nfunc run() int {\n\treturn clamp(42)\n}\n',
    });
    const found = await relatedTo(index, 'cmd/util.go', 'clamp');
    expect(rows(found)).toEqual(['calls name cmd/main.go run']);
    const uses = await relatedTo(index, 'cmd/main.go', 'run');
    expect(rows(uses)).toEqual(['uses name cmd/util.go clamp']);
  });
});

describe('repositoryPlans', () => {
  it('one plan per file, targets by target key, the related code in its context with a header saying where it is from', async () => {
    const index = await indexOf('itsdangerous');
    const plans = await repositoryPlans(
      index,
      [
        { path: 'src/itsdangerous/encoding.py', targets: ['base64_decode'] },
        { path: 'src/itsdangerous/signer.py', targets: ['Signer.get_signature'] },
        { path: 'src/itsdangerous/encoding.py', targets: ['want_bytes'] },
      ],
      'add type checks',
    );
    expect(plans.map((p) => [p.plan.filePath, p.plan.editTargets])).toEqual([
      ['src/itsdangerous/encoding.py', ['want_bytes', 'base64_decode']],
      ['src/itsdangerous/signer.py', ['Signer.get_signature']],
    ]);
    const context = plans[0]!.plan.context!;
    expect(context[0]).toMatch(/^# src\/itsdangerous\/\S+\.py:\d+-\d+ \S+ \(\w+[\w ]*, (used by|calls) (want_bytes|base64_decode)\)\n/);
    expect(plans[0]!.related.length).toBe(context.length);
    expect(plans[1]!.plan.context?.some((c) => c.includes('def base64_encode('))).toBe(true);
  });

  it('keeps the context within its budget and counts what was left out', () => {
    const definition = (n: number): RelatedDefinition => ({
      path: `m${n}.py`,
      qualifiedName: `f${n}`,
      kind: 'function',
      startLine: 1,
      endLine: 1,
      relation: 'uses',
      via: 'import',
      target: 't',
      text: 'x'.repeat(100),
    });
    const { context, included } = relatedContext([1, 2, 3].map(definition), 300);
    expect(context).toHaveLength(2);
    expect(included.map((d) => d.path)).toEqual(['m1.py', 'm2.py']);
  });

  it('says why a target file cannot be used', async () => {
    const index = await indexOf('itsdangerous', { 'htmlcov/x.py': 'def x():\n    pass\n' });
    await expect(repositoryPlans(index, [{ path: 'htmlcov/x.py', targets: ['x'] }], '')).rejects.toThrow(/not a file of the opened folder \(or it is ignored/);
    await expect(repositoryPlans(index, [{ path: 'LICENSE.txt', targets: ['x'] }], '')).rejects.toThrow(/LICENSE\.txt cannot be targeted/);
  });
});
