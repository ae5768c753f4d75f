import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openCheckpoint } from '../convert/checkpoint';
import { convertCheckpoint } from '../convert/convertCheckpoint';
import { openFolder } from '../convert/nodeFiles';
import { createNodeOutputFolder } from '../convert/nodeOutputFolder';
import { writeTinyCheckpoint } from '../convert/tinyModel';
import type { BenchModelSpec } from './benchPlans';

/** A spec's two generated model folders. */
export interface BenchModelPair extends BenchModelSpec {
  diffusionDir: string;
  autoregressiveDir: string;
}

const CONVERTER_SOURCES = fileURLToPath(new URL('../convert/', import.meta.url));
const BUILDER_CLI = fileURLToPath(new URL('../../bin/builder.js', import.meta.url));

/**
 * A fingerprint of the converter's source: a model converted by an older converter (say, before
 * the graph took a context cache) would measure something other than what the app runs.
 */
function converterFingerprint(spec: BenchModelSpec): string {
  const hash = createHash('sha256').update(JSON.stringify(spec));
  for (const file of readdirSync(CONVERTER_SOURCES).sort()) hash.update(file).update(readFileSync(join(CONVERTER_SOURCES, file)));
  return hash.digest('hex').slice(0, 12);
}

async function convertHere(checkpointDir: string, outDir: string, id: string, kind: 'diffusion' | 'autoregressive'): Promise<void> {
  const source = await openFolder(checkpointDir);
  const checkpoint = await openCheckpoint(source);
  try {
    await convertCheckpoint({ source, checkpoint, output: await createNodeOutputFolder(outDir), id, kind, precisions: ['q4', 'q8'] });
  } finally {
    await checkpoint.close();
  }
}

/** The same conversion by `builder convert` in a child process, so that it runs on the other core. */
async function convertInChild(checkpointDir: string, outDir: string, id: string, kind: 'diffusion' | 'autoregressive'): Promise<void> {
  const args = [BUILDER_CLI, 'convert', '--from', checkpointDir, '--out', outDir, '--quant', 'q4,q8', '--kind', kind, '--id', id];
  try {
    await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`builder convert --kind ${kind} failed: ${(stderr || message).trim().split('\n').at(-1)}`);
  }
}

/**
 * The spec's two model folders under `cacheDir`, generated when missing or made by another
 * converter (older ones of the same spec are deleted: at 0.5B they hold 1.7 GB). One random
 * checkpoint serves both kinds, converted twice at once (one in a child process; at 0.5B each takes
 * about 17 s of one core): the diffusion tokenizer's extra `<|mask|>` does not change the
 * autoregressive graph's cost.
 */
export async function benchModels(cacheDir: string, spec: BenchModelSpec, log: (line: string) => void): Promise<BenchModelPair> {
  const folder = join(cacheDir, `${spec.id}-${converterFingerprint(spec)}`);
  const pair = { ...spec, diffusionDir: join(folder, 'diffusion'), autoregressiveDir: join(folder, 'autoregressive') };
  // The manifest is written last, so its presence means a folder is complete.
  if (existsSync(join(pair.diffusionDir, 'manifest.json')) && existsSync(join(pair.autoregressiveDir, 'manifest.json'))) return pair;
  mkdirSync(cacheDir, { recursive: true });
  for (const entry of readdirSync(cacheDir)) if (entry.startsWith(`${spec.id}-`)) rmSync(join(cacheDir, entry), { recursive: true, force: true });
  log(`generating the ${spec.label} models into ${folder} (once; kept for later runs)`);
  const scratch = mkdtempSync(join(cacheDir, '.checkpoint-'));
  try {
    const checkpointDir = join(scratch, 'checkpoint');
    await writeTinyCheckpoint(checkpointDir, { kind: 'diffusion', seed: spec.seed, scale: spec.scale });
    // Both settle before the checkpoint is removed from under them.
    const conversions = await Promise.allSettled([
      convertHere(checkpointDir, pair.diffusionDir, `${spec.id}-diffusion`, 'diffusion'),
      convertInChild(checkpointDir, pair.autoregressiveDir, `${spec.id}-autoregressive`, 'autoregressive'),
    ]);
    for (const conversion of conversions) if (conversion.status === 'rejected') throw conversion.reason;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return pair;
}
