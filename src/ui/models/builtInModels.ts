import { MODEL_REGISTRY } from '../../models/modelRegistry';

/** The models the site itself serves (scripts/demo-models.ts): random weights, for trying the pipeline. */
export const isBuiltInModel = (id: string) => MODEL_REGISTRY.some((model) => model.id === id && model.origin.kind === 'generated');

/** What the verdict of a built-in model's result must say first: its code is noise by construction. */
export const BUILT_IN_MODEL_NOTE = 'Written by the built-in demo model, whose weights are random: its output is noise, not a suggestion. Use a real model (Models) for real code.';
