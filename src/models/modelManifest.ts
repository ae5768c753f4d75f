import { InputError } from '../errors/inputErrors';
import { type FamilyName, MODEL_FAMILIES, type SamplerDefaults } from './modelFamilies';

export type ModelKindName = 'diffusion' | 'autoregressive';

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** manifest.json of a model folder (docs/models.md). */
export interface ModelManifest {
  id: string;
  kind: ModelKindName;
  architecture: 'qwen2' | 'qwen3';
  /** A property of the graph: block-causal graphs mask keys in later blocks of `blockSize` positions. */
  attention: 'bidirectional' | 'causal' | 'block-causal';
  /** Block-causal models only: positions per block, numbered from the sequence's start. */
  blockSize?: number;
  /** The model family (core/modelFamilies.ts) the converter recognised; absent in folders made before families. */
  family?: FamilyName;
  /** The licence as its authors publish it. */
  licence?: string;
  /** `infill`: the instruction goes in as a comment before the target in the file's language; `chat` (or absent): `promptTemplate` as it is. */
  promptFormat?: 'chat' | 'infill';
  /** The authors' sampler settings for this family. */
  sampler?: SamplerDefaults;
  vocabSize: number;
  /** Diffusion models only: the graph's contract (convert/qwenGraph.ts DIFFUSION_GRAPH_VERSION); absent in folders converted before it was recorded, which hold version 1. */
  graphVersion?: number;
  /** Diffusion models only. */
  maskTokenId?: number;
  /** 1: position i is predicted from the logits at i - 1 (Dream, DiffuCoder, Open-dCoder); 0: from its own. */
  logitsShift?: 0 | 1;
  eosTokenIds: number[];
  padTokenId: number;
  maxPositions: number;
  /** `{instruction}` and `{code}` mark where the condition and the masked file go; `{suffix}`, where there is one, the file's text after the last target. */
  promptTemplate: string;
  /** Where `promptTemplate` came from: the chat template's file and the arguments it was rendered with, `infill` or `fill-in-the-middle`; absent in folders made before. */
  promptSource?: string;
  files: ManifestFile[];
}

export const MANIFEST_FILE = 'manifest.json';

const fail = (what: string): never => {
  throw new InputError(`manifest.json is not valid: ${what}.`);
};

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** Parses and checks manifest.json, naming the first field that is wrong. */
export function parseManifest(text: string): ModelManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(`it does not parse as JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('it is not a JSON object');
  const m = raw as Record<string, unknown>;
  if (typeof m.id !== 'string' || m.id === '') fail('"id" must be a non-empty string');
  if (m.kind !== 'diffusion' && m.kind !== 'autoregressive') fail('"kind" must be "diffusion" or "autoregressive"');
  if (m.architecture !== 'qwen2' && m.architecture !== 'qwen3') fail('"architecture" must be "qwen2" or "qwen3"');
  if (m.attention !== 'bidirectional' && m.attention !== 'causal' && m.attention !== 'block-causal') fail('"attention" must be "bidirectional", "causal" or "block-causal"');
  if (m.attention === 'block-causal' && !(isCount(m.blockSize) && m.blockSize > 0)) fail('"blockSize" must be a positive integer for block-causal attention');
  if (m.family !== undefined && !MODEL_FAMILIES.some((f) => f.name === m.family)) fail(`"family" must be one of ${MODEL_FAMILIES.map((f) => f.name).join(', ')}`);
  if (m.promptFormat !== undefined && m.promptFormat !== 'chat' && m.promptFormat !== 'infill') fail('"promptFormat" must be "chat" or "infill"');
  for (const key of ['vocabSize', 'padTokenId', 'maxPositions']) if (!isCount(m[key])) fail(`"${key}" must be a non-negative integer`);
  if (m.kind === 'diffusion') {
    if (!isCount(m.maskTokenId)) fail('"maskTokenId" must be a token id for a diffusion model');
    if (m.logitsShift !== 0 && m.logitsShift !== 1) fail('"logitsShift" must be 0 or 1 for a diffusion model');
  }
  if (m.graphVersion !== undefined && !(isCount(m.graphVersion) && m.graphVersion > 0)) fail('"graphVersion" must be a positive integer');
  if (!Array.isArray(m.eosTokenIds) || !m.eosTokenIds.every(isCount)) fail('"eosTokenIds" must be a list of token ids');
  if (typeof m.promptTemplate !== 'string') fail('"promptTemplate" must be a string');
  if (m.promptSource !== undefined && typeof m.promptSource !== 'string') fail('"promptSource" must be a string');
  if (!Array.isArray(m.files)) fail('"files" must be a list');
  for (const file of m.files as unknown[]) {
    const f = file as Record<string, unknown>;
    if (typeof f?.path !== 'string' || !isCount(f.bytes) || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) {
      fail(`each of "files" needs "path", "bytes" and a hex "sha256"; ${JSON.stringify(file)} does not`);
    }
  }
  return m as unknown as ModelManifest;
}
