import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/cli/modelRuntime';
import { InputError } from '../../src/errors/inputErrors';
import type { ModelManifest } from '../../src/models/modelManifest';
import { builder, expectUsageError } from '../support/cli';
import { tinyModel } from '../support/tinyModels';

let model: string;
let work: string;
let file: string;

/** A copy of the tiny diffusion model with only its q4 graph, as `builder convert --quant q4` leaves a folder. */
function q4OnlyCopy(): string {
  const dir = join(work, 'q4-only');
  if (existsSync(dir)) return dir;
  cpSync(model, dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ModelManifest;
  const dropped = manifest.files.filter((f) => /^onnx\/model(_quantized)?\.onnx/.test(f.path));
  for (const f of dropped) rmSync(join(dir, f.path));
  manifest.files = manifest.files.filter((f) => !dropped.includes(f));
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return dir;
}

const patchArgs = (...rest: string[]) => ['patch', '--file', file, '--target', 'area', '--prompt', '', '--no-fallback', '--steps', '2', '--cfg', '1', ...rest];

beforeAll(async () => {
  model = (await tinyModel('diffusion')).modelDir;
  work = mkdtempSync(join(tmpdir(), 'builder-backend-'));
  file = join(work, 'area.py');
  writeFileSync(file, 'def area(radius):\n    return 3.14159 * radius ** 2\n');
});

describe('builder --backend and the precision a model folder has', () => {
  it('runs on native onnxruntime by default, at q8, and says so on stderr and in the provenance', async () => {
    const json = join(work, 'native.json');
    const run = await builder(...patchArgs('--model', model, '--json', json));
    expect([0, 3], run.stderr).toContain(run.code);
    expect(run.stderr).toContain('native (onnxruntime-node, CPU), q8 (the best for native)');
    expect(run.stderr).toMatch(/^estimate: 1 plan\(s\) x 2 steps = 2 forward passes; the first took [\d.]+ m?s \(native, q8\)/m);
    const patch = JSON.parse(readFileSync(json, 'utf8'));
    expect(patch.model).toMatchObject({ backend: 'native', quant: 'q8' });
  }, 120_000);

  it('--backend cuda where the CUDA provider is not installed: exit 2, one line saying how to install it, nothing written', async () => {
    const out = join(work, 'cuda.patch');
    const run = await builder(...patchArgs('--model', model, '--backend', 'cuda', '--out', out));
    expectUsageError(run, /--backend cuda: onnxruntime-node's CUDA execution provider is not installed here .*--onnxruntime-node-install=cuda12/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('keeps a command line too long for onnxruntime-node off the native backend: WASM under auto, saying why; refused when native is asked for', async () => {
    const auto = await chooseBackend(undefined, 50_000);
    expect(auto.backend).toBe('wasm');
    expect(auto.label).toMatch(/the command line is 50000 bytes long/);
    await expect(chooseBackend('native', 50_000)).rejects.toThrow(InputError);
    expect((await chooseBackend(undefined, 2_000)).backend).toBe('native');
  });

  it('refuses a backend it does not know', async () => {
    expectUsageError(await builder(...patchArgs('--model', model, '--backend', 'webgpu')), /--backend must be native, wasm, cuda; got "webgpu"/);
  }, 60_000);

  it('a q4-only folder on WASM runs at q4 and says so; --precision q8 on it is refused with the convert command', async () => {
    const dir = q4OnlyCopy();
    const json = join(work, 'q4.json');
    const run = await builder(...patchArgs('--model', dir, '--backend', 'wasm', '--json', json));
    expect([0, 3], run.stderr).toContain(run.code);
    expect(run.stderr).toContain(`${dir}: WASM (onnxruntime-web), q4 (the best this folder has for wasm)`);
    expect(JSON.parse(readFileSync(json, 'utf8')).model).toMatchObject({ backend: 'wasm', quant: 'q4' });

    const out = join(work, 'q8.patch');
    const refused = await builder(...patchArgs('--model', dir, '--backend', 'wasm', '--precision', 'q8', '--out', out));
    expectUsageError(
      refused,
      new RegExp(`has no q8 model \\(onnx/model_quantized\\.onnx\\); it has q4\\. Make it from the checkpoint with builder convert --from CHECKPOINT_DIR --out ${dir} --quant q4,q8`),
    );
    expect(existsSync(out)).toBe(false);
    expectUsageError(await builder(...patchArgs('--model', dir, '--quant', 'q8', '--precision', 'q4')), /--precision q4 and --quant q8 name the same setting twice/);
  }, 120_000);
});
