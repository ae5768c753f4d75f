import { DownloadMeter, type DownloadProgress } from '../core/downloadProgress';
import type { CachedModel } from '../core/cachedModel';
import { InputError } from '../core/inputErrors';
import { MANIFEST_FILE, parseManifest } from '../core/modelManifest';
import type { ModelPrecision } from '../core/modelPrecision';
import { openCheckpoint } from '../convert/checkpoint';
import { convertCheckpoint } from '../convert/convertCheckpoint';
import type { FileFolder } from '../core/byteSource';
import type { OutputFolder } from '../convert/outputFolder';
import { downloadRepoFile, type PartialFile } from '../hub/downloadRepoFile';
import { exportManifest } from '../hub/exportManifest';
import { nobleHasher } from '../hub/fileHash';
import type { HubEndpoint } from '../hub/hubEndpoint';
import { listRepository } from '../hub/listRepository';
import { pinRevision } from '../hub/pinRevision';
import { planPull, type PullPlan } from '../hub/pullPlan';
import { readRepoFile, streamRange } from '../hub/readRepoFile';
import { describeCachedModel, hashHex, writeMarker, type ModelFolderStore } from '../model/modelCache';
import { filesToInstall, installModel, type FileFiller, type InstallOptions } from '../model/modelInstall';

export interface HubPullOptions extends InstallOptions {
  /** The registry's id: the cached folder's name and the manifest's id. */
  id: string;
  kind: 'diffusion' | 'autoregressive';
  repo: string;
  revision: string;
  precision: ModelPrecision;
  endpoint: HubEndpoint;
}

/** The checkpoint's files, downloaded inside the model's own cache folder before conversion (kept there until it ends, for resuming). */
const STAGING = '.hub/';
const REPORT_EVERY_MS = 100;

/** A file of the staging area as the Hub client's PartialFile. */
function stagedFile(store: ModelFolderStore, id: string, path: string): PartialFile {
  const stored = `${STAGING}${path}`;
  return {
    storedBytes: async () => (await store.sizes(id)).get(stored) ?? 0,
    readStored: async function* () {
      const blob = await store.file(id, stored);
      if (!blob) return;
      const reader = blob.stream().getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    },
    openAt: (offset) => store.writer(id, stored, offset),
    discard: () => store.remove(id, stored),
  };
}

/** The staged checkpoint as the converter's FileFolder: weights read by slices of the stored file, one tensor at a time. */
function stagedFolder(store: ModelFolderStore, id: string, plan: PullPlan): FileFolder {
  const listed = new Set(plan.files.map((f) => f.path));
  const blob = async (path: string) => {
    const file = listed.has(path) ? await store.file(id, `${STAGING}${path}`) : null;
    if (!file) throw new InputError(`The download of ${id} has no ${path}.`);
    return file;
  };
  return {
    location: `the download of ${id}`,
    exists: async (path) => listed.has(path),
    readText: async (path) => (await blob(path)).text(),
    open: async (path) => {
      const file = await blob(path);
      return { size: file.size, read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()), close: async () => {} };
    },
  };
}

/**
 * The converted folder, written straight into the model's cache folder. Nothing is loadable until
 * commit writes the completion marker (from the manifest convertCheckpoint wrote last); abort
 * removes what was written and keeps the staged download for the next try.
 */
function cacheOutputFolder(store: ModelFolderStore, id: string): OutputFolder {
  const written = new Set<string>();
  return {
    async create(path) {
      written.add(path);
      return store.writer(id, path, 0);
    },
    async commit() {
      const bytes = new Uint8Array(await (await store.file(id, MANIFEST_FILE))!.arrayBuffer());
      const manifest = parseManifest(new TextDecoder().decode(bytes));
      await writeMarker(store, id, { manifestSha256: hashHex(bytes), verified: Object.fromEntries(manifest.files.map((f) => [f.path, f.sha256])) });
    },
    async abort() {
      for (const path of written) await store.remove(id, path);
    },
    sha256: () => nobleHasher('sha256'),
  };
}

