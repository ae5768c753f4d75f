import { readdirSync } from 'node:fs';
import type { OutlineEntry } from '../../src/syntax/outline';
import { targetKeys } from '../../src/syntax/targets';
import { fixturePath } from './parser';

/**
 * The real fixtures patched on their first, a middle and their last definition, by the CLI
 * (tests/cli/realFixturesPatch.test.ts) and in the app (e2e/realFiles.test.ts): which targets, and
 * what a patch of them may touch.
 */

/** Every real fixture (SOURCES.md lists them; it is not one), as `language/file`, the long ones included. */
export const FIXTURES: string[] = readdirSync(fixturePath('real'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) => readdirSync(fixturePath(`real/${folder.name}`)).map((file) => `${folder.name}/${file}`))
  .sort();

export interface Chosen {
  keys: string[];
  /** The targets' places in the outline, as the app numbers its checkboxes (target-INDEX). */
  indexes: number[];
  /** The targets' lines, 1-based and inclusive, in source order. */
  spans: { first: number; last: number }[];
}

const contains = (outer: OutlineEntry, inner: OutlineEntry) => outer !== inner && outer.range.start <= inner.range.start && inner.range.end <= outer.range.end;

/**
 * The first, a middle and the last of the definitions that hold no other (top-level or nested):
 * three disjoint spans, so each stays its own target instead of merging into an enclosing class.
 */
export function chooseTargets(outline: readonly OutlineEntry[]): Chosen {
  const keys = targetKeys(outline);
  const leaves = outline.map((entry, i) => ({ entry, key: keys[i]!, index: i })).filter(({ entry }) => !outline.some((other) => contains(entry, other)));
  const picked = [...new Set([0, Math.floor(leaves.length / 2), leaves.length - 1])].map((i) => leaves[i]!);
  return { keys: picked.map((p) => p.key), indexes: picked.map((p) => p.index), spans: picked.map((p) => ({ first: p.entry.startLine, last: p.entry.endLine })) };
}

export const inSpan = (spans: Chosen['spans'], line: number) => spans.some((s) => s.first <= line && line <= s.last);

/** Each file's diff of a combined patch, by the path its header names. */
export function fileDiffs(patch: string): Map<string, string> {
  const diffs = new Map<string, string>();
  for (const part of patch.split(/^(?=diff --git )/m).filter((p) => p.startsWith('diff --git '))) {
    diffs.set(/^diff --git a\/(\S+) /.exec(part)![1]!, part);
  }
  return diffs;
}

/** Old-file lines the diff removes, and old-file lines before which it inserts. */
export function touchedLines(diff: string): { removed: number[]; insertedBefore: number[] } {
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
export function differsOnlyInside(before: string, after: string, spans: Chosen['spans']): boolean {
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
