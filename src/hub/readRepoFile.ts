import { expectedHash, type FileHasher, type HasherFactory, nobleHasher } from './fileHash';
import { type HubEndpoint, resolveUrl } from './hubEndpoint';
import { ConnectionDroppedError, FileHashMismatchError, HubError } from './hubErrors';
import { hubGet, sleepFor } from './hubRequest';
import type { RepoFile } from './listRepository';

/** Tries in a row that bring no new byte before a dropped connection is given up on. */
export const RESUME_ATTEMPTS = 5;
const RESUME_DELAY_MS = 500;

export interface PinnedFile {
  endpoint: HubEndpoint;
  repo: string;
  commit: string;
  file: RepoFile;
}

const where = ({ repo, commit, file }: PinnedFile) => `${file.path} of ${repo}@${commit.slice(0, 7)}`;

/**
 * Asks for bytes [start, end) of a file at its commit: `GET /{repo}/resolve/{commit}/{path}` with
 * `Range: bytes=start-(end-1)`, the Hub's 302 to its CDN followed by fetch. The answer must be the
 * 206 with that Content-Range, or a 200 with the whole file when the whole file was asked for.
 */
async function requestRange(pinned: PinnedFile, start: number, end: number, signal?: AbortSignal): Promise<Response> {
  const { endpoint, repo, commit, file } = pinned;
  const response = await hubGet(endpoint, resolveUrl(endpoint, repo, commit, file.path), { repo, what: file.path, headers: { Range: `bytes=${start}-${end - 1}` }, signal });
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('Content-Range') ?? '');
  const whole = response.status === 200 && start === 0 && end === file.bytes;
  const asked = response.status === 206 && range !== null && Number(range[1]) === start && Number(range[2]) === end - 1;
  if (!whole && !asked) {
    await response.body?.cancel();
    throw new HubError(`The Hub answered a request for bytes ${start}-${end - 1} of ${where(pinned)} with ${response.status} ${response.headers.get('Content-Range') ?? ''}, not those bytes.`);
  }
  return response;
}

const isDrop = (error: unknown, signal?: AbortSignal) => !signal?.aborted && (error instanceof TypeError || error instanceof ConnectionDroppedError || (error as Error)?.name === 'SocketError');

/**
 * Streams bytes [start, end) of a file to `onChunk`, in order. A connection that drops (fetch
 * rejects, or the body stops early) is asked again from the byte it reached; after RESUME_ATTEMPTS
 * tries in a row without a new byte it is a ConnectionDroppedError.
 */
export async function streamRange(pinned: PinnedFile, start: number, end: number, onChunk: (chunk: Uint8Array) => Promise<void> | void, signal?: AbortSignal): Promise<void> {
  const sleep = pinned.endpoint.sleep ?? sleepFor;
  let offset = start;
  let failures = 0;
  while (offset < end) {
    const before = offset;
    try {
      const response = await requestRange(pinned, offset, end, signal);
      const reader = response.body!.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const chunk = value.byteLength > end - offset ? value.subarray(0, end - offset) : value;
          await onChunk(chunk);
          offset += chunk.byteLength;
          if (offset >= end) break;
        }
      } finally {
        reader.releaseLock();
      }
      if (offset < end) throw new ConnectionDroppedError(`the connection ended after byte ${offset}`);
    } catch (error) {
      if (!isDrop(error, signal)) throw error;
      failures = offset > before ? 1 : failures + 1;
      if (failures >= RESUME_ATTEMPTS) {
        throw new ConnectionDroppedError(
          `The connection to the Hub dropped ${RESUME_ATTEMPTS} times in a row at byte ${offset} of ${where(pinned)} (${(error as Error).message}); try again: what arrived is kept.`,
        );
      }
      await sleep(RESUME_DELAY_MS * failures, signal);
    }
  }
  if (offset !== end) throw new Error(`Read ${offset - start} bytes of ${where(pinned)} where ${end - start} were asked for.`);
}

/** Throws FileHashMismatchError unless the hasher's digest is the file's listed one. */
export function checkHash(pinned: PinnedFile, hasher: FileHasher): void {
  const expected = expectedHash(pinned.file);
  const got = hasher.hex();
  if (got !== expected.hex) {
    throw new FileHashMismatchError(`${where(pinned)} arrived corrupted: its ${expected.algorithm} is ${got.slice(0, 12)}…, the Hub lists ${expected.hex.slice(0, 12)}…. It was not kept; try again.`);
  }
}

/** A hasher for the file's listed hash, fed the git blob header where it needs one. */
export function startHash(pinned: PinnedFile, hashers: HasherFactory = nobleHasher): FileHasher {
  const expected = expectedHash(pinned.file);
  const hasher = hashers(expected.algorithm);
  hasher.update(expected.prefix);
  return hasher;
}

/** A whole small file (config.json, tokenizer files), checked against its listed hash. */
export async function readRepoFile(pinned: PinnedFile, signal?: AbortSignal, hashers?: HasherFactory): Promise<Uint8Array> {
  const bytes = new Uint8Array(pinned.file.bytes);
  const hasher = startHash(pinned, hashers);
  let filled = 0;
  if (pinned.file.bytes > 0) {
    await streamRange(
      pinned,
      0,
      pinned.file.bytes,
      (chunk) => {
        bytes.set(chunk, filled);
        filled += chunk.byteLength;
        hasher.update(chunk);
      },
      signal,
    );
  }
  checkHash(pinned, hasher);
  return bytes;
}
