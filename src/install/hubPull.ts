import { checkpointKind } from '../convert/checkpointKind';
import { downloadRepoFile, type PartialFile } from '../hub/downloadRepoFile';
import { exportManifest } from '../hub/exportManifest';
import type { HubEndpoint } from '../hub/hubEndpoint';
import { listRepository } from '../hub/listRepository';
import { pinRevision } from '../hub/pinRevision';
import { convertedBytes, planPull } from '../hub/pullPlan';
import { readRepoFile, streamRange } from '../hub/readRepoFile';
import type { CachedModel } from '../models/cachedModel';
import { DownloadMeter, type DownloadProgress } from '../models/downloadProgress';
import type { ModelPrecision } from '../models/modelPrecision';
import { describeCachedModel, hashHex, type ModelFolderStore } from '../runtime/modelCache';
import { type FileFiller, filesToInstall, type InstallOptions, installModel } from '../runtime/modelInstall';
import { blobFolder } from './blobFolder';
import { convertIntoCache } from './convertIntoCache';

export interface HubPullOptions extends InstallOptions {
  /** The registry's id: the cached folder's name and the manifest's id. */
  id: string;
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
    const manifest = exportManifest(
      id,
      json('config.json')!,
      json('generation_config.json'),
      plan.files.map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256 ?? hashHex(text.get(f.path)!) })),
    );
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

  const staged = blobFolder(
    `the download of ${id}`,
    plan.files.map((f) => f.path),
    (path) => store.file(id, `${STAGING}${path}`),
  );
  // The repository's name tells dLLM's MDLM and BD3LM apart; the kind is the family table's, as for builder pull.
  const name = repo.split('/')[1]!;
  await convertIntoCache(staged, { ...options, name, kind: await checkpointKind(staged, name) });
  for (const file of plan.files) await store.remove(id, `${STAGING}${file.path}`);
  return describeCachedModel(store, id);
}

/** Shown before the user agrees to a Hub download. */
export interface HubPlanSummary {
  commit: string;
  license: string | null;
  layout: 'checkpoint' | 'onnx-export';
  downloadBytes: number;
  /** About how big the model folder will be. */
  convertedBytes: number;
}

/** What pullIntoCache would fetch and store, for the user to agree to: the listing, and config.json of a checkpoint for its size. */
export async function planFromHub(endpoint: HubEndpoint, repo: string, revision: string, precision: ModelPrecision, signal?: AbortSignal): Promise<HubPlanSummary> {
  const pin = await pinRevision(endpoint, repo, revision, signal);
  const plan = planPull(repo, await listRepository(endpoint, repo, pin.commit, signal), precision);
  const configFile = plan.files.find((f) => f.path === 'config.json')!;
  const config =
    plan.layout === 'checkpoint' ? (JSON.parse(new TextDecoder().decode(await readRepoFile({ endpoint, repo, commit: pin.commit, file: configFile }, signal))) as Record<string, unknown>) : {};
  return { commit: pin.commit, license: pin.license, layout: plan.layout, downloadBytes: plan.downloadBytes, convertedBytes: convertedBytes(plan, config, precision) };
}
