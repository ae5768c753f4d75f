import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import { loadModel } from '../../src/runtime/loadModel';
import { COMPLETION_MARKER, listCachedModels, readMarker } from '../../src/runtime/modelCache';
import { downloadModel } from '../../src/runtime/modelDownload';
import { readVerifiedModel } from '../../src/runtime/modelFiles';
import { importModelFolder } from '../../src/runtime/modelFolderImport';
import type { InstallOptions } from '../../src/runtime/modelInstall';
import { openModelReader } from '../../src/runtime/modelSource';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import { MemoryModelStore } from '../support/memoryModelStore';
import { serveModelFolder } from '../support/modelFolderServer';
import { tinyModel } from '../support/tinyModels';

let modelDir: string;
const servers: { close(): Promise<void> }[] = [];
const SITE = 'http://site.invalid/app/';

beforeAll(async () => {
  modelDir = (await tinyModel('autoregressive')).modelDir;
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const installOptions = (store: MemoryModelStore): InstallOptions => ({
  store,
  signal: new AbortController().signal,
  onProgress: () => undefined,
  estimate: async () => ({}),
});

/** The folder's files as a picked folder hands them over. */
function folderFiles(dir: string): Map<string, Blob> {
  const files = new Map<string, Blob>();
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), new Blob([readFileSync(path)]));
    }
  };
  walk(dir);
  return files;
}

async function download(store: MemoryModelStore, id: string) {
  const server = await serveModelFolder(modelDir, { manifestId: id });
  servers.push(server);
  return downloadModel({ ...installOptions(store), id, folderUrl: server.url, precision: 'q4', sleep: async () => undefined });
}

describe('where the engine reads a model from', () => {
  it('reads a complete cached model, which verifies as a model folder', async () => {
    const store = new MemoryModelStore();
    await download(store, 'my-coder');
    const reader = await openModelReader('my-coder', SITE, 'q4', store);
    expect(reader.location).toBe('the cached my-coder');
    const files = await readVerifiedModel(reader, 'q4');
    expect(files.manifest.id).toBe('my-coder');
    await expect(reader.read('onnx/model.onnx')).rejects.toThrow(/onnx\/model\.onnx is not in the cached my-coder/);
  });

  it('discards a cached file that changed on disk, names it, and the entry is no longer complete', async () => {
    const store = new MemoryModelStore();
    await download(store, 'my-coder');
    store.corrupt('my-coder', 'tokenizer.json', 100);
    const error = await readVerifiedModel(await openModelReader('my-coder', SITE, 'q4', store), 'q4').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^tokenizer\.json of the cached my-coder does not match its sha256 .*\. It was discarded; download the model again/);
    expect(store.stored('my-coder', 'tokenizer.json')).toBeUndefined();
    expect((await readMarker(store, 'my-coder'))!.verified['tokenizer.json']).toBeUndefined();
    expect(await listCachedModels(store)).toMatchObject([{ id: 'my-coder', partial: true }]);
    await expect(openModelReader('my-coder', SITE, 'q4', store)).rejects.toThrow(/my-coder is not completely downloaded/);
  });

  it('loads the large cached files on their size and the marker alone, then finds one corrupted since: named, discarded', async () => {
    const store = new MemoryModelStore();
    await download(store, 'my-coder');
    const files = await readVerifiedModel(await openModelReader('my-coder', SITE, 'q4', store), 'q4');
    expect(files.unhashed.map((f) => f.path)).toEqual(['onnx/model_q4.onnx_data']);
    // One bit flipped in the weights: same size, so the load itself goes through, but its
    // background check (which the engine awaits before it returns a result) names and drops it.
    store.corrupt('my-coder', 'onnx/model_q4.onnx_data', 1000);
    const loaded = await loadModel(await openModelReader('my-coder', SITE, 'q4', store), 'q4', 'wasm');
    await expect(loaded.integrity).rejects.toThrow(/^onnx\/model_q4\.onnx_data of the cached my-coder does not match its sha256 .*\. It was discarded/);
    await loaded.model.release();
    expect(store.stored('my-coder', 'onnx/model_q4.onnx_data')).toBeUndefined();
    expect(await listCachedModels(store)).toMatchObject([{ id: 'my-coder', partial: true }]);
  });

  it('hashes every file of a folder read from disk, which no cache checked', async () => {
    const files = await readVerifiedModel(nodeModelReader(modelDir), 'q4');
    expect(files.unhashed).toEqual([]);
  });

  it('refuses a model still downloading (no marker), and names the precisions a cached model has', async () => {
    const store = new MemoryModelStore();
    await download(store, 'my-coder');
    await expect(openModelReader('my-coder', SITE, 'fp32', store)).rejects.toThrow(/my-coder is cached at q4 only, not fp32/);
    await store.remove('my-coder', COMPLETION_MARKER);
    await expect(openModelReader('my-coder', SITE, 'q4', store)).rejects.toThrow(/still running or was interrupted/);
  });

  it("reads from the site's models/ what the cache does not hold, and a demo model whose copy is partial", async () => {
    const store = new MemoryModelStore();
    expect((await openModelReader('tiny-autoregressive', SITE, 'q4', store)).location).toBe('http://site.invalid/app/models/tiny-autoregressive/');
    await download(store, 'tiny-autoregressive');
    await store.remove('tiny-autoregressive', COMPLETION_MARKER);
    expect((await openModelReader('tiny-autoregressive', SITE, 'q4', store)).location).toBe('http://site.invalid/app/models/tiny-autoregressive/');
    expect((await openModelReader('elsewhere', SITE, 'q4', null)).location).toBe('http://site.invalid/app/models/elsewhere/');
  });
});

describe('loading a model folder from disk', () => {
  it('installs every complete precision, verified, under the manifest id', async () => {
    const store = new MemoryModelStore();
    const cached = await importModelFolder(folderFiles(modelDir), installOptions(store));
    expect(cached).toMatchObject({ id: 'tiny-autoregressive', completePrecisions: ['q4', 'q8', 'fp32'], partial: false });
    await readVerifiedModel(await openModelReader('tiny-autoregressive', SITE, 'fp32', store), 'fp32');
  });

  it('takes a folder with one precision missing its weights as the precisions it does hold', async () => {
    const files = folderFiles(modelDir);
    files.delete('onnx/model.onnx_data');
    const cached = await importModelFolder(files, installOptions(new MemoryModelStore()));
    expect(cached.completePrecisions).toEqual(['q4', 'q8']);
  });

  it('refuses a folder without a manifest, a truncated file, or one without any whole precision, naming what is wrong', async () => {
    const store = new MemoryModelStore();
    const noManifest = folderFiles(modelDir);
    noManifest.delete('manifest.json');
    await expect(importModelFolder(noManifest, installOptions(store))).rejects.toThrow(/The folder has no manifest\.json: it is not a converted model folder/);
    const truncated = folderFiles(modelDir);
    truncated.set('config.json', truncated.get('config.json')!.slice(0, 10));
    await expect(importModelFolder(truncated, installOptions(store))).rejects.toThrow(/^config\.json has 10 bytes but manifest\.json lists \d+/);
    const noTokenizer = folderFiles(modelDir);
    noTokenizer.delete('tokenizer.json');
    await expect(importModelFolder(noTokenizer, installOptions(store))).rejects.toThrow(/does not hold all the files of any precision of tiny-autoregressive; missing: tokenizer\.json/);
    expect(store.folders.size).toBe(0);
  });
});
