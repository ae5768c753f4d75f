import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutlineEntry } from '../../src/core/outline';
import type { RefactorPlan } from '../../src/core/refactorPlan';
import { targetKeys } from '../../src/core/targets';
import { builderIn, REPO, type Run } from '../support/cli';
import { analyze, fixturePath } from '../support/parser';

/** Every real fixture (SOURCES.md lists them; it is not one), as `language/file`, the long ones included. */
const FIXTURES: string[] = readdirSync(fixturePath('real'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) => readdirSync(fixturePath(`real/${folder.name}`)).map((file) => `${folder.name}/${file}`))
  .sort();

const MODEL = join(REPO, 'public/models/tiny-diffusion');

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });

interface Chosen {
  keys: string[];
  /** The targets' lines, 1-based and inclusive, in source order. */
  spans: { first: number; last: number }[];
}

const contains = (outer: OutlineEntry, inner: OutlineEntry) => outer !== inner && outer.range.start <= inner.range.start && inner.range.end <= outer.range.end;

/**
 * The first, a middle and the last of the definitions that hold no other (top-level or nested):
 * three disjoint spans, so each stays its own target instead of merging into an enclosing class.
 */
function chooseTargets(outline: readonly OutlineEntry[]): Chosen {
  const keys = targetKeys(outline);
  const leaves = outline.map((entry, i) => ({ entry, key: keys[i]! })).filter(({ entry }) => !outline.some((other) => contains(entry, other)));
  const picked = [...new Set([0, Math.floor(leaves.length / 2), leaves.length - 1])].map((i) => leaves[i]!);
  return { keys: picked.map((p) => p.key), spans: picked.map((p) => ({ first: p.entry.startLine, last: p.entry.endLine })) };
}

const inSpan = (spans: Chosen['spans'], line: number) => spans.some((s) => s.first <= line && line <= s.last);

/** Each file's diff of a combined patch, by the path its header names. */
function fileDiffs(patch: string): Map<string, string> {
  const diffs = new Map<string, string>();
  for (const part of patch.split(/^(?=diff --git )/m).filter((p) => p.startsWith('diff --git '))) {
    diffs.set(/^diff --git a\/(\S+) /.exec(part)![1]!, part);
  }
  return diffs;
}

/** Old-file lines the diff removes, and old-file lines before which it inserts. */
function touchedLines(diff: string): { removed: number[]; insertedBefore: number[] } {
  const removed: number[] = [];
  const insertedBefore: number[] = [];
  let old = 0;
  for (const line of diff.split('\n')) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(line);
    if (hunk) old = Number(hunk[1]) === 0 ? 1 : Number(hunk[1]);
    else if (old === 0 || line.startsWith('\\')) continue;
    else if (line.startsWith('-')) removed.push(old++);
    else if (line.startsWith('+')) insertedBefore.push(old);
    else if (line.startsWith(' ')) old++;
  }
  return { removed, insertedBefore };
}

/** Whether `after` is `before` with only the lines of the spans replaced (by any number of lines). */
function differsOnlyInside(before: string, after: string, spans: Chosen['spans']): boolean {
  const lines = before.split('\n');
  const kept = [lines.slice(0, spans[0]!.first - 1)];
  spans.forEach((span, i) => kept.push(lines.slice(span.last, i + 1 < spans.length ? spans[i + 1]!.first - 1 : lines.length)));
  const out = after.split('\n');
  const head = kept[0]!;
  const tail = kept.at(-1)!;
  if (out.slice(0, head.length).join('\n') !== head.join('\n')) return false;
  if (out.slice(out.length - tail.length).join('\n') !== tail.join('\n')) return false;
  // The segments between the spans, in order, between the fixed head and tail.
  let cursor = head.length;
  for (const segment of kept.slice(1, -1)) {
    if (segment.length === 0) continue;
    let at = cursor;
    while (at + segment.length <= out.length - tail.length && out.slice(at, at + segment.length).join('\n') !== segment.join('\n')) at++;
    if (at + segment.length > out.length - tail.length) return false;
    cursor = at + segment.length;
  }
  return cursor <= out.length - tail.length;
}

let repo: string;
let patchFile: string;
let run: Run;
let seconds: number;
const chosen = new Map<string, Chosen>();

