import { TargetError } from '../errors/inputErrors';
import type { DefinitionKind } from './definitionRules';
import type { OutlineEntry, TextRange } from './outline';
import type { SourceText } from './sourceText';

/** `definition` masks the whole definition, decorators included; `body` keeps the signature. */
export type MaskMode = 'definition' | 'body';

export const MASK_MODES: readonly MaskMode[] = ['definition', 'body'];

/** A span the model will regenerate. */
export interface MaskedSpan {
  target: string;
  kind: DefinitionKind;
  mode: MaskMode;
  /** UTF-8 byte offsets, end exclusive. */
  startByte: number;
  endByte: number;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** UTF-16 code units of the JavaScript string, for editors. */
  range: TextRange;
}

export interface MaskPlan {
  spans: MaskedSpan[];
  /** What was merged, said so the user is not surprised. */
  notes: string[];
}

function rangeFor(entry: OutlineEntry, mode: MaskMode): TextRange {
  if (mode === 'definition') return entry.range;
  if (!entry.bodyRange) throw new TargetError(`${entry.qualifiedName} has no body to mask; use the definition mode.`);
  return entry.bodyRange;
}

/**
 * The spans to mask for the targets. A target inside another is merged into it (said in a
 * note); spans that cross without nesting are refused, since no definition can be split.
 */
export function maskSpans(source: SourceText, targets: readonly OutlineEntry[], mode: MaskMode): MaskPlan {
  const spans: MaskedSpan[] = [];
  const notes: string[] = [];
  const ordered = targets.map((entry) => ({ entry, range: rangeFor(entry, mode) })).sort((a, b) => a.range.start - b.range.start || b.range.end - a.range.end);
  for (const { entry, range } of ordered) {
    const previous = spans.at(-1);
    if (previous && range.start < previous.range.end) {
      if (range.end <= previous.range.end) {
        notes.push(`${entry.qualifiedName} lies inside ${previous.target}, so it is regenerated as part of it.`);
        continue;
      }
      throw new TargetError(`${entry.qualifiedName} and ${previous.target} overlap without one containing the other; pick one.`);
    }
    spans.push({
      target: entry.qualifiedName,
      kind: entry.kind,
      mode,
      startByte: source.byteOffset(range.start),
      endByte: source.byteOffset(range.end),
      startLine: source.position(range.start).line,
      endLine: source.lastLine(range.start, range.end),
      range,
    });
  }
  return { spans, notes };
}
