import { type MaskMode, type MaskPlan, maskSpans } from './maskSpans';
import type { OutlineEntry } from './outline';
import type { SourceText } from './sourceText';
import { resolveTargets, type TargetSpec } from './targets';

/**
 * A plan's targets found in the file's outline and the spans masked for them: the one way from
 * `editTargets` to masks, so that the app's preview of a run and the run itself (in the engine)
 * resolve the same names to the same spans.
 */
export function targetMask(outline: readonly OutlineEntry[], source: SourceText, editTargets: readonly TargetSpec[], mode: MaskMode): { targets: OutlineEntry[]; maskPlan: MaskPlan } {
  const targets = resolveTargets(outline, source, editTargets);
  return { targets, maskPlan: maskSpans(source, targets, mode) };
}
