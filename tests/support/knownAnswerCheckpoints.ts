import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type CheckpointShape, writeTinyCheckpoint } from '../../src/convert/tinyModel';
import type { DiffusionConfig } from '../../src/models/diffusionConfig';
import { type FamilyName, familyByName } from '../../src/models/modelFamilies';
import { FAMILY_CHECKPOINTS } from './familyCheckpoints';

/**
 * The trained known-answer checkpoints (fixtures/known-answer/, trained by training/train.py): one
 * per family layout, each in the folder its repository's name gives, as FAMILY_CHECKPOINTS lays it out.
 */
export interface KnownAnswerCheckpoint {
  family: FamilyName;
  folder: string;
  kind: 'diffusion' | 'autoregressive';
  /** The family's published layout; absent for the fill-in-the-middle fallback, Builder's own Qwen2 layout. */
  shape?: CheckpointShape;
}

const layoutOf = (folder: string): KnownAnswerCheckpoint => {
  const { family, shape } = FAMILY_CHECKPOINTS.find((c) => c.folder === folder)!;
  return { family, folder, kind: 'diffusion', shape };
};

/** In the order they were trained, Builder's default family first. */
export const KNOWN_ANSWER_CHECKPOINTS: readonly KnownAnswerCheckpoint[] = [
  layoutOf('Qwen2.5-Coder-0.5B-Instruct-diffusion-mdlm-v0.1'),
  layoutOf('open-dcoder-0.5B'),
  layoutOf('Qwen2.5-Coder-0.5B-Instruct-diffusion-bd3lm-v0.1'),
  layoutOf('CoDA-v0-Instruct'),
  layoutOf('DiffuCoder-7B-Instruct'),
  layoutOf('Qwen3-0.6B-diffusion-mdlm-v0.1'),
  { family: 'qwen-autoregressive', folder: 'qwen2.5-coder-fim', kind: 'autoregressive' },
];

/**
 * The family's authors' temperature, top-p and order of reveals (src/models/modelFamilies.ts), which the presets'
 * dLLM settings (temperature 0, top-p 1, the surest first) would otherwise replace: CoDA's and Dream's entropy at
 * temperature 0.1 and top-p 0.9, Open-dLLM's temperature 0.6 and top-p 0.95. The tests and the benchmark run each
 * family with them.
 */
export function authorsSampling(family: FamilyName): Pick<DiffusionConfig, 'temperature' | 'topP' | 'remasking'> | null {
  const authors = familyByName(family).sampler;
  return authors ? { temperature: authors.temperature, topP: authors.topP, remasking: authors.remasking } : null;
}

export const KNOWN_ANSWER_FIXTURES = new URL('../../fixtures/known-answer/', import.meta.url).pathname;

/** Whether the checkpoint's trained weights are committed (gzipped, as training/train.py saves them; sharded where its layout is, as CoDA's). */
export function isTrained(checkpoint: KnownAnswerCheckpoint): boolean {
  const folder = join(KNOWN_ANSWER_FIXTURES, checkpoint.folder);
  return existsSync(folder) && readdirSync(folder).some((name) => name.endsWith('.safetensors.gz'));
}

/**
 * The checkpoint as a download leaves it, in `parent`/<folder>: the committed files with the
 * weights unpacked, and the tokenizer.json they leave out (11 MB, the real Qwen tokenizer with the family's mask token),
 * written again as tinyModel.ts writes it for the same layout.
 */
export async function completeCheckpoint(checkpoint: KnownAnswerCheckpoint, parent: string): Promise<string> {
  const folder = join(parent, checkpoint.folder);
  cpSync(join(KNOWN_ANSWER_FIXTURES, checkpoint.folder), folder, { recursive: true, filter: (source) => !source.endsWith('.gz') });
  for (const packed of readdirSync(join(KNOWN_ANSWER_FIXTURES, checkpoint.folder)).filter((name) => name.endsWith('.safetensors.gz'))) {
    writeFileSync(join(folder, packed.slice(0, -'.gz'.length)), gunzipSync(readFileSync(join(KNOWN_ANSWER_FIXTURES, checkpoint.folder, packed))));
  }
  const scratch = mkdtempSync(join(tmpdir(), 'known-answer-tokenizer-'));
  try {
    await writeTinyCheckpoint(join(scratch, 'model'), { kind: checkpoint.kind, seed: 1, ...(checkpoint.shape ? { shape: checkpoint.shape } : {}) });
    copyFileSync(join(scratch, 'model', 'tokenizer.json'), join(folder, 'tokenizer.json'));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return folder;
}
