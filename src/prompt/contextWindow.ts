import { InputError } from '../errors/inputErrors';
import type { TextRange } from '../syntax/outline';

/** Lines of the file, 0-based and inclusive, that belong together: kept whole or not at all. */
export interface LineGroup {
  first: number;
  last: number;
}

export interface WindowRequest {
  text: string;
  /** The targets, in source order, not overlapping: always kept whole. */
  spans: readonly TextRange[];
  /**
   * What matters most after the lines nearest the targets, most important first (enclosing
   * headers, imports, the signatures of related definitions); lines further out come after them.
   */
  priorities: readonly LineGroup[];
  /** Tokens of the whole sequence built around a window of the file and its spans, exactly as the prompt format encodes it. */
  sequenceTokens(text: string, spans: readonly TextRange[]): number;
  /** The most tokens the whole sequence may hold. */
  budget: number;
  /** What set the budget, for the message when the targets alone do not fit (e.g. "the contextTokens setting"). */
  budgetSource?: string;
  /** Tokens of a piece of text: lines are chosen by their own counts before the window is counted whole. */
  countTokens(text: string): number;
  /** The line that stands for `lines` left-out lines, indented by `indent`, ending in "\n". */
  omissionMarker(lines: number, indent: string): string;
}

/** The part of the file the model sees. */
export interface ContextWindow {
  /** The file's text, or its kept lines with each left-out run replaced by a marker line. */
  text: string;
  /** The request's spans, where they sit in `text`. */
  spans: TextRange[];
  /** Tokens of the whole sequence with this window (sequenceTokens). */
  tokens: number;
  /** Lines of the file the window holds, and the file's lines. */
  keptLines: number;
  totalLines: number;
  /** Runs of left-out lines, each a marker in `text`. */
  omittedRuns: number;
}

/** Lines either side of each target kept first: the code right around it says most about it. */
const NEARBY_LINES = 3;

/** Start offset of each line; a line runs to the next one's start (its "\n" included). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: readonly number[], index: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= index) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * The window of a file that fits the budget: the whole file when it fits; otherwise the targets
 * whole, then the lines nearest each target, then the priorities in order, then more lines
 * outward from the targets until the budget is full, in the file's order, each left-out run of
 * lines replaced by a marker line. Lines are chosen by their own token counts; the chosen window
 * is then counted exactly as the sequence will encode it, and lines are given back, last chosen
 * first, until it fits. Throws an InputError when the targets alone do not fit.
 */
export function contextWindow(request: WindowRequest): ContextWindow {
  const { text, spans, budget, countTokens } = request;
  const starts = lineStarts(text);
  const total = starts.length;
  const exactTokens = request.sequenceTokens;
  const wholeTokens = exactTokens(text, spans);
  if (wholeTokens <= budget) return { text, spans: spans.map((s) => ({ ...s })), tokens: wholeTokens, keptLines: total, totalLines: total, omittedRuns: 0 };

  const kept = new Array<boolean>(total).fill(false);
  const spanLines = spans.map((span) => ({ first: lineOf(starts, span.start), last: lineOf(starts, Math.max(span.start, span.end - 1)) }));
  for (const { first, last } of spanLines) kept.fill(true, first, last + 1);

  const build = (): ContextWindow => {
    let window = '';
    const windowStart = new Array<number>(total).fill(-1);
    let runs = 0;
    let keptLines = 0;
    for (let line = 0; line < total; ) {
      if (kept[line]) {
        windowStart[line] = window.length;
        window += text.slice(starts[line], starts[line + 1] ?? text.length);
        keptLines++;
        line++;
        continue;
      }
      let end = line;
      while (end < total && !kept[end]) end++;
      // The marker takes the indentation of the code after it, so it reads as part of that block.
      const next = end < total ? end : line - 1;
      const indent = next >= 0 ? /^[ \t]*/.exec(text.slice(starts[next], starts[next + 1] ?? text.length))![0] : '';
      window += request.omissionMarker(end - line, indent);
      runs++;
      line = end;
    }
    const windowSpans = spans.map((span, i) => {
      const shift = windowStart[spanLines[i]!.first]! - starts[spanLines[i]!.first]!;
      return { start: span.start + shift, end: span.end + shift };
    });
    return { text: window, spans: windowSpans, tokens: exactTokens(window, windowSpans), keptLines, totalLines: total, omittedRuns: runs };
  };

  const targetsOnly = build();
  if (targetsOnly.tokens > budget) {
    throw new InputError(
      `The targets alone need ${targetsOnly.tokens} tokens with the prompt, but the context budget is ${budget}${request.budgetSource ? ` (${request.budgetSource})` : ''}; pick fewer or smaller targets, or shorten the prompt.`,
    );
  }

  const counted = new Map<number, number>();
  const lineTokens = (line: number) => {
    const known = counted.get(line);
    if (known !== undefined) return known;
    const tokens = countTokens(text.slice(starts[line], starts[line + 1] ?? text.length));
    counted.set(line, tokens);
    return tokens;
  };
  const markerTokens = countTokens(request.omissionMarker(total, '    '));
  const gapStarts = (from: number, to: number) => {
    let count = 0;
    for (let line = Math.max(0, from); line <= Math.min(total - 1, to); line++) if (!kept[line] && (line === 0 || kept[line - 1])) count++;
    return count;
  };
  let estimate = targetsOnly.tokens;
  const added: { group: LineGroup; lines: number[]; cost: number }[] = [];
  /** Keeps the group's lines when they fit the estimate; false when they do not. */
  const tryAdd = (group: LineGroup): boolean => {
    const first = Math.max(0, group.first);
    const last = Math.min(total - 1, group.last);
    const lines: number[] = [];
    for (let line = first; line <= last; line++) if (!kept[line]) lines.push(line);
    if (lines.length === 0) return first <= last;
    const gapsBefore = gapStarts(first, last + 1);
    for (const line of lines) kept[line] = true;
    const cost = lines.reduce((sum, line) => sum + lineTokens(line), 0) + (gapStarts(first, last + 1) - gapsBefore) * markerTokens;
    if (estimate + cost > budget) {
      for (const line of lines) kept[line] = false;
      return false;
    }
    estimate += cost;
    added.push({ group, lines, cost });
    return true;
  };

  for (let distance = 1; distance <= NEARBY_LINES; distance++) {
    for (const { first, last } of spanLines) {
      tryAdd({ first: first - distance, last: first - distance });
      tryAdd({ first: last + distance, last: last + distance });
    }
  }
  for (const group of request.priorities) tryAdd(group);
  // Outward from every target at once; a direction stops at the first line that does not fit, so the window never skips code to reach further.
  const open = spanLines.flatMap(() => [true, true]);
  for (let distance = NEARBY_LINES + 1; distance < total && open.some(Boolean); distance++) {
    spanLines.forEach(({ first, last }, i) => {
      if (open[2 * i]) open[2 * i] = first - distance >= 0 && tryAdd({ first: first - distance, last: first - distance });
      if (open[2 * i + 1]) open[2 * i + 1] = last + distance < total && tryAdd({ first: last + distance, last: last + distance });
    });
  }

  let window = build();
  while (window.tokens > budget) {
    // The estimate was short by the overshoot: give back at least that much, last chosen first.
    let over = window.tokens - budget;
    while (over > 0 && added.length > 0) {
      const undone = added.pop()!;
      for (const line of undone.lines) kept[line] = false;
      over -= Math.max(1, undone.cost);
    }
    window = build();
  }
  return window;
}
