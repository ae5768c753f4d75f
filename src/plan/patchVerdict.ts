import type { DefinitionKind } from '../syntax/definitionRules';
import type { OutlineEntry, TextRange } from '../syntax/outline';
import type { SyntaxIssue } from '../syntax/syntaxIssues';

/** One regenerated span, as the verdict needs it. */
export interface CheckedSpan {
  /** The target's qualified name and kind in the original file. */
  target: string;
  kind: DefinitionKind;
  /** Where the span was in the original, and where its new text is in the patched file. */
  original: TextRange;
  patched: TextRange;
  /** When the fallback wrote it: what stopped it (its token budget cuts the code off) and that budget. */
  fallback?: { stoppedBy: 'stop-token' | 'budget'; budget: number };
}

export interface VerdictInput {
  /** Every ERROR and MISSING node of the original file and of the patched one. */
  originalIssues: readonly SyntaxIssue[];
  patchedIssues: readonly SyntaxIssue[];
  /** The patched file's outline: each target must still be defined in it. */
  patchedOutline: readonly OutlineEntry[];
  patchedText: string;
  spans: readonly CheckedSpan[];
}

/** What was wrong with a patch, each a fact of its own for the risk score. */
export interface Verdict {
  /** The patched file parses no worse than the original: no ERROR or MISSING node it did not have. */
  isValidSyntax: boolean;
  /** The syntax errors the patch brought, wherever they are. */
  newIssues: SyntaxIssue[];
  /** Targets the patched file no longer defines with their name and kind. */
  vanishedTargets: string[];
  /** Targets whose regenerated text is empty or blank. */
  emptySpans: string[];
  /** Targets the fallback wrote until its token budget ran out. */
  cutOffSpans: string[];
  /**
   * The spans at fault, by index: those holding a new syntax error, empty, vanished or cut off,
   * and for an error past the spans (a MISSING "}" at the end of the file) the last span before it.
   */
  faultySpans: number[];
  /** One line each: the new syntax errors as LINE:COLUMN: message, then the other facts. */
  errors: string[];
  /** Whether nothing is wrong: the patch may be applied. */
  canApply: boolean;
}

/** The span an offset falls in (a missing token at a span's edge belongs to it), or -1. */
function spanAt(ranges: readonly TextRange[], offset: number): number {
  return ranges.findIndex((range) => range.start <= offset && offset <= range.end);
}

/** An offset of the patched file outside the spans, where it was in the original. */
function originalOffset(spans: readonly CheckedSpan[], offset: number): number {
  let shift = 0;
  for (const span of spans) {
    if (span.patched.end > offset) break;
    shift = span.patched.end - span.original.end;
  }
  return offset - shift;
}

/**
 * Whether a patch can be applied. Syntax: every ERROR and MISSING node of the patched file, inside
 * the spans or out (a brace the span left open shows as a MISSING "}" at the end of the file), must
 * have been in the original: outside the spans at the same place with the same message, inside a
 * span no more of them than the original span had. And every target must still be defined with its
 * name and kind, none may come out empty, and none may be the fallback's text cut off by its budget.
 */
export function patchVerdict(input: VerdictInput): Verdict {
  const { spans } = input;
  const originalRanges = spans.map((span) => span.original);
  const patchedRanges = spans.map((span) => span.patched);
  const key = (issue: SyntaxIssue, start: number) => `${issue.kind}@${start}:${issue.message}`;
  const outside = new Map<string, number>();
  const insideCounts = spans.map(() => 0);
  for (const issue of input.originalIssues) {
    const span = spanAt(originalRanges, issue.range.start);
    if (span !== -1) insideCounts[span]!++;
    else outside.set(key(issue, issue.range.start), (outside.get(key(issue, issue.range.start)) ?? 0) + 1);
  }
  const newIssues: SyntaxIssue[] = [];
  for (const issue of input.patchedIssues) {
    const span = spanAt(patchedRanges, issue.range.start);
    if (span !== -1) {
      if (insideCounts[span]! > 0) insideCounts[span]!--;
      else newIssues.push(issue);
      continue;
    }
    const was = key(issue, originalOffset(spans, issue.range.start));
    const left = outside.get(was) ?? 0;
    if (left > 0) outside.set(was, left - 1);
    else newIssues.push(issue);
  }

  const defined = new Set(input.patchedOutline.map((entry) => `${entry.qualifiedName}\u0000${entry.kind}`));
  const vanishedTargets = spans.filter((span) => !defined.has(`${span.target}\u0000${span.kind}`)).map((span) => span.target);
  const emptySpans = spans.filter((span) => input.patchedText.slice(span.patched.start, span.patched.end).trim() === '').map((span) => span.target);
  const cutOff = spans.filter((span) => span.fallback?.stoppedBy === 'budget');

  const kindOf = new Map(spans.map((span) => [span.target, span.kind]));
  const errors = [
    ...newIssues.map((issue) => `${issue.line}:${issue.column}: ${issue.message}`),
    ...emptySpans.map((target) => `The regenerated ${target} is empty: the model deleted the ${kindOf.get(target)} instead of rewriting it.`),
    ...vanishedTargets
      .filter((target) => !emptySpans.includes(target))
      .map((target) => `The patched file no longer defines ${target} as a ${kindOf.get(target)}: the regenerated code must keep its name and kind.`),
    ...cutOff.map((span) => `The fallback stopped at its token budget (${span.fallback!.budget} tokens) while writing ${span.target}: the code is likely cut off.`),
  ];
  const faulty = new Set<number>();
  for (const issue of newIssues) {
    const inside = spanAt(patchedRanges, issue.range.start);
    const before = patchedRanges.findLastIndex((range) => range.end <= issue.range.start);
    faulty.add(inside !== -1 ? inside : Math.max(0, before));
  }
  spans.forEach((span, i) => {
    if (vanishedTargets.includes(span.target) || emptySpans.includes(span.target) || span.fallback?.stoppedBy === 'budget') faulty.add(i);
  });
  const isValidSyntax = newIssues.length === 0;
  return {
    faultySpans: [...faulty].sort((a, b) => a - b),
    isValidSyntax,
    newIssues,
    vanishedTargets,
    emptySpans,
    cutOffSpans: cutOff.map((span) => span.target),
    errors,
    canApply: errors.length === 0,
  };
}
