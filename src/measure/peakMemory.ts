/**
 * The process's resident memory at its highest since the last reset, sampled when asked (after
 * each step). onnxruntime-web's WASM memory lives in the process and never shrinks, so the pages
 * a forward pass touched are still resident when its step ends: sampling between steps sees them.
 */
export interface PeakMemory {
  reset(): void;
  sample(): void;
  /** Null where the process's memory cannot be seen (a browser page). */
  peakMb(): number | null;
}

export function peakMemory(): PeakMemory & { peakMb(): number } {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  return {
    reset: () => {
      peak = 0;
      sample();
    },
    sample,
    peakMb: () => {
      sample();
      return peak / 2 ** 20;
    },
  };
}