/**
 * Gets a registry model from the Hub into the browser's model cache: a transformers.js-layout
 * export stored as it is through installModel (resumed per byte after a closed tab, every file
 * checked), or a checkpoint downloaded file by file into the model's folder (hash-checked against
 * the listing, resumed after a closed tab from the bytes stored) and then converted tensor by
 * tensor into the same folder, to the precision the backend will run.
 */
export async function pullIntoCache(options: HubPullOptions): Promise<CachedModel> {
  const { endpoint, repo, id, store, signal } = options;
  const pin = await pinRevision(endpoint, repo, options.revision, signal);
  const plan = planPull(repo, await listRepository(endpoint, repo, pin.commit, signal), options.precision);
  const pinned = (path: string) => ({ endpoint, repo, commit: pin.commit, file: plan.files.find((f) => f.path === path)! });

  if (plan.layout === 'onnx-export') {
    const text = new Map<string, Uint8Array>();
    for (const file of plan.files.filter((f) => f.sha256 === null)) text.set(file.path, await readRepoFile(pinned(file.path), signal));
    const json = (path: string) => (text.has(path) ? (JSON.parse(new TextDecoder().decode(text.get(path))) as Record<string, unknown>) : null);
    const manifest = exportManifest(id, json('config.json')!, json('generation_config.json'), plan.files.map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256 ?? hashHex(text.get(f.path)!) })));
    const filler: FileFiller = {
      async fill(file, offset, open, count) {
        const writer = await open(text.has(file.path) ? 0 : offset);
        try {
          if (text.has(file.path)) {
            await writer.write(text.get(file.path)!);
            count(file.bytes - offset);
          } else {
            await streamRange(pinned(file.path), offset, file.bytes, async (chunk) => (await writer.write(chunk), count(chunk.byteLength)), signal);
          }
        } finally {
          await writer.close();
        }
      },
    };
    return installModel(new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`), manifest, filesToInstall(manifest, options.precision), filler, options);
  }

  const now = options.now ?? (() => performance.now());
  const meter = new DownloadMeter(plan.downloadBytes, 0, now());
  let reportedAt = -Infinity;
  const report = (file: string, phase: DownloadProgress['phase'], extra: Partial<DownloadProgress> = {}, force = false) => {
    if (!force && now() - reportedAt < REPORT_EVERY_MS) return;
    reportedAt = now();
    options.onProgress({ ...meter.snapshot(file, phase, reportedAt), ...extra });
  };
  // A model folder of an earlier version (or a half conversion) goes; the staged download stays.
  for (const path of (await store.sizes(id)).keys()) if (!path.startsWith(STAGING)) await store.remove(id, path);
  for (const file of plan.files) {
    signal.throwIfAborted();
    await downloadRepoFile(pinned(file.path), stagedFile(store, id, file.path), {
      signal,
      onBytes: (bytes) => (meter.add(bytes, now()), report(file.path, 'fetching')),
    });
  }
  report(plan.weights[0]!.path, 'fetching', {}, true);

  const source = stagedFolder(store, id, plan);
  const checkpoint = await openCheckpoint(source);
  const total = checkpoint.tensorNames().length;
  let read = 0;
  let converting: DownloadMeter | null = null;
  try {
    await convertCheckpoint({
      source,
      checkpoint: { config: checkpoint.config, rawConfig: checkpoint.rawConfig, readTensor: (name) => (signal.throwIfAborted(), (read = Math.min(total, read + 1)), checkpoint.readTensor(name)) },
      output: cacheOutputFolder(store, id),
      id,
      kind: options.kind,
      precisions: [options.precision],
      onProgress: (_precision, written, bytes) => {
        converting ??= new DownloadMeter(bytes, 0, now());
        converting.add(written - converting.doneBytes, now());
        if (written < bytes && now() - reportedAt < REPORT_EVERY_MS) return;
        reportedAt = now();
        options.onProgress({ ...converting.snapshot('the converted weights', 'converting', reportedAt), tensors: { done: read, total } });
      },
    });
  } finally {
    await checkpoint.close();
  }
  for (const file of plan.files) await store.remove(id, `${STAGING}${file.path}`);
  return describeCachedModel(store, id);
}
