import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { convertCommand } from '../../src/cli/convertCommand';
import { parseQwenConfig } from '../../src/convert/qwenConfig';
import { writeTinyCheckpoint } from '../../src/convert/tinyModel';
import { InputError } from '../../src/errors/inputErrors';
import { samplerFacts } from '../../src/generate/authors/configSampling';
import { resolveSampleSettings } from '../../src/generate/authors/sampleSettings';
import type { ModelManifest } from '../../src/models/modelManifest';
import { FAMILY_CHECKPOINTS } from '../support/familyCheckpoints';

const root = mkdtempSync(join(tmpdir(), 'builder-fast-dllm-v2-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const checkpoint = FAMILY_CHECKPOINTS.find((c) => c.family === 'fast-dllm-v2')!;

const quiet = async <T>(run: () => Promise<T>): Promise<T> => {
  const write = process.stdout.write;
  process.stdout.write = () => true;
  try {
    return await run();
  } finally {
    process.stdout.write = write;
  }
};

/**
 * What Fast_dLLM_v2_1.5B's folder leaves to be read elsewhere (the family table cites each): no head_dim, no mask id
 * in config.json and no mask_token in tokenizer_config.json, so the manifest must carry what their code hard-codes.
 */
it('converts a folder shaped like Fast_dLLM_v2_1.5B into the manifest their generate implies', async () => {
  const from = join(root, checkpoint.folder);
  const out = join(root, 'fast-dllm-v2');
  await writeTinyCheckpoint(from, { kind: 'diffusion', seed: 7, scale: { hiddenSize: 32, numLayers: 1 }, shape: checkpoint.shape });
  const config = JSON.parse(readFileSync(join(from, 'config.json'), 'utf8')) as Record<string, unknown>;
  const tokenizerConfig = JSON.parse(readFileSync(join(from, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  // The published layout: the head size is hidden_size / num_attention_heads, and the mask is an additional special token.
  expect(config).not.toHaveProperty('head_dim');
  expect(config).not.toHaveProperty('mask_token_id');
  expect(parseQwenConfig(config).headDim).toBe(16);
  expect(tokenizerConfig).not.toHaveProperty('mask_token');
  expect(tokenizerConfig.additional_special_tokens).toContain('|<MASK>|');

  await quiet(() => convertCommand({ from, out, quant: 'fp32' }));
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ModelManifest;
  // modeling.py generate(mask_id=151665, block_size=32, stop_token=151645) and its logits shift.
  expect(manifest).toMatchObject({ family: 'fast-dllm-v2', kind: 'diffusion', attention: 'block-causal', blockSize: 32, logitsShift: 1, maskTokenId: 151665, padTokenId: 151645 });
  const facts = samplerFacts(manifest);
  expect(facts.eosTokenIds[0]).toBe(151645);
  expect(facts.graphBlockSize).toBe(32);
  // The model card's generate call: small_block_size 8, threshold 0.9, greedy.
  expect(resolveSampleSettings({}, manifest.sampler ?? null, 64)).toMatchObject({ sampler: 'fast-dllm-v2', blockLength: 8, parallelThreshold: 0.9, temperature: 0 });
}, 120_000);

it('refuses a Fast_dLLM_Qwen folder whose bd_size is not the 32 the graph attends in, in one line, writing nothing', async () => {
  const from = join(root, 'other-block-size', checkpoint.folder);
  const out = join(root, 'other-block-size-onnx');
  await writeTinyCheckpoint(from, { kind: 'diffusion', seed: 8, scale: { hiddenSize: 32, numLayers: 1 }, shape: { ...checkpoint.shape, config: { ...checkpoint.shape.config, bd_size: 16 } } });
  const refusal = await quiet(() => convertCommand({ from, out, quant: 'fp32' })).then(
    () => null,
    (error: Error) => error,
  );
  expect(refusal).toBeInstanceOf(InputError);
  expect(refusal!.message).not.toContain('\n');
  expect(refusal!.message).toContain('Fast-dLLM v2 needs config.json "bd_size" 32 (got 16)');
  expect(existsSync(out)).toBe(false);
}, 60_000);
