import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openCheckpoint } from '../../src/convert/checkpoint';
import { convertCheckpoint } from '../../src/convert/convertCheckpoint';
import { openFolder } from '../../src/convert/nodeFiles';
import { createNodeOutputFolder } from '../../src/convert/nodeOutputFolder';
import type { QwenConfig } from '../../src/convert/qwenConfig';
import { writeTinyCheckpoint } from '../../src/convert/tinyModel';

export interface TinyModelFixture {
  checkpointDir: string;
  modelDir: string;
  config: QwenConfig;
  /** Every tensor of the checkpoint, for the reference forward pass. */
  weights: Map<string, Float32Array>;
}

const made = new Map<string, Promise<TinyModelFixture>>();

/**
 * A tiny checkpoint of the kind, converted to q4, q8 and fp32: made once per unit run (in the
 * run's folder from tinyModelsRoot.ts; a run without it, once per file). Tests read the folders
 * and copy them before breaking anything.
 */
export function tinyModel(kind: 'diffusion' | 'autoregressive', seed = 7): Promise<TinyModelFixture> {
  const key = `${kind}-${seed}`;
  let fixture = made.get(key);
  if (!fixture) {
    fixture = (async () => {
      const runRoot = inject('tinyModelsRoot');
      const root = join(runRoot ?? mkdtempSync(join(tmpdir(), 'builder-tiny-models-')), key);
      if (!existsSync(root)) await convertInto(root, kind, seed);
      const checkpointDir = join(root, 'checkpoint');
      const checkpoint = await openCheckpoint(await openFolder(checkpointDir));
      try {
        const weights = new Map<string, Float32Array>();
        for (const name of checkpoint.tensorNames()) weights.set(name, await checkpoint.readTensor(name));
        return { checkpointDir, modelDir: join(root, 'model'), config: checkpoint.config, weights };
      } finally {
        await checkpoint.close();
      }
    })();
    made.set(key, fixture);
  }
  return fixture;
}

/**
 * Writes the checkpoint and its conversion beside `root`, then moves them there whole, so a
 * half-made model is never found; where another file got there first (two run at a time), its
 * copy is kept and this one dropped.
 */
async function convertInto(root: string, kind: 'diffusion' | 'autoregressive', seed: number): Promise<void> {
  const partial = mkdtempSync(`${root}.partial-`);
  const checkpointDir = join(partial, 'checkpoint');
  await writeTinyCheckpoint(checkpointDir, { kind, seed });
  const source = await openFolder(checkpointDir);
  const checkpoint = await openCheckpoint(source);
  try {
    await convertCheckpoint({ source, checkpoint, output: await createNodeOutputFolder(join(partial, 'model')), id: `tiny-${kind}`, kind, precisions: ['q4', 'q8', 'fp32'] });
  } finally {
    await checkpoint.close();
  }
  try {
    renameSync(partial, root);
  } catch (error) {
    if (!existsSync(join(root, 'model'))) throw error;
    rmSync(partial, { recursive: true, force: true });
  }
}
