import { mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Checkpoint, openCheckpoint } from '../../src/convert/checkpoint';
import { float32ToBytes, type TensorDtype } from '../../src/convert/dtypes';
import { createFileSink, openFolder } from '../../src/convert/nodeFiles';
import { expectedTensors, parseQwenConfig } from '../../src/convert/qwenConfig';
import { writeSafetensors } from '../../src/convert/safetensors';
import { InputError } from '../../src/errors/inputErrors';

const root = mkdtempSync(join(tmpdir(), 'builder-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const QWEN2 = {
  model_type: 'qwen2',
  hidden_size: 8,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  intermediate_size: 16,
  vocab_size: 32,
  tie_word_embeddings: true,
};

/** Values that say which tensor they came from (t + (i mod 8) / 8 for tensor t), exact in bf16 and fp16. */
function tensorsFor(rawConfig: Record<string, unknown>): Map<string, { shape: number[]; values: Float32Array }> {
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  let t = 0;
  for (const [name, shape] of expectedTensors(parseQwenConfig(rawConfig))) {
    const count = shape.reduce((a, b) => a * b, 1);
    const index = t++;
    tensors.set(name, { shape, values: Float32Array.from({ length: count }, (_, i) => index + (i % 8) / 8) });
  }
  return tensors;
}

async function writeShard(path: string, tensors: [string, { shape: number[]; values: Float32Array }][], dtype: TensorDtype): Promise<void> {
  const sink = await createFileSink(path);
  const byName = new Map(tensors);
  await writeSafetensors(
    sink,
    tensors.map(([name, { shape }]) => ({ name, dtype, shape })),
    async ({ name }) => float32ToBytes(dtype, byName.get(name)!.values),
    { format: 'pt' },
  );
  await sink.close();
}

interface Layout {
  config?: Record<string, unknown>;
  /** Changes the tensors before writing: drop or reshape some. */
  edit?: (tensors: Map<string, { shape: number[]; values: Float32Array }>) => void;
  shards?: number;
  dtype?: TensorDtype;
}

let folders = 0;
/** Writes a checkpoint folder: config.json plus model.safetensors, or an index with shards. */
async function writeCheckpoint({ config = QWEN2, edit, shards = 1, dtype = 'BF16' }: Layout = {}): Promise<string> {
  const dir = join(root, `checkpoint-${folders++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const tensors = tensorsFor(config);
  edit?.(tensors);
  const entries = [...tensors];
  if (shards === 1) {
    await writeShard(join(dir, 'model.safetensors'), entries, dtype);
    return dir;
  }
  const weightMap: Record<string, string> = {};
  for (let shard = 0; shard < shards; shard++) {
    const file = `model-0000${shard + 1}-of-0000${shards}.safetensors`;
    const mine = entries.filter((_, i) => i % shards === shard);
    await writeShard(join(dir, file), mine, dtype);
    for (const [name] of mine) weightMap[name] = file;
  }
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
  return dir;
}

async function open(dir: string): Promise<Checkpoint> {
  return openCheckpoint(await openFolder(dir));
}

async function expectAllTensors(checkpoint: Checkpoint, rawConfig: Record<string, unknown>): Promise<void> {
  const expected = tensorsFor(rawConfig);
  expect(new Set(checkpoint.tensorNames())).toEqual(new Set(expected.keys()));
  for (const [name, { shape, values }] of expected) {
    expect(checkpoint.shape(name)).toEqual(shape);
    expect(await checkpoint.readTensor(name)).toEqual(values);
  }
}

describe('openCheckpoint', () => {
  it('reads a single-file bf16 checkpoint: config and every tensor', async () => {
    const checkpoint = await open(await writeCheckpoint());
    try {
      expect(checkpoint.config).toEqual(parseQwenConfig(QWEN2));
      expect(checkpoint.rawConfig).toEqual(QWEN2);
      expect(checkpoint.dtype('model.norm.weight')).toBe('BF16');
      await expectAllTensors(checkpoint, QWEN2);
    } finally {
      await checkpoint.close();
    }
  });

  it('reads a sharded checkpoint through model.safetensors.index.json', async () => {
    const checkpoint = await open(await writeCheckpoint({ shards: 3, dtype: 'F16' }));
    try {
      expect(checkpoint.dtype('model.embed_tokens.weight')).toBe('F16');
      await expectAllTensors(checkpoint, QWEN2);
    } finally {
      await checkpoint.close();
    }
  });

  it('reads a Qwen3 checkpoint in float32 (q/k norms, no q/k/v biases, untied head)', async () => {
    const qwen3 = { ...QWEN2, model_type: 'qwen3', head_dim: 8, tie_word_embeddings: false };
    const checkpoint = await open(await writeCheckpoint({ config: qwen3, dtype: 'F32' }));
    try {
      expect(checkpoint.tensorNames()).toContain('model.layers.1.self_attn.k_norm.weight');
      expect(checkpoint.tensorNames()).toContain('lm_head.weight');
      await expectAllTensors(checkpoint, qwen3);
    } finally {
      await checkpoint.close();
    }
  });

  it('keeps tensors the config does not ask for', async () => {
    const dir = await writeCheckpoint({ edit: (t) => t.set('model.layers.0.self_attn.rotary_emb.inv_freq', { shape: [2], values: new Float32Array([1, 0.5]) }) });
    const checkpoint = await open(dir);
    expect(checkpoint.shape('model.layers.0.self_attn.rotary_emb.inv_freq')).toEqual([2]);
    await checkpoint.close();
  });
});

describe('openCheckpoint on bad input', () => {
  it('refuses a missing folder, a folder without config.json, and one without weights', async () => {
    await expect(open(join(root, 'absent'))).rejects.toThrow(/No such folder/);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await expect(open(empty)).rejects.toThrow(new InputError(`${empty} is not a Hugging Face checkpoint: it has no config.json.`));
    writeFileSync(join(empty, 'config.json'), JSON.stringify(QWEN2));
    await expect(open(empty)).rejects.toThrow(/has neither model\.safetensors nor model\.safetensors\.index\.json/);
    writeFileSync(join(empty, 'config.json'), '{"model_type": ');
    await expect(open(empty)).rejects.toThrow(/config\.json .* is not valid JSON/);
  });

  it('refuses a config of another architecture', async () => {
    const dir = await writeCheckpoint();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...QWEN2, model_type: 'llama' }));
    await expect(open(dir)).rejects.toThrow(/model_type "llama"/);
  });

  it('names a missing tensor', async () => {
    const dir = await writeCheckpoint({ edit: (t) => t.delete('model.layers.1.mlp.up_proj.weight') });
    await expect(open(dir)).rejects.toThrow(/no tensor "model\.layers\.1\.mlp\.up_proj\.weight", which config\.json implies \(shape \[16, 8\]\)/);
  });

  it("says when config.json disagrees with a tensor's shape", async () => {
    const dir = await writeCheckpoint({
      edit: (t) => t.set('model.layers.0.self_attn.k_proj.weight', { shape: [8, 8], values: new Float32Array(64) }),
    });
    await expect(open(dir)).rejects.toThrow(new InputError('config.json disagrees with the tensors: model.layers.0.self_attn.k_proj.weight has shape [8, 8], expected [4, 8].'));
  });

  it('says which file is truncated', async () => {
    const dir = await writeCheckpoint({ shards: 2 });
    const shard = join(dir, 'model-00002-of-00002.safetensors');
    truncateSync(shard, statSync(shard).size - 1);
    await expect(open(dir)).rejects.toThrow(/model-00002-of-00002\.safetensors is truncated: tensor "[^"]+"/);
  });

  it('refuses an index that points at a tensor its shard lacks, or at a missing shard', async () => {
    const dir = await writeCheckpoint({ shards: 2 });
    const index = { weight_map: { 'model.norm.weight': 'model-00001-of-00002.safetensors', 'model.embed_tokens.weight': 'model-00001-of-00002.safetensors' } };
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
    await expect(open(dir)).rejects.toThrow(/puts tensor "[^"]+" in model-00001-of-00002\.safetensors, but model-00001-of-00002\.safetensors has no such tensor/);
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'model.norm.weight': 'model-00009.safetensors' } }));
    await expect(open(dir)).rejects.toThrow(InputError);
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weights: {} }));
    await expect(open(dir)).rejects.toThrow(/no "weight_map"/);
  });
});
