import { InputError } from '../errors/inputErrors';
import type { CheckpointFacts } from '../models/modelFamilies';
import type { FileFolder } from '../runtime/byteSource';

async function readJsonObject(folder: FileFolder, path: string): Promise<Record<string, unknown>> {
  if (!(await folder.exists(path))) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(await folder.readText(path));
  } catch {
    throw new InputError(`${path} in ${folder.location} is not valid JSON.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InputError(`${path} in ${folder.location} is not a JSON object.`);
  return parsed as Record<string, unknown>;
}

/**
 * What tells a checkpoint's family apart, read from its folder: config.json, tokenizer_config.json,
 * added_tokens.json (where save_pretrained wrote one) and tokenizer.json's added tokens.
 */
export async function readCheckpointFacts(folder: FileFolder, config: Record<string, unknown>, tokenizerJson: string, name: string): Promise<CheckpointFacts> {
  const tokenizerAddedTokens: Record<string, number> = {};
  const added = (JSON.parse(tokenizerJson) as { added_tokens?: { id?: unknown; content?: unknown }[] }).added_tokens ?? [];
  for (const token of added) if (typeof token.content === 'string' && Number.isInteger(token.id)) tokenizerAddedTokens[token.content] = token.id as number;
  const addedTokens: Record<string, number> = {};
  for (const [token, id] of Object.entries(await readJsonObject(folder, 'added_tokens.json'))) if (Number.isInteger(id)) addedTokens[token] = id as number;
  return { config, tokenizerConfig: await readJsonObject(folder, 'tokenizer_config.json'), addedTokens, tokenizerAddedTokens, name };
}
