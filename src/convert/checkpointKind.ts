import { InputError } from '../errors/inputErrors';
import { type CheckpointFacts, familyByName, MODEL_FAMILIES, resolveFamily } from '../models/modelFamilies';
import type { ModelKindName } from '../models/modelManifest';
import type { FileFolder } from '../runtime/byteSource';
import { readCheckpointFacts } from './checkpointFacts';

/** Whether the converter (resolveFamily, the one decision `builder convert` makes) takes the checkpoint as a model of `kind`. */
function converts(facts: CheckpointFacts, kind: ModelKindName): boolean {
  try {
    resolveFamily(facts, kind);
    return true;
  } catch (error) {
    if (error instanceof InputError) return false;
    throw error;
  }
}

/**
 * The kind of a checkpoint as the family table recognises it: diffusion where a diffusion family
 * takes it (their criteria include a plain model's `model_type`, so they are tried first), else
 * autoregressive where an autoregressive family does. Where none does, the kind of the families
 * that use its `model_type`, so that the conversion says what the checkpoint lacks for them; a
 * `model_type` no family uses is diffusion only where config.json names a mask token.
 */
export function recognisedKind(facts: CheckpointFacts): ModelKindName {
  if (converts(facts, 'diffusion')) return 'diffusion';
  if (converts(facts, 'autoregressive')) return 'autoregressive';
  const sameType = MODEL_FAMILIES.filter((family) => Object.hasOwn(family.recognise.modelTypes, String(facts.config.model_type)));
  if (sameType.length > 0) return sameType.some((family) => family.kind === 'diffusion') ? 'diffusion' : 'autoregressive';
  return facts.config.mask_token_id === undefined ? 'autoregressive' : 'diffusion';
}

/**
 * The kind to convert a checkpoint folder as: `--kind` where given, else that of `--family`, else
 * the family table's recognition of its files. `name` is the repository's or folder's name, which
 * tells dLLM's MDLM and BD3LM apart.
 */
export async function checkpointKind(folder: FileFolder, name: string, overrides: { kind?: ModelKindName; family?: string } = {}): Promise<ModelKindName> {
  if (overrides.kind !== undefined) return overrides.kind;
  if (overrides.family !== undefined) return familyByName(overrides.family).kind;
  let config: unknown;
  try {
    config = JSON.parse(await folder.readText('config.json'));
  } catch {
    throw new InputError(`config.json in ${folder.location} is not valid JSON.`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new InputError(`config.json in ${folder.location} is not a JSON object.`);
  return recognisedKind(await readCheckpointFacts(folder, config as Record<string, unknown>, await folder.readText('tokenizer.json'), name));
}
