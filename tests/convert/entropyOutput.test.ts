import { beforeAll, describe, expect, it } from 'vitest';
import type { DiffusionModel } from '../../src/runtime/diffusionModel';
import { loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import { referenceLogitsAt } from '../support/referenceForward';
import { type TinyModelFixture, tinyModel } from '../support/tinyModels';

/** sum p log(p + 1e-10) of softmax(logits) in float64, as CoDA's sample_tokens writes the negative entropy. */
function negEntropy(logits: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  const logNormalizer = max + Math.log(sum);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    const p = Math.exp(logits[i]! - logNormalizer);
    total += p * Math.log(p + 1e-10);
  }
  return total;
}

describe("the diffusion graph's negative entropy output", () => {
  let fixture: TinyModelFixture;
  let model: DiffusionModel;

  beforeAll(async () => {
    fixture = await tinyModel('diffusion');
    const loaded = await loadModel(nodeModelReader(fixture.modelDir), 'fp32', 'wasm');
    if (loaded.kind !== 'diffusion') throw new Error('expected a diffusion model');
    model = loaded.model;
  });

  it('equals a float64 computation from the reference logits, guided and tempered, over the whole vocabulary', async () => {
    expect(model.hasEntropy).toBe(true);
    expect(model.manifest.graphVersion).toBe(2);
    const mask = model.manifest.maskTokenId!;
    const ids = model.tokenizer.encode('def area(radius):\n    return 3.14159 * radius ** 2\n');
    ids.splice(5, 3, mask, mask, mask);
    const unconditional = ids.map((id, p) => (p < 3 ? mask : id));
    const positions = [0, 5, 6, 7];
    const [weights, temperature] = [[2.5, -1.5], 0.7];
    const prediction = await model.predict({ rows: [ids, unconditional], positions, rowWeights: weights, temperature, topK: 2 });
    const lookup = (name: string) => fixture.weights.get(name)!;
    const [conditionalLogits, unconditionalLogits] = referenceLogitsAt(fixture.config, lookup, [ids, unconditional], { attention: 'bidirectional' }, [positions, positions]);
    positions.forEach((_, i) => {
      const guided = conditionalLogits![i]!.map((c, v) => (weights[0]! * c + weights[1]! * unconditionalLogits![i]![v]!) / temperature);
      expect(prediction.negEntropy![i]).toBeCloseTo(negEntropy(guided), 3);
    });
  });
});
