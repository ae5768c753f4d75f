import { InputError } from '../errors/inputErrors';
import { type ModelPrecision, modelGraphPath } from './modelPrecision';

/** A file of a model folder as manifest.json lists it. */
export interface PlannedFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * The files one precision needs: everything that is not an ONNX graph (config, tokenizer) plus
 * that precision's graph and its external data, so a q4 download skips the fp32 weights. null
 * where the folder has no graph for the precision.
 */
export function precisionFiles<F extends PlannedFile>(files: readonly F[], precision: ModelPrecision): F[] | null {
  const graph = modelGraphPath(precision);
  if (!files.some((f) => f.path === graph)) return null;
  return files.filter((f) => !f.path.startsWith('onnx/') || f.path === graph || f.path === `${graph}_data`);
}

/** precisionFiles, or an error that lists the graphs the folder does have. */
export function filesForPrecision<F extends PlannedFile>(files: readonly F[], precision: ModelPrecision): F[] {
  const needed = precisionFiles(files, precision);
  if (needed) return needed;
  const graphs = files.filter((f) => f.path.endsWith('.onnx')).map((f) => f.path);
  throw new InputError(`The manifest has no ${modelGraphPath(precision)} for ${precision}; it has ${graphs.join(', ') || 'no ONNX model'}.`);
}

/** What to do with one file, given what the cache already holds. */
export type FileStep =
  /** Already verified: the completion marker lists it with this sha256. */
  | { action: 'keep' }
  /** All bytes are there but nobody verified them (the tab closed before the marker): hash, fetch again only if wrong. */
  | { action: 'verify' }
  /** Fetch from `offset`: 0 for a new file, the stored length to resume a partial one. */
  | { action: 'fetch'; offset: number };

/**
 * Decides per file whether to keep, verify or (re)fetch it. `verified` comes from the completion
 * marker; `storedBytes` is the length of each file on disk, complete or not.
 */
export function planFile(file: PlannedFile, verified: Readonly<Record<string, string>>, storedBytes: number | undefined): FileStep {
  if (verified[file.path] === file.sha256 && storedBytes === file.bytes) return { action: 'keep' };
  if (storedBytes === file.bytes) return { action: 'verify' };
  // A longer file than the manifest says is not a prefix of this file: start again.
  if (storedBytes === undefined || storedBytes > file.bytes) return { action: 'fetch', offset: 0 };
  return { action: 'fetch', offset: storedBytes };
}

/** Whether a completion marker covers every needed file: only then is the entry usable. */
export function isComplete(files: readonly PlannedFile[], verified: Readonly<Record<string, string>>): boolean {
  return files.every((f) => verified[f.path] === f.sha256);
}

/** `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`); null when absent or malformed. */
export function parseContentRange(header: string | null): { start: number; end: number; total: number | null } | null {
  const match = header && /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim());
  if (!match) return null;
  return { start: Number(match[1]), end: Number(match[2]), total: match[3] === '*' ? null : Number(match[3]) };
}

/**
 * How a server answered a request for the bytes from `offset` on: `resume` when it sent exactly
 * that range, `restart` when it sent the whole file (it ignores Range), `refuse` otherwise.
 */
export function rangeAnswer(status: number, contentRange: string | null, offset: number): 'resume' | 'restart' | 'refuse' {
  if (status === 200) return 'restart';
  if (status === 206) return parseContentRange(contentRange)?.start === offset ? 'resume' : 'refuse';
  return 'refuse';
}

/** Exponential backoff: 0.5 s, 1 s, 2 s, ... capped at `maxMs`. */
export function retryDelayMs(attempt: number, baseMs = 500, maxMs = 8000): number {
  return Math.min(maxMs, baseMs * 2 ** attempt);
}

/** The message for a full disk, with the figures navigator.storage.estimate gave. */
export function quotaMessage(what: string, neededBytes: number, estimate: { usage?: number; quota?: number }): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const figures =
    estimate.quota !== undefined && estimate.usage !== undefined
      ? `this site uses ${mb(estimate.usage)} of the ${mb(estimate.quota)} the browser allows it (${mb(Math.max(0, estimate.quota - estimate.usage))} free)`
      : 'the browser does not say how much it allows';
  return `Not enough storage for ${what}: it needs ${mb(neededBytes)} more and ${figures}. Delete other models or free disk space, then try again.`;
}

/** Whether the storage estimate leaves room for `neededBytes`; unknown figures are given the benefit of the doubt. */
export function fitsInQuota(neededBytes: number, estimate: { usage?: number; quota?: number }): boolean {
  if (estimate.quota === undefined || estimate.usage === undefined) return true;
  return estimate.quota - estimate.usage >= neededBytes;
}
