import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builder, expectUsageError } from '../support/cli';

let root: string;
let checkpoint: string;

/** A copy of the tiny checkpoint, changed by `edit`, for one bad-input case. */
function variant(name: string, edit: (dir: string) => void): string {
  const dir = join(root, name);
  cpSync(checkpoint, dir, { recursive: true });
  edit(dir);
  return dir;
}

function editConfig(dir: string, change: (config: Record<string, unknown>) => void): void {
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  change(config);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
}

/** Converting `from` fails with exit 2 and one line matching `pattern`, and leaves no output behind. */
async function expectRefused(from: string, pattern: RegExp): Promise<void> {
  const out = join(root, `out-${Math.random().toString(36).slice(2)}`);
  expectUsageError(await builder('convert', '--from', from, '--out', out), pattern);
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(root).filter((f) => f.includes('.partial-'))).toEqual([]);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'builder-cli-convert-'));
  checkpoint = join(root, 'checkpoint');
  const run = await builder('tiny-model', '--kind', 'diffusion', '--out', checkpoint, '--seed', '3');
  expect(run.code, run.stderr).toBe(0);
});

describe('builder tiny-model', () => {
  it('refuses a bad kind, a missing --out, a bad seed and an output folder that has files', async () => {
    expectUsageError(await builder('tiny-model', '--kind', 'gpt', '--out', join(root, 'x')), /--kind takes diffusion or autoregressive/);
    expectUsageError(await builder('tiny-model', '--kind', 'diffusion'), /--out DIR is required/);
    expectUsageError(await builder('tiny-model', '--kind', 'diffusion', '--out', join(root, 'y'), '--seed', 'abc'), /--seed takes an integer/);
    expectUsageError(await builder('tiny-model', '--kind', 'diffusion', '--out', checkpoint), /exists/);
  });
});

describe('builder convert', () => {
  it('writes a model folder whose manifest lists every other file with its real size and sha256', async () => {
    const out = join(root, 'model');
    const run = await builder('convert', '--from', checkpoint, '--out', out, '--quant', 'q4,fp32');
    expect(run.code, run.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ kind: 'diffusion', architecture: 'qwen2', attention: 'bidirectional', vocabSize: 151936, maskTokenId: 151669, logitsShift: 0 });
    const listed = manifest.files.map((f: { path: string }) => f.path).sort();
    expect(listed).toEqual(
      ['config.json', 'generation_config.json', 'onnx/model.onnx', 'onnx/model.onnx_data', 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data', 'tokenizer.json', 'tokenizer_config.json'].sort(),
    );
    for (const file of manifest.files as { path: string; bytes: number; sha256: string }[]) {
      const bytes = readFileSync(join(out, file.path));
      expect(bytes.length, file.path).toBe(file.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), file.path).toBe(file.sha256);
    }
  });

  it('refuses an output folder that exists, leaving it as it was', async () => {
    const out = join(root, 'taken');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    expectUsageError(await builder('convert', '--from', checkpoint, '--out', out), /already exists/);
    expect(readdirSync(out)).toEqual(['keep.txt']);
  });

  it('refuses a config without an architecture, and an unknown one', async () => {
    await expectRefused(
      variant('no-arch', (d) => editConfig(d, (c) => delete c.model_type)),
      /model_type/,
    );
    await expectRefused(
      variant('llama', (d) => editConfig(d, (c) => (c.model_type = 'llama'))),
      /model_type "llama".*Qwen2 and Qwen3/,
    );
  });

  it('refuses a config that disagrees with the tensors, and a missing tensor', async () => {
    await expectRefused(
      variant('wide', (d) => editConfig(d, (c) => (c.intermediate_size = 256))),
      /config.json disagrees with the tensors: .*mlp/,
    );
    await expectRefused(
      variant('deep', (d) => editConfig(d, (c) => (c.num_hidden_layers = 3))),
      /model\.layers\.2\./,
    );
  });

  it('refuses a truncated safetensors file, naming it', async () => {
    const dir = variant('truncated', (d) => truncateSync(join(d, 'model.safetensors'), 1_000_000));
    await expectRefused(dir, /truncated/);
  });

  it('refuses an unsupported dtype, naming the tensor', async () => {
    const dir = variant('int8', (d) => {
      const path = join(d, 'model.safetensors');
      const bytes = readFileSync(path);
      const headerLength = Number(bytes.readBigUInt64LE(0));
      const header = bytes.subarray(8, 8 + headerLength).toString('utf8');
      // Same length, so every offset stays right: only the norm's dtype changes.
      const changed = header.replace(/("model\.norm\.weight":\{"dtype":")BF16/, '$1I16');
      expect(changed).not.toBe(header);
      Buffer.from(changed, 'utf8').copy(bytes, 8);
      writeFileSync(path, bytes);
    });
    await expectRefused(dir, /model\.norm\.weight.*I16|I16.*model\.norm\.weight/);
  });

  it('refuses a tokenizer whose vocabulary is larger than the model', async () => {
    await expectRefused(
      variant('small-vocab', (d) => editConfig(d, (c) => (c.vocab_size = 1000))),
      /vocab|embed_tokens/,
    );
  });

  it('refuses a bad --quant and a bad --kind', async () => {
    expectUsageError(await builder('convert', '--from', checkpoint, '--out', join(root, 'q'), '--quant', 'int3'), /--quant takes/);
    expectUsageError(await builder('convert', '--from', checkpoint, '--out', join(root, 'k'), '--kind', 'bert'), /--kind takes/);
  });
});
