import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import type { DownloadProgress } from '../../src/models/downloadProgress';
import { type ModelManifest, parseManifest } from '../../src/models/modelManifest';
import { COMPLETION_MARKER, listCachedModels } from '../../src/runtime/modelCache';
import { type DownloadOptions, downloadModel } from '../../src/runtime/modelDownload';
import { StorageQuotaError } from '../../src/runtime/modelInstall';
import { MemoryModelStore } from '../support/memoryModelStore';
import { type FolderServerFaults, serveModelFolder } from '../support/modelFolderServer';
import { tinyModel } from '../support/tinyModels';

let modelDir: string;
let manifest: ModelManifest;
let q4Files: ModelManifest['files'];
const DATA = 'onnx/model_q4.onnx_data';
const servers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  modelDir = (await tinyModel('diffusion')).modelDir;
  manifest = parseManifest(readFileSync(join(modelDir, 'manifest.json'), 'utf8'));
  q4Files = manifest.files.filter((f) => !f.path.startsWith('onnx/') || f.path.startsWith('onnx/model_q4.'));
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(faults?: FolderServerFaults) {
  const server = await serveModelFolder(modelDir, faults);
  servers.push(server);
  return server;
}

function options(url: string, store: MemoryModelStore, extra: Partial<DownloadOptions> = {}) {
  const progress: DownloadProgress[] = [];
  const delays: number[] = [];
  const opts: DownloadOptions = {
    id: extra.id ?? 'tiny-diffusion',
    folderUrl: url,
    precision: 'q4',
    store,
    signal: new AbortController().signal,
    onProgress: (p) => progress.push(p),
    estimate: async () => ({ usage: store.usedBytes, quota: 1e9 }),
    sleep: async (ms) => void delays.push(ms),
    ...extra,
  };
  return { opts, progress, delays };
}

const stored = (store: MemoryModelStore, path: string) => store.stored('tiny-diffusion', path);
const q4Total = () => q4Files.reduce((sum, f) => sum + f.bytes, 0);

