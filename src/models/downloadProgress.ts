/** One total progress figure for a model download, known from the manifest at the start. */
export interface DownloadProgress {
  doneBytes: number;
  totalBytes: number;
  /** Bytes per second over the last few seconds; null until there is enough to tell. */
  bytesPerSecond: number | null;
  /** Seconds left at that speed; null while the speed is unknown. */
  etaSeconds: number | null;
  /** The file being fetched or verified now. */
  file: string;
  /** `converting`: a checkpoint fetched from the Hub turns into the model folder; the bytes are the converted weights'. */
  phase: 'fetching' | 'verifying' | 'converting';
  /** While converting: tensors read of the checkpoint's. */
  tensors?: { done: number; total: number };
}

/** The speed is measured over this window, so a stall shows within seconds. */
const WINDOW_MS = 5000;

/**
 * Counts bytes against a known total and reports speed and time left. Time is passed in, so the
 * arithmetic is testable without a clock.
 */
export class DownloadMeter {
  private done: number;

  get doneBytes(): number {
    return this.done;
  }
  private readonly samples: { at: number; done: number }[] = [];

  constructor(
    readonly totalBytes: number,
    alreadyDone: number,
    now: number,
  ) {
    this.done = alreadyDone;
    this.samples.push({ at: now, done: alreadyDone });
  }

  /** Bytes arrived (or, negative, bytes thrown away when a file starts again). */
  add(bytes: number, now: number): void {
    this.done = Math.max(0, Math.min(this.totalBytes, this.done + bytes));
    this.samples.push({ at: now, done: this.done });
    while (this.samples.length > 2 && now - this.samples[1]!.at > WINDOW_MS) this.samples.shift();
  }

  snapshot(file: string, phase: DownloadProgress['phase'], now: number): DownloadProgress {
    const oldest = this.samples[0]!;
    const seconds = (now - oldest.at) / 1000;
    const bytesPerSecond = seconds >= 0.25 ? Math.max(0, (this.done - oldest.done) / seconds) : null;
    const left = this.totalBytes - this.done;
    const etaSeconds = left === 0 ? 0 : bytesPerSecond ? left / bytesPerSecond : null;
    return { doneBytes: this.done, totalBytes: this.totalBytes, bytesPerSecond, etaSeconds, file, phase };
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
