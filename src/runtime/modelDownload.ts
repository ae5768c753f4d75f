import { InputError } from '../errors/inputErrors';
import type { CachedModel } from '../models/cachedModel';
import { rangeAnswer, retryDelayMs } from '../models/downloadPlan';
import { MANIFEST_FILE, type ManifestFile, type ModelManifest, parseManifest } from '../models/modelManifest';
import type { ModelPrecision } from '../models/modelPrecision';
import { type FileFiller, filesToInstall, type InstallOptions, installModel } from './modelInstall';

export interface DownloadOptions extends InstallOptions {
  /** The registry's id: the manifest must say the same. */
  id: string;
  /** Absolute URL of the model folder, ending in `/`. */
  folderUrl: string;
  precision: ModelPrecision;
  /** Tries per request before giving up, with exponential backoff between them. */
  attempts?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A failure worth another try: the connection, not the content. */
class TransientError extends Error {}

const sleepFor = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/**
 * Downloads one precision of a model folder into the cache: manifest.json first, so the total is
 * known before the first weight arrives, then each file once, resumed with a Range request where
 * the connection drops (or fetched again where the server ignores Range), with backoff between tries.
 */
export async function downloadModel(options: DownloadOptions): Promise<CachedModel> {
  const { signal, attempts = 5 } = options;
  const fetchFn = options.fetch ?? fetch;
  const sleep = options.sleep ?? sleepFor;
  const urlOf = (path: string) => new URL(path, options.folderUrl).href;

  async function retried<T>(what: string, run: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run(attempt);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (!(error instanceof TransientError) && !(error instanceof TypeError)) throw error;
        if (attempt + 1 >= attempts) throw new InputError(`Downloading ${what} failed after ${attempts} tries: ${(error as Error).message}`);
        await sleep(retryDelayMs(attempt), signal);
      }
    }
  }

  async function get(path: string, offset: number): Promise<Response> {
    const response = await fetchFn(urlOf(path), { signal, cache: 'no-store', headers: offset > 0 ? { Range: `bytes=${offset}-` } : {} });
    if (response.status === 404) throw new InputError(`${urlOf(path)} answered 404 Not Found: the model folder there has no ${path}.`);
    if (response.status >= 500 || response.status === 408 || response.status === 429) throw new TransientError(`${urlOf(path)} answered ${response.status}`);
    if (!response.ok) throw new InputError(`${urlOf(path)} answered ${response.status} ${response.statusText}.`);
    return response;
  }

  const manifestBytes = await retried(MANIFEST_FILE, async () => new Uint8Array(await (await get(MANIFEST_FILE, 0)).arrayBuffer()));
  let manifest: ModelManifest;
  try {
    manifest = parseManifest(new TextDecoder().decode(manifestBytes));
  } catch (error) {
    throw new InputError(`${urlOf(MANIFEST_FILE)}: ${(error as Error).message}`);
  }
  if (manifest.id !== options.id) throw new InputError(`${urlOf(MANIFEST_FILE)} is the manifest of "${manifest.id}", not of "${options.id}".`);

  const filler: FileFiller = {
    fill: (file: ManifestFile, start: number, open, count) => {
      let offset = start;
      return retried(file.path, async () => {
        const response = await get(file.path, offset);
        const answer = offset > 0 ? rangeAnswer(response.status, response.headers.get('Content-Range'), offset) : 'restart';
        if (answer === 'refuse') {
          // Not the range asked for: the next try fetches the whole file.
          await response.body?.cancel();
          count(-offset);
          offset = 0;
          throw new TransientError(`${urlOf(file.path)} answered a request for a byte range with ${response.status} ${response.headers.get('Content-Range') ?? ''}`);
        }
        if (answer === 'restart' && offset > 0) {
          // The server ignores Range: the stored part is thrown away and the file comes whole.
          count(-offset);
          offset = 0;
        }
        const writer = await open(offset);
        try {
          const reader = response.body!.getReader();
          for (;;) {
            let chunk: ReadableStreamReadResult<Uint8Array>;
            try {
              chunk = await reader.read();
            } catch (error) {
              throw new TransientError(`the connection dropped after ${offset} of ${file.bytes} bytes (${(error as Error).message})`);
            }
            if (chunk.done) break;
            if (offset + chunk.value.byteLength > file.bytes) {
              await reader.cancel();
              throw new InputError(`${urlOf(file.path)} is longer than the ${file.bytes} bytes manifest.json lists: the file is not this model's.`);
            }
            await writer.write(chunk.value);
            offset += chunk.value.byteLength;
            count(chunk.value.byteLength);
          }
        } finally {
          await writer.close();
        }
        if (offset < file.bytes) throw new TransientError(`the connection ended after ${offset} of ${file.bytes} bytes`);
      });
    },
  };
  return installModel(manifestBytes, manifest, filesToInstall(manifest, options.precision), filler, options);
}
