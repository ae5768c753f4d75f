import type { Runtime } from '../../models/backendChoice';
import type { GeneratedPatch } from '../../plan/refactorPlan';
import { applyUnifiedDiff } from '../../plan/unifiedDiff';
import type { Notice } from '../app/appStateStore';
import { savedStateStorage, setAside } from '../app/savedState';
import { useGeneration } from '../generate/generationStore';

interface SavedResults {
  patch: GeneratedPatch | null;
  /** The editor's file the result was made from (absent in results saved before it was kept). */
  resultFile?: string | null;
  batch: GeneratedPatch[];
  runtime: Runtime | null;
}

export const SAVED_RESULTS_KEY = 'builder-results';
const VERSION = 1;
const storage = savedStateStorage<SavedResults>();

const isString = (value: unknown) => typeof value === 'string';
const isNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStrings = (value: unknown) => Array.isArray(value) && value.every(isString);

/**
 * A saved result the result panel can show: the fields it reads, of the right types, and a diff
 * that still turns the original into the generated file, so the downloads are what was shown.
 */
function isShowablePatch(value: unknown): value is GeneratedPatch {
  if (!isObject(value) || !isObject(value.sample) || !isObject(value.model) || !isObject(value.plan)) return false;
  const { sample, model } = value;
  const shaped =
    [value.filePath, value.originalCode, value.generatedCode, value.unifiedDiff, value.generationTimestamp, model.id, model.quant, model.backend].every(isString) &&
    [value.riskScore, sample.nfe, sample.generationTimeMs, sample.seed, sample.remaskRounds].every(isNumber) &&
    typeof value.isValidSyntax === 'boolean' &&
    typeof value.canApply === 'boolean' &&
    isStrings(value.validationErrors) &&
    isStrings(value.notes) &&
    Array.isArray(value.maskedSpans) &&
    ['diffusion', 'fallback', 'error'].includes(sample.path as string);
  if (!shaped) return false;
  if (sample.path === 'error') return true;
  try {
    return applyUnifiedDiff(value.originalCode as string, value.unifiedDiff as string) === value.generatedCode;
  } catch {
    return false;
  }
}

function isRuntime(value: unknown): value is Runtime {
  return isObject(value) && isString(value.backend) && isString(value.precision) && isString(value.label) && isStrings(value.notices);
}

/**
 * Puts the last results back after a reload: the result panel, the batch list and where they ran.
 * Results that cannot be shown are set aside, never half shown, and the notice to show says so.
 */
export async function restoreSavedResults(): Promise<Notice | null> {
  try {
    const saved = (await storage.getItem(SAVED_RESULTS_KEY))?.state;
    if (!saved) return null;
    const { patch, batch, runtime, resultFile } = saved;
    if ((patch !== null && !isShowablePatch(patch)) || !Array.isArray(batch) || !batch.every(isShowablePatch)) {
      await setAside(SAVED_RESULTS_KEY, JSON.stringify({ state: saved, version: VERSION }));
      throw new Error('The saved results cannot be shown.');
    }
    useGeneration.setState({ status: 'done', patch, batch, runtime: isRuntime(runtime) ? runtime : null, resultFile: isString(resultFile) ? resultFile : null });
    return null;
  } catch {
    return { kind: 'error', message: 'The saved results could not be read, so they were set aside; your code and settings are unaffected.' };
  }
}

/** Saves the results whenever they change; closing or applying a result forgets it. */
export function keepResultsSaved(): void {
  useGeneration.subscribe((state, previous) => {
    if (state.patch === previous.patch && state.batch === previous.batch && state.runtime === previous.runtime && state.resultFile === previous.resultFile) return;
    if (state.patch === null && state.batch.length === 0) void storage.removeItem(SAVED_RESULTS_KEY);
    else storage.setItem(SAVED_RESULTS_KEY, { state: { patch: state.patch, batch: state.batch, runtime: state.runtime, resultFile: state.resultFile }, version: VERSION });
  });
}