beforeAll(async () => {
  for (const fixture of FIXTURES) {
    const analyzed = await analyze(readFileSync(fixturePath(`real/${fixture}`), 'utf8'), fixture.split('/')[1]!);
    chosen.set(fixture, chooseTargets(analyzed.outline));
    analyzed.parsed.delete();
  }
  // The user's repository: the fixtures committed, outside this checkout; the plans and the patch beside it.
  repo = mkdtempSync(join(tmpdir(), 'builder-real-repo-'));
  for (const fixture of FIXTURES) {
    mkdirSync(dirname(join(repo, fixture)), { recursive: true });
    cpSync(fixturePath(`real/${fixture}`), join(repo, fixture));
  }
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'fixtures');
  const work = mkdtempSync(join(tmpdir(), 'builder-real-batch-'));
  const plansFile = join(work, 'plans.json');
  patchFile = join(work, 'all.patch');
  const plans: RefactorPlan[] = FIXTURES.map((fixture) => ({ filePath: fixture, editTargets: chosen.get(fixture)!.keys, intent: 'handle bad input' }));
  writeFileSync(plansFile, JSON.stringify(plans, null, 2));
  const started = performance.now();
  // The demo model has random weights: regenerated whole (strength 1) every target is noise and no
  // file parses. At a low strength each target keeps most of its own tokens and only a few are
  // masked and redrawn, so some patched files still parse and the patch has files to carry. No
  // guidance (--cfg 1) and two steps keep the one process short.
  run = await builderIn(repo, 'batch', '--plans', plansFile, '--root', repo, '--out', patchFile, '--model', MODEL, '--no-fallback', '--steps', '2', '--cfg', '1', '--strength', '0.02');
  seconds = (performance.now() - started) / 1000;
}, 240_000);

afterAll(() => {
  process.stdout.write(`realFixturesPatch: one builder batch over ${FIXTURES.length} files, ${[...chosen.values()].reduce((n, c) => n + c.keys.length, 0)} targets, ${seconds.toFixed(1)} s\n`);
});

/** Each file's verdict, as batch --root names it on stderr (target names may hold brackets: Ruby's `[]`). */
const verdicts = () => new Map([...run.stderr.matchAll(/^(\S+) \[.*?\]: (.+)$/gm)].map((m) => [m[1]!, m[2]!]));

describe('builder batch --root over every real fixture, first, middle and last definition, with the demo model', () => {
  it('chooses three disjoint targets in every file (fewer only where the file has fewer definitions)', () => {
    expect(FIXTURES).toHaveLength(28);
    for (const [fixture, { keys, spans }] of chosen) {
      expect(keys.length, fixture).toBeGreaterThanOrEqual(1);
      spans.slice(1).forEach((span, i) => expect(span.first, fixture).toBeGreaterThan(spans[i]!.last));
    }
    expect([...chosen.values()].filter((c) => c.keys.length === 3).length).toBeGreaterThanOrEqual(26);
  });

  it('gives every file a verdict and exits 0 when all apply, 3 when some cannot', () => {
    const found = verdicts();
    expect([...found.keys()].sort(), run.stderr).toEqual(FIXTURES);
    const allApply = [...found.values()].every((v) => v === 'can apply' || v.startsWith('unchanged'));
    expect(run.code, run.stderr).toBe(allApply ? 0 : 3);
  });

  it('puts in the patch exactly the files that apply, each touching only its targets', () => {
    const found = verdicts();
    const applying = [...found].filter(([, v]) => v === 'can apply').map(([path]) => path);
    const leftOut = [...found].filter(([, v]) => v !== 'can apply');
    process.stdout.write(`realFixturesPatch: ${applying.length} of ${FIXTURES.length} files apply; left out:\n${leftOut.map(([path, v]) => `  ${path}: ${v}\n`).join('')}`);
    // Files left out must say why: invalid syntax, or a plan that failed (targets beyond the context budget).
    for (const [path, verdict] of leftOut) expect(verdict, path).toMatch(/^(left out: invalid syntax \(.+\)|failed: .+|unchanged: .+)$/);
    // Which files parse depends on the noise the seeded demo model writes (seed 0 on the seed-1 model:
    // ruby/namespace.rb and tsx/assets.tsx); none at all would leave git apply nothing to check.
    expect(applying.length, run.stderr).toBeGreaterThan(0);
    const diffs = fileDiffs(readFileSync(patchFile, 'utf8'));
    expect([...diffs.keys()].sort()).toEqual(applying.sort());
    for (const [path, diff] of diffs) {
      const { spans } = chosen.get(path)!;
      const { removed, insertedBefore } = touchedLines(diff);
      expect(removed.length + insertedBefore.length, path).toBeGreaterThan(0);
      for (const line of removed) expect(inSpan(spans, line), `${path}: removes line ${line}, outside ${JSON.stringify(spans)}`).toBe(true);
      // An insertion sits before a target's line, or just after its last.
      for (const line of insertedBefore) expect(inSpan(spans, line) || inSpan(spans, line - 1), `${path}: inserts before line ${line}, outside ${JSON.stringify(spans)}`).toBe(true);
    }
  });

  it('applies with git apply at the root of the repository, changing the files only inside their targets', () => {
    const applying = [...verdicts()].filter(([, v]) => v === 'can apply').map(([path]) => path);
    git(repo, 'apply', '--check', patchFile);
    git(repo, 'apply', patchFile);
    const changed = git(repo, 'diff', '--name-only').trim().split('\n').filter(Boolean).sort();
    expect(changed).toEqual(applying.sort());
    for (const path of applying) {
      const before = readFileSync(fixturePath(`real/${path}`), 'utf8');
      const after = readFileSync(join(repo, path), 'utf8');
      expect(after, path).not.toBe(before);
      expect(differsOnlyInside(before, after, chosen.get(path)!.spans), path).toBe(true);
    }
  });
});
