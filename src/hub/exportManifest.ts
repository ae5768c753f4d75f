import { InputError } from '../errors/inputErrors';
import type { ManifestFile, ModelManifest } from '../models/modelManifest';
import { FIM_PROMPT_TEMPLATE } from '../prompt/promptFormats';

const ids = (value: unknown): number[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).filter((v): v is number => Number.isInteger(v));

/**
 * Our manifest for a transformers.js-layout export stored as it is (docs/models.md: the fallback loads
 * public exports unchanged): the fields from its config.json and generation_config.json, the
 * files from the tree listing with their sha256 (an LFS file's lfs.oid; a git file's hashed on
 * arrival). It runs as the autoregressive fill-in-the-middle fallback.
 */
export function exportManifest(id: string, config: Record<string, unknown>, generationConfig: Record<string, unknown> | null, files: ManifestFile[]): ModelManifest {
  const architecture = String(config.model_type);
  if (architecture !== 'qwen2' && architecture !== 'qwen3') throw new InputError(`${id}: config.json has model_type "${architecture}"; Builder runs qwen2 and qwen3 exports.`);
  const count = (name: string) => {
    const value = config[name];
    if (!Number.isSafeInteger(value) || (value as number) <= 0) throw new InputError(`${id}: config.json has no positive "${name}".`);
    return value as number;
  };
  const eosTokenIds = [...new Set([...ids(config.eos_token_id), ...ids(generationConfig?.eos_token_id)])];
  return {
    id,
    kind: 'autoregressive',
    architecture,
    attention: 'causal',
    vocabSize: count('vocab_size'),
    eosTokenIds,
    padTokenId: ids(config.pad_token_id)[0] ?? ids(generationConfig?.pad_token_id)[0] ?? eosTokenIds[0] ?? 0,
    maxPositions: count('max_position_embeddings'),
    promptTemplate: FIM_PROMPT_TEMPLATE,
    files,
  };
}
