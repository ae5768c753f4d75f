import { DownloadMeter, formatBytes, formatDuration } from '../models/downloadProgress';

/** Where the bar is drawn: process.stderr, or a test's recorder. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressFigures {
  /** What is happening: "downloading", "converting q4". */
  phase: string;
  doneBytes: number;
  totalBytes: number;
  tensors?: { done: number; total: number };
  /** Counts of this (`tasks`) instead of bytes. */
  unit?: string;
}

const WIDTH = 24;
/** A terminal is redrawn at most this often; a log gets a line per tenth of a phase. */
const REDRAW_MS = 100;

/**
 * The progress of `builder pull` and `builder convert`: bytes, tensors, speed and time left. On a
 * terminal one line redrawn in place; elsewhere (a log, CI) plain lines, one per tenth of each phase.
 */
export class ProgressBar {
  private phase = '';
  private meter: DownloadMeter | null = null;
  private drawnAt = -Infinity;
  private tenth = -1;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(figures: ProgressFigures): void {
    const now = this.now();
    if (figures.phase !== this.phase || !this.meter) {
      this.finishLine();
      this.phase = figures.phase;
      this.meter = new DownloadMeter(figures.totalBytes, figures.doneBytes, now);
      this.tenth = -1;
    } else {
      this.meter.add(figures.doneBytes - this.meter.doneBytes, now);
    }
    const fraction = figures.totalBytes > 0 ? figures.doneBytes / figures.totalBytes : 1;
    const complete = figures.doneBytes >= figures.totalBytes;
    if (this.stream.isTTY) {
      if (!complete && now - this.drawnAt < REDRAW_MS) return;
      this.drawnAt = now;
      this.stream.write(`\r\x1b[K${this.line(figures, fraction, now)}`);
      this.drawn = true;
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth === this.tenth) return;
    this.tenth = tenth;
    this.stream.write(`${this.line(figures, fraction, now)}\n`);
  }

  /** Ends the terminal's line, so what follows starts on its own. */
  finishLine(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  private line(figures: ProgressFigures, fraction: number, now: number): string {
    const { bytesPerSecond, etaSeconds } = this.meter!.snapshot('', 'fetching', now);
    const filled = Math.round(fraction * WIDTH);
    const { unit } = figures;
    const parts = [
      `${figures.phase} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${Math.floor(fraction * 100)}%`,
      unit ? `${figures.doneBytes}/${figures.totalBytes} ${unit}` : `${formatBytes(figures.doneBytes)} / ${formatBytes(figures.totalBytes)}`,
      ...(figures.tensors ? [`${figures.tensors.done}/${figures.tensors.total} tensors`] : []),
      ...(bytesPerSecond !== null ? [unit ? `${bytesPerSecond.toPrecision(2)} ${unit}/s` : `${formatBytes(bytesPerSecond)}/s`] : []),
      ...(etaSeconds !== null && fraction < 1 ? [`${formatDuration(etaSeconds)} left`] : []),
    ];
    return parts.join(' · ');
  }
}

/**
 * A checkpoint whose tensor reads are counted, for the bar's "tensors" figure. The converter reads
 * every tensor once per precision, so the count starts again after the last one.
 */
export function countTensorReads(checkpoint: { tensorNames(): string[]; readTensor(name: string): Promise<Float32Array> }) {
  const total = checkpoint.tensorNames().length;
  let read = 0;
  return {
    readTensor: (name: string) => {
      read = read >= total ? 1 : read + 1;
      return checkpoint.readTensor(name);
    },
    tensors: () => ({ done: read, total }),
  };
}
