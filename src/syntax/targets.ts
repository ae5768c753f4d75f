import { distance } from 'fastest-levenshtein';
import { AmbiguousTargetError, TargetError, UnknownTargetError } from '../errors/inputErrors';
import type { OutlineEntry } from './outline';
import type { LineColumn, SourceText } from './sourceText';

/**
 * What the user points at: a target key (`Parser.parse`, or `tokens#2` for the second definition of
 * that qualified name, see targetKeys), a plain name (`parse`), either with the line it starts on
 * (`Parser@12`, handy on a command line), or a cursor position.
 */
export type TargetSpec = string | LineColumn;

/**
 * Each outline entry's key: its qualified name, or `NAME#N` for the Nth of several that share it
 * (Rust impls, overloads), so a tick survives edits that move the definition to other lines.
 */
export function targetKeys(outline: readonly OutlineEntry[]): string[] {
  const total = new Map<string, number>();
  for (const entry of outline) total.set(entry.qualifiedName, (total.get(entry.qualifiedName) ?? 0) + 1);
  const seen = new Map<string, number>();
  return outline.map(({ qualifiedName }) => {
    const nth = (seen.get(qualifiedName) ?? 0) + 1;
    seen.set(qualifiedName, nth);
    return total.get(qualifiedName) === 1 ? qualifiedName : `${qualifiedName}#${nth}`;
  });
}

function describeEntry(entry: OutlineEntry): string {
  return `${entry.qualifiedName} (${entry.kind}, line ${entry.startLine})`;
}

function closestNames(entries: readonly OutlineEntry[], wanted: string): string[] {
  const names = [...new Set(entries.flatMap((e) => [e.qualifiedName, e.name]))];
  const scored = names.map((name) => ({ name, score: distance(name.toLowerCase(), wanted.toLowerCase()) })).sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  const near = scored.filter((s) => s.score <= Math.max(2, Math.floor(wanted.length / 2)) || s.name.toLowerCase().includes(wanted.toLowerCase()));
  return (near.length > 0 ? near : scored).slice(0, 5).map((s) => s.name);
}

function resolveName(entries: readonly OutlineEntry[], spec: string): OutlineEntry {
  const keyed = targetKeys(entries).indexOf(spec);
  if (keyed >= 0) return entries[keyed]!;
  const at = /^(.+)@(\d+)$/.exec(spec);
  // C++ and Rust users write `Foo::bar`; qualified names join with dots.
  const wanted = (at ? at[1]! : spec).replaceAll('::', '.');
  const line = at ? Number(at[2]) : null;
  const onLine = (e: OutlineEntry) => line === null || e.startLine === line;
  for (const candidates of [entries.filter((e) => e.qualifiedName === wanted && onLine(e)), entries.filter((e) => e.name === wanted && onLine(e))]) {
    if (candidates.length === 1) return candidates[0]!;
    if (candidates.length > 1) {
      const listed = candidates.map(describeEntry);
      throw new AmbiguousTargetError(
        `"${spec}" names ${candidates.length} definitions: ${listed.join(', ')}. Pick one as NAME@LINE, e.g. "${candidates[0]!.qualifiedName}@${candidates[0]!.startLine}".`,
        spec,
        listed,
      );
    }
  }
  const suggestions = closestNames(entries, wanted);
  throw new UnknownTargetError(`No definition named "${spec}". Closest: ${suggestions.join(', ')}.`, spec, suggestions);
}

/** The innermost definition around a position. */
function resolveCursor(entries: readonly OutlineEntry[], source: SourceText, position: LineColumn): OutlineEntry {
  const index = source.indexOf(position);
  let innermost: OutlineEntry | undefined;
  for (const entry of entries) {
    const { start, end } = entry.range;
    // A cursor just after the last character still counts as inside: the end of a body line.
    if (start <= index && index <= end && (!innermost || end - start < innermost.range.end - innermost.range.start)) innermost = entry;
  }
  if (!innermost) throw new TargetError(`No function or class encloses line ${position.line}, column ${position.column}.`);
  return innermost;
}

/** The outline entries the specs point at, once each, in source order. */
export function resolveTargets(entries: readonly OutlineEntry[], source: SourceText, specs: readonly TargetSpec[]): OutlineEntry[] {
  if (specs.length === 0) throw new TargetError('No targets: tick definitions in the outline, or name them with --target.');
  if (entries.length === 0) throw new TargetError('This file has no functions or classes to target.');
  const found = specs.map((spec) => (typeof spec === 'string' ? resolveName(entries, spec.trim()) : resolveCursor(entries, source, spec)));
  return [...new Set(found)].sort((a, b) => a.range.start - b.range.start);
}
