import { beforeAll, describe, expect, it } from 'vitest';
import { fallbackStopIds, fillInTheMiddle } from '../../src/generate/fimFallback';
import { createRng } from '../../src/random/rng';
import type { CausalModel } from '../../src/runtime/causalModel';
import { loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import { tinyModel } from '../support/tinyModels';

let model: CausalModel;

beforeAll(async () => {
  const loaded = await loadModel(nodeModelReader((await tinyModel('autoregressive')).modelDir), 'q8', 'wasm');
  if (loaded.kind !== 'autoregressive') throw new Error('the tiny autoregressive model is not autoregressive');
  model = loaded.model;
});

/** The model with the token ids of each step recorded. */
function recordingSteps(of: CausalModel, fed: number[][]): CausalModel {
  return Object.assign(Object.create(of) as CausalModel, {
    step: (tokens: readonly number[], ...rest: Parameters<CausalModel['step']> extends [unknown, ...infer R] ? R : never) => {
      fed.push([...tokens]);
      return of.step(tokens, ...rest);
    },
  });
}

/** The same model with another manifest: what the fallback reads its template and stop tokens from. */
const withManifest = (of: CausalModel, changes: Partial<CausalModel['manifest']>): CausalModel => Object.assign(Object.create(of) as CausalModel, { manifest: { ...of.manifest, ...changes } });

const PREFIX = 'def area(r):\n    ';
const SUFFIX = '\n\n\nprint(area(2))\n';
const options = { language: 'python' as const, instruction: 'make it iterative', maxNewTokens: 6, temperature: 0.8 };

describe('fillInTheMiddle', () => {
  it('puts the instruction in the prompt, as a comment before the span, in the template from its own manifest', async () => {
    const fed: number[][] = [];
    await fillInTheMiddle(recordingSteps(model, fed), PREFIX, SUFFIX, { ...options, rng: createRng(1) });
    const { tokenizer } = model;
    expect(tokenizer.decode(fed[0]!)).toBe(`<|fim_prefix|>def area(r):\n    # make it iterative\n    <|fim_suffix|>${SUFFIX}<|fim_middle|>`);
    expect(fed[0]![0]).toBe(tokenizer.tokenId('<|fim_prefix|>'));
    const instruction = tokenizer.encode(' make it iterative');
    expect(fed[0]!.some((_, i) => instruction.every((id, j) => fed[0]![i + j] === id))).toBe(true);
    // After the prompt, one token per step: the KV cache holds the rest.
    expect(fed.slice(1).every((tokens) => tokens.length === 1)).toBe(true);
  });

  it('stops at the stop tokens of its own manifest, and says what stopped it', async () => {
    const fed: number[][] = [];
    const free = await fillInTheMiddle(recordingSteps(model, fed), PREFIX, SUFFIX, { ...options, rng: createRng(3) });
    expect(free).toMatchObject({ stoppedBy: 'budget', tokens: 6 });
    // The first token it wrote is the one fed after the prompt.
    const first = fed[1]![0]!;
    expect(fallbackStopIds(model, []).has(first)).toBe(false);
    // The same draw, with that first token made an end-of-text token in the manifest: it stops before writing anything.
    const stopping = withManifest(model, { eosTokenIds: [...model.manifest.eosTokenIds, first] });
    expect(fallbackStopIds(stopping, []).has(first)).toBe(true);
    const stopped = await fillInTheMiddle(stopping, PREFIX, SUFFIX, { ...options, rng: createRng(3) });
    expect(stopped).toMatchObject({ stoppedBy: 'stop-token', tokens: 0, text: '' });
    // The template's own special tokens end the answer too.
    expect(fallbackStopIds(model, ['<|fim_middle|>']).has(model.tokenizer.tokenId('<|fim_middle|>')!)).toBe(true);
  });

  it('refuses a template without the slots a fill needs, naming the model', async () => {
    await expect(fillInTheMiddle(withManifest(model, { promptTemplate: '{instruction}' }), PREFIX, SUFFIX, { ...options, rng: createRng(1) })).rejects.toThrow(
      /tiny-autoregressive cannot fill in code: .*\{prefix\} and \{suffix\}/,
    );
  });
});
