import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import { parseManifest } from '../../src/models/modelManifest';
import { MissingModelFileError, readVerifiedModel } from '../../src/runtime/modelFiles';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import { tinyModel } from '../support/tinyModels';

let modelDir: string;

/** A copy of the converted tiny model with one thing broken. */
function broken(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'builder-broken-model-'));
  cpSync(modelDir, dir, { recursive: true });
  edit(dir);
  return dir;
}

async function expectRefused(dir: string, pattern: RegExp): Promise<void> {
  const error = await readVerifiedModel(nodeModelReader(dir), 'q4').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toMatch(pattern);
  rmSync(dir, { recursive: true, force: true });
}

beforeAll(async () => {
  modelDir = (await tinyModel('diffusion')).modelDir;
});

describe('reading a model folder against its manifest', () => {
  it('reads a good folder: the graph, its external data and a tokenizer that round-trips code', async () => {
    const files = await readVerifiedModel(nodeModelReader(modelDir), 'q4');
    expect(files.manifest.kind).toBe('diffusion');
    expect(files.externalData.map((d) => d.path)).toEqual(['model_q4.onnx_data']);
    const code = 'fn main() {\r\n\tprintln!("héllo, 世界 🌍");\r\n}\n';
    expect(files.tokenizer.decode(files.tokenizer.encode(code))).toBe(code);
    expect(files.tokenizer.tokenId('<|mask|>')).toBe(files.manifest.maskTokenId);
  });

  it('names a file whose bytes changed (sha256)', async () => {
    const dir = broken((d) => {
      const path = join(d, 'onnx/model_q4.onnx_data');
      const bytes = readFileSync(path);
      bytes[1234] = bytes[1234]! ^ 0xff;
      writeFileSync(path, bytes);
    });
    await expectRefused(dir, /onnx\/model_q4\.onnx_data does not match its sha256/);
  });

  it('names a truncated file', async () => {
    await expectRefused(
      broken((d) => truncateSync(join(d, 'onnx/model_q4.onnx_data'), 1000)),
      /model_q4\.onnx_data has 1000 bytes but manifest.json lists/,
    );
  });

  it('names a missing file', async () => {
    await expectRefused(
      broken((d) => rmSync(join(d, 'tokenizer.json'))),
      /tokenizer\.json is missing/,
    );
  });

  it('reports a folder without a manifest as a missing model file, so the app can say the model is not installed', async () => {
    const error = await readVerifiedModel(nodeModelReader(mkdtempSync(join(tmpdir(), 'builder-empty-model-'))), 'q4').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingModelFileError);
    expect((error as MissingModelFileError).path).toBe('manifest.json');
  });

  it('says which precisions a folder has when another is asked for', async () => {
    const error = await readVerifiedModel(nodeModelReader(modelDir), 'fp16').catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/no onnx\/model_fp16\.onnx in its manifest; it has /);
    for (const graph of ['onnx/model_q4.onnx', 'onnx/model_quantized.onnx', 'onnx/model.onnx']) expect((error as Error).message).toContain(graph);
  });

  it('refuses a manifest that does not parse, or lacks a field', async () => {
    await expectRefused(
      broken((d) => writeFileSync(join(d, 'manifest.json'), '{"id": "x",')),
      /manifest.json is not valid: it does not parse as JSON/,
    );
    expect(() =>
      parseManifest(
        JSON.stringify({
          id: 'x',
          kind: 'diffusion',
          architecture: 'qwen2',
          attention: 'bidirectional',
          vocabSize: 10,
          padTokenId: 0,
          maxPositions: 8,
          eosTokenIds: [0],
          promptTemplate: '',
          files: [],
        }),
      ),
    ).toThrow(/maskTokenId/);
  });

  it('refuses a tokenizer whose vocabulary does not fit the model', async () => {
    const dir = broken((d) => {
      const path = join(d, 'manifest.json');
      const manifest = JSON.parse(readFileSync(path, 'utf8'));
      manifest.vocabSize = 1000;
      writeFileSync(path, JSON.stringify(manifest));
    });
    await expectRefused(dir, /tokenizer.json has 151670 tokens but the model's vocabulary has 1000/);
  });
});
