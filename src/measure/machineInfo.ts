import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { ort } from '../runtime/ortSession';

/** The machine a benchmark ran on, as its report states it. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  onnxruntimeWeb: string;
  /** Threads onnxruntime-web's WASM backend ran with. */
  wasmThreads: number;
  /** The system Chromium's version, when the benchmark ran in it. */
  chromium: string | null;
}

/** The system Chromium's version line, or null where it is not installed. */
export function chromiumVersion(path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'): string | null {
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(wasmThreads: number, chromium: string | null): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    onnxruntimeWeb: ort.env.versions.web ?? 'unknown',
    wasmThreads,
    chromium,
  };
}