describe('downloading a model folder into the cache', () => {
  it('fetches manifest.json first, so the one total is known from the first report, and stores exactly the q4 files, verified', async () => {
    const server = await serve();
    const store = new MemoryModelStore();
    const { opts, progress } = options(server.url, store);
    const cached = await downloadModel(opts);
    expect(server.requests[0]!.path).toBe('manifest.json');
    expect(progress[0]!.totalBytes).toBe(q4Total());
    expect(progress.every((p) => p.totalBytes === q4Total())).toBe(true);
    expect(progress.at(-1)!.doneBytes).toBe(q4Total());
    expect(cached).toMatchObject({ id: 'tiny-diffusion', completePrecisions: ['q4'], partial: false });
    expect(server.requests.map((r) => r.path).sort()).toEqual(['manifest.json', ...q4Files.map((f) => f.path)].sort());
    for (const file of q4Files) expect(Buffer.from(stored(store, file.path)!).equals(readFileSync(join(modelDir, file.path)))).toBe(true);
    expect(stored(store, 'onnx/model.onnx_data')).toBeUndefined();
    // A second download finds everything verified and fetches nothing but the manifest.
    server.requests.length = 0;
    await downloadModel(opts);
    expect(server.requests.map((r) => r.path)).toEqual(['manifest.json']);
  });

  it('resumes a dropped connection with a Range request from the bytes it has', async () => {
    const server = await serve({ cutAfter: new Map([[DATA, 3_000_000]]) });
    const store = new MemoryModelStore();
    const { opts, delays } = options(server.url, store);
    await downloadModel(opts);
    const data = server.requests.filter((r) => r.path === DATA);
    expect(data).toHaveLength(2);
    expect(data[0]!.range).toBeNull();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(data[1]!.range!)![1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(3_000_000);
    expect(delays).toEqual([500]);
    expect(Buffer.from(stored(store, DATA)!).equals(readFileSync(join(modelDir, DATA)))).toBe(true);
  });

  it('starts the file again where the server ignores Range', async () => {
    const server = await serve({ cutAfter: new Map([[DATA, 2_000_000]]), ignoreRange: true });
    const store = new MemoryModelStore();
    const { opts, progress } = options(server.url, store);
    const cached = await downloadModel(opts);
    expect(cached.completePrecisions).toEqual(['q4']);
    expect(server.requests.filter((r) => r.path === DATA).map((r) => r.range !== null)).toEqual([false, true]);
    expect(Buffer.from(stored(store, DATA)!).equals(readFileSync(join(modelDir, DATA)))).toBe(true);
    expect(progress.at(-1)!.doneBytes).toBe(q4Total());
  });

  it('retries a 503 with exponential backoff, and gives up with a message after the last try', async () => {
    const server = await serve({ unavailable: new Map([['config.json', 2]]) });
    const { opts, delays } = options(server.url, new MemoryModelStore());
    await downloadModel(opts);
    expect(delays).toEqual([500, 1000]);

    const failing = await serve({ unavailable: new Map([['config.json', 99]]) });
    const store = new MemoryModelStore();
    const error = await downloadModel(options(failing.url, store, { attempts: 3 }).opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/Downloading config\.json failed after 3 tries: .*503/);
    expect(stored(store, COMPLETION_MARKER)).toBeUndefined();
  });

  it('refuses a corrupt file by name, discards it and writes no completion marker', async () => {
    const server = await serve({ corrupt: new Set(['tokenizer.json']) });
    const store = new MemoryModelStore();
    const error = await downloadModel(options(server.url, store).opts).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^tokenizer\.json of tiny-diffusion does not match its sha256/);
    expect(stored(store, 'tokenizer.json')).toBeUndefined();
    expect(stored(store, COMPLETION_MARKER)).toBeUndefined();
    expect(await listCachedModels(store)).toMatchObject([{ id: 'tiny-diffusion', completePrecisions: [], partial: true }]);
  });

  it('after an interrupted download (a closed tab) the entry is partial, and the next download resumes it with a Range request', async () => {
    const half = Math.floor(q4Files.find((f) => f.path === DATA)!.bytes / 2);
    const server = await serve({ stallAfter: new Map([[DATA, half]]) });
    const store = new MemoryModelStore();
    const controller = new AbortController();
    const download = downloadModel(options(server.url, store, { signal: controller.signal }).opts);
    await expect.poll(() => store.stored('tiny-diffusion', DATA)?.byteLength, { timeout: 30_000 }).toBe(half);
    controller.abort(new Error('the tab closed'));
    await expect(download).rejects.toThrow('the tab closed');
    expect(await listCachedModels(store)).toMatchObject([{ id: 'tiny-diffusion', completePrecisions: [], partial: true }]);
    expect(stored(store, COMPLETION_MARKER)).toBeUndefined();

    server.requests.length = 0;
    await downloadModel(options(server.url, store).opts);
    expect(server.requests.find((r) => r.path === DATA)?.range).toBe(`bytes=${half}-`);
    expect(await listCachedModels(store)).toMatchObject([{ completePrecisions: ['q4'], partial: false }]);
  });

  it('a tab closed after the last byte but before the marker: the next download hashes the stored files and fetches none', async () => {
    const server = await serve();
    const store = new MemoryModelStore();
    await downloadModel(options(server.url, store).opts);
    await store.remove('tiny-diffusion', COMPLETION_MARKER);
    expect(await listCachedModels(store)).toMatchObject([{ partial: true }]);
    server.requests.length = 0;
    const { opts, progress } = options(server.url, store);
    await downloadModel(opts);
    expect(server.requests.map((r) => r.path)).toEqual(['manifest.json']);
    expect(progress.filter((p) => p.phase === 'verifying').map((p) => p.file)).toEqual(expect.arrayContaining(q4Files.map((f) => f.path)));
    expect(await listCachedModels(store)).toMatchObject([{ completePrecisions: ['q4'], partial: false }]);
  });

  it('says when storage is short, with the figures, before fetching any weight', async () => {
    const server = await serve();
    const store = new MemoryModelStore();
    const error = await downloadModel(options(server.url, store, { estimate: async () => ({ usage: 995e6, quota: 1e9 }) }).opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageQuotaError);
    const needed = `${(q4Total() / 1e6).toFixed(1).replace('.', '\\.')} MB`;
    expect((error as Error).message).toMatch(new RegExp(`needs ${needed} more and this site uses 995\\.0 MB of the 1000\\.0 MB the browser allows it \\(5\\.0 MB free\\)`));
    expect(server.requests.map((r) => r.path)).toEqual(['manifest.json']);
  });

  it('turns a QuotaExceededError from storage into the same message', async () => {
    const server = await serve();
    const store = new MemoryModelStore(10_000_000);
    const error = await downloadModel(options(server.url, store).opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageQuotaError);
    expect((error as Error).message).toMatch(/^Not enough storage for tiny-diffusion/);
    expect(stored(store, COMPLETION_MARKER)).toBeUndefined();
  });

  it('refuses a manifest of another model, and a precision the folder does not have', async () => {
    const server = await serve({ manifestId: 'something-else' });
    await expect(downloadModel(options(server.url, new MemoryModelStore()).opts)).rejects.toThrow(/is the manifest of "something-else", not of "tiny-diffusion"/);
    const plain = await serve();
    await expect(downloadModel({ ...options(plain.url, new MemoryModelStore()).opts, precision: 'q4f16' })).rejects.toThrow(/has no onnx\/model_q4f16\.onnx for q4f16; it has .*onnx\/model_q4\.onnx/);
  });
});
