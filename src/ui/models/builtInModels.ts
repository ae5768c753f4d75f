import { MODEL_REGISTRY } from '../../models/modelRegistry';

/** The models the site itself serves (scripts/demo-models.ts): test models, none of them for real code. */
export const isBuiltInModel = (id: string) => MODEL_REGISTRY.some((model) => model.id === id && model.origin.kind === 'generated');

/** The built-in model trained on the known-answer task (training/README.md), the one "Try the example" runs. */
export const KNOWN_ANSWER_MODEL = 'known-answer-diffusion';

/** What a built-in model is, in a few words: the tiny demo models have random weights, the known-answer one learnt one task. */
export const builtInModelKind = (id: string): string => (id === KNOWN_ANSWER_MODEL ? 'a test model trained on one synthetic task' : 'a test model, random weights');

/** What the verdict of a built-in model's result must say first, or null for any other model. */
export function builtInModelNote(id: string): string | null {
  if (!isBuiltInModel(id)) return null;
  if (id === KNOWN_ANSWER_MODEL) {
    return 'Written by the known-answer test model, trained only on small list functions (shift_by_8 and the like) from their instruction: right on that task, useless on real code. Use a real model (Models) for real code.';
  }
  return 'Written by the built-in demo model, whose weights are random: its output is noise, not a suggestion. Use a real model (Models) for real code.';
}

/** The same in a few words, for the result bar. */
export const builtInModelTag = (id: string): string => (id === KNOWN_ANSWER_MODEL ? 'Test model: right only on its synthetic task' : 'Demo model: its output is noise');
