import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import type { ort } from '../../src/runtime/ortSession';
import { type RunTime, timeSessionRuns } from '../../src/runtime/sessionRunTiming';
import { tinyModel } from '../support/tinyModels';

async function loadDiffusion(modelDir: string) {
  const loaded = await loadModel(nodeModelReader(modelDir), 'q4', 'wasm');
  if (loaded.kind !== 'diffusion') throw new Error('expected the diffusion model');
  return loaded.model;
}

const REQUEST = { rows: [[151644, 872, 198, 151669, 151669, 151669]], positions: [3, 4, 5], rowWeights: [1], temperature: 1, topK: 4 };

let modelDir: string;
// Converting the tiny model is the slow part, so it happens once, under the hook's longer timeout.
beforeAll(async () => {
  ({ modelDir } = await tinyModel('diffusion'));
});

describe('timeSessionRuns', () => {
  it('times each run of a session created while timing was on, with the bytes its outputs brought back', async () => {
    const times: RunTime[] = [];
    timeSessionRuns((time) => times.push(time));
    const model = await loadDiffusion(modelDir).finally(() => timeSessionRuns(undefined));
    try {
      expect(times).toEqual([{ runs: 0, milliseconds: 0, outputBytes: 0 }]);
      const first = await model.predict(REQUEST);
      const second = await model.predict(REQUEST);
      expect(times[0]!.runs).toBe(2);
      expect(times[0]!.milliseconds).toBeGreaterThan(0);
      // The session's outputs are exactly what the model reads back: top-k values, indices and log-normalisers.
      expect(times[0]!.outputBytes).toBe(first.readbackBytes + second.readbackBytes);
    } finally {
      await model.release();
    }
  });

  it('leaves sessions created while timing is off with onnxruntime’s own run', async () => {
    const times: RunTime[] = [];
    timeSessionRuns((time) => times.push(time));
    timeSessionRuns(undefined);
    const model = await loadDiffusion(modelDir);
    try {
      const session = (model as unknown as { session: ort.InferenceSession }).session;
      expect(Object.hasOwn(session, 'run')).toBe(false);
      await model.predict(REQUEST);
      expect(times).toEqual([]);
    } finally {
      await model.release();
    }
  });
});
