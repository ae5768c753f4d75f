import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A tiny checkpoint of the kind, converted to q4, q8 and fp32, made once per test file. */
export function tinyModel(kind: 'diffusion' | 'autoregressive', seed = 7): Promise<TinyModelFixture> {
  const key = `${kind}-${seed}`;
  let fixture = made.get(key);
  if (!fixture) {
    fixture = (async () => {
      const root = mkdtempSync(join(tmpdir(), `builder-${key}-`));
      const checkpointDir = join(root, 'checkpoint');
      const modelDir = join(root, 'model');
      await writeTinyCheckpoint(checkpointDir, { kind, seed });
      const source = await openFolder(checkpointDir);
      const checkpoint = await openCheckpoint(source);
      try {
        await convertCheckpoint({ source, checkpoint, output: await createNodeOutputFolder(modelDir), id: `tiny-${kind}`, kind, precisions: ['q4', 'q8', 'fp32'] });
        const weights = new Map<string, Float32Array>();
        for (const name of checkpoint.tensorNames()) weights.set(name, await checkpoint.readTensor(name));
        return { checkpointDir, modelDir, config: checkpoint.config, weights };
      } finally {
        await checkpoint.close();
      }
    })();
    made.set(key, fixture);
  }
  return fixture;
}
