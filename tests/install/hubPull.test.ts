import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/convert/checkpoint';
import { convertCheckpoint } from '../../src/convert/convertCheckpoint';
import { openFolder } from '../../src/convert/nodeFiles';
import { createNodeOutputFolder } from '../../src/convert/nodeOutputFolder';
import { writeTinyCheckpoint } from '../../src/convert/tinyModel';
import { FileHashMismatchError } from '../../src/hub/hubErrors';
import { importCheckpointFolder } from '../../src/install/checkpointImport';
import { type HubPullOptions, pullIntoCache } from '../../src/install/hubPull';
import type { DownloadProgress } from '../../src/models/downloadProgress';
import { describeCachedModel } from '../../src/runtime/modelCache';
import { readVerifiedModel } from '../../src/runtime/modelFiles';
import { openModelReader } from '../../src/runtime/modelSource';
import { FAMILY_CHECKPOINTS } from '../support/familyCheckpoints';
import { type HubDouble, startHubDouble } from '../support/hubDouble';
import { MemoryModelStore } from '../support/memoryModelStore';

let hub: HubDouble;
let checkpointDir: string;
let progress: DownloadProgress[];

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'hub-pull-'));
  checkpointDir = join(root, 'checkpoint');
  await writeTinyCheckpoint(checkpointDir, { kind: 'diffusion', seed: 5 });
  await writeTinyCheckpoint(join(root, 'ar'), { kind: 'autoregressive', seed: 6 });
  const source = await openFolder(join(root, 'ar'));
  const checkpoint = await openCheckpoint(source);
  await convertCheckpoint({ source, checkpoint, output: await createNodeOutputFolder(join(root, 'export')), id: 'x', kind: 'autoregressive', precisions: ['q4'] });
  await checkpoint.close();
  rmSync(join(root, 'export', 'manifest.json'));
  hub = await startHubDouble();
  await hub.addRepo('tiny/diffusion', join(root, 'checkpoint'), { license: 'apache-2.0' });
  await hub.addRepo('onnx-community/tiny-coder', join(root, 'export'));
  // dLLM's A2D layout (model_type "a2d-qwen2", no mask_token_id) under a name the registry does not list.
  await writeTinyCheckpoint(join(root, 'a2d'), { kind: 'diffusion', seed: 7, scale: { hiddenSize: 32, numLayers: 1 }, shape: FAMILY_CHECKPOINTS.find((c) => c.family === 'a2d-bd3lm')!.shape });
  await hub.addRepo('someone/coder-sft-bd3lm', join(root, 'a2d'));
}, 180_000);
afterAll(() => hub.close());
beforeEach(() => {
  progress = [];
  hub.faults.cutAt = new Map();
  hub.faults.corrupt = new Set();
});

function options(store: MemoryModelStore, extra: Partial<HubPullOptions>): HubPullOptions {
  return {
    id: 'pulled',
    repo: 'tiny/diffusion',
    revision: 'main',
    precision: 'q4',
    endpoint: { url: hub.url, sleep: async () => {} },
    store,
    signal: new AbortController().signal,
    estimate: async () => ({ usage: store.usedBytes, quota: 1e10 }),
    onProgress: (p) => progress.push(p),
    ...extra,
  };
}

describe('pullIntoCache (the worker job)', () => {
  it('downloads a checkpoint, converts it into the cache as a model folder the engine loads, and leaves no download behind', async () => {
    const store = new MemoryModelStore();
    const model = await pullIntoCache(options(store, {}));
    expect(model.completePrecisions).toEqual(['q4']);
    const files = await readVerifiedModel(await openModelReader('pulled', 'http://unused/', 'q4', store), 'q4');
    expect(files.manifest.kind).toBe('diffusion');
    expect([...(await store.sizes('pulled')).keys()].some((p) => p.startsWith('.hub/'))).toBe(false);
    expect(progress.some((p) => p.phase === 'fetching')).toBe(true);
    const converting = progress.filter((p) => p.phase === 'converting');
    expect(converting.at(-1)).toMatchObject({ doneBytes: converting.at(-1)!.totalBytes });
    expect(converting.at(-1)!.tensors!.done).toBe(converting.at(-1)!.tensors!.total);
  });

  it('converts an A2D checkpoint the registry does not list as the diffusion family the table recognises, as builder pull does', async () => {
    const store = new MemoryModelStore();
    const model = await pullIntoCache(options(store, { id: 'coder-sft-bd3lm', repo: 'someone/coder-sft-bd3lm' }));
    expect(model.manifest).toMatchObject({ kind: 'diffusion', family: 'a2d-bd3lm', attention: 'block-causal' });
  }, 120_000);

  it('stores a transformers.js-layout export as it is', async () => {
    const store = new MemoryModelStore();
    const model = await pullIntoCache(options(store, { id: 'coder', repo: 'onnx-community/tiny-coder' }));
    expect(model.completePrecisions).toEqual(['q4']);
    const served = hub.repos.get('onnx-community/tiny-coder')!.files.get('onnx/model_q4.onnx_data')!;
    expect(model.manifest!.files.find((f) => f.path === 'onnx/model_q4.onnx_data')!.sha256).toBe(served.sha256);
  });

  it('after a stop mid-download, resumes from the bytes stored and converts', async () => {
    const store = new MemoryModelStore();
    const stop = new AbortController();
    hub.faults.cutAt = new Map([['model.safetensors', 5_000_000]]);
    const endpoint = { url: hub.url, sleep: async () => stop.abort(new Error('tab closed')) };
    await expect(pullIntoCache(options(store, { signal: stop.signal, endpoint }))).rejects.toThrow();
    const staged = (await store.sizes('pulled')).get('.hub/model.safetensors')!;
    expect(staged).toBe(5_000_000);
    expect((await describeCachedModel(store, 'pulled')).completePrecisions).toEqual([]);
    hub.requests.length = 0;
    const model = await pullIntoCache(options(store, {}));
    expect(model.completePrecisions).toEqual(['q4']);
    expect(hub.requests.filter((r) => r.server === 'cdn').map((r) => r.range)).toContain(`bytes=5000000-${hub.repos.get('tiny/diffusion')!.files.get('model.safetensors')!.bytes - 1}`);
  });

  it('refuses corrupted weights and leaves nothing the engine would load', async () => {
    const store = new MemoryModelStore();
    hub.faults.corrupt = new Set(['model.safetensors']);
    await expect(pullIntoCache(options(store, {}))).rejects.toBeInstanceOf(FileHashMismatchError);
    expect((await describeCachedModel(store, 'pulled')).completePrecisions).toEqual([]);
    expect((await store.sizes('pulled')).has('.hub/model.safetensors')).toBe(false);
  });

  it('converts a raw checkpoint folder opened from disk (Load model folder) the same way', async () => {
    const store = new MemoryModelStore();
    const files = new Map(readdirSync(checkpointDir).map((name) => [name, new Blob([readFileSync(join(checkpointDir, name))])] as const));
    const model = await importCheckpointFolder(files, options(store, {}));
    expect(model).toMatchObject({ id: 'qwen2-checkpoint', completePrecisions: ['q4'] });
    expect(model.manifest!.kind).toBe('diffusion');
  });
});
