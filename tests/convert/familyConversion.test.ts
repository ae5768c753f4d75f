import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { afterAll, describe, expect, it } from 'vitest';
import { convertCommand } from '../../src/cli/convertCommand';
import { openCheckpoint } from '../../src/convert/checkpoint';
import { openFolder } from '../../src/convert/nodeFiles';
import { writeTinyCheckpoint } from '../../src/convert/tinyModel';
import { InputError } from '../../src/errors/inputErrors';
import { buildMaskedSequence } from '../../src/generate/maskedSequence';
import { familyByName } from '../../src/models/modelFamilies';
import type { ModelManifest } from '../../src/models/modelManifest';
import { createRng } from '../../src/random/rng';
import { codeTokenizerFor } from '../../src/runtime/codeTokenizer';
import { loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import { FAMILY_CHECKPOINTS } from '../support/familyCheckpoints';
import { referenceLogitsAt } from '../support/referenceForward';

const root = mkdtempSync(join(tmpdir(), 'builder-families-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Two 16-wide heads over one key/value head: small enough that seven conversions take seconds.
const SCALE = { hiddenSize: 32, numLayers: 2 };
const INSTRUCTION = 'Add two numbers.';
const FILE = 'def add(a, b):\n    return a + b\n\n\nprint(add(1, 2))\n';
const FILE_AFTER_TARGET = '\n\n\nprint(add(1, 2))\n';

/**
 * The prompt Builder builds from a converted folder for INSTRUCTION and FILE with `add` as the
 * target: the decoded tokens before the first mask.
 */
function builtPrompt(out: string, manifest: ModelManifest): { text: string; ids: number[]; encoded: (text: string) => number[] } {
  const tokenizer = codeTokenizerFor(readFileSync(join(out, 'tokenizer.json'), 'utf8'), readFileSync(join(out, 'tokenizer_config.json'), 'utf8'));
  const sequence = buildMaskedSequence({
    tokenizer,
    template: manifest.promptTemplate,
    instruction: INSTRUCTION,
    text: FILE,
    spans: [{ start: 0, end: FILE.indexOf(FILE_AFTER_TARGET) }],
    maskTokenId: manifest.maskTokenId!,
    maxPositions: 4096,
    lengthFactor: 1,
    lengthExtra: 4,
    strength: 1,
    rng: createRng(1),
  });
  const ids = sequence.tokens.slice(0, sequence.masked.indexOf(true));
  return { text: tokenizer.decode(ids), ids, encoded: (text) => tokenizer.encode(text) };
}

const quiet = <T>(run: () => Promise<T>) => {
  const write = process.stdout.write;
  process.stdout.write = () => true;
  return run().finally(() => {
    process.stdout.write = write;
  });
};

describe.each(FAMILY_CHECKPOINTS.map((c) => [c.folder, c] as const))('%s', (_, checkpoint) => {
  const family = familyByName(checkpoint.family);

  it('converts into the manifest the family table gives, and its fp32 graph matches the float64 reference', async () => {
    const from = join(root, checkpoint.folder);
    const out = join(root, `${checkpoint.folder}-onnx`);
    await writeTinyCheckpoint(from, { kind: 'diffusion', seed: 3, scale: SCALE, shape: checkpoint.shape });
    await quiet(() => convertCommand({ from, out, quant: 'fp32' }));
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ModelManifest;
    const { expected } = checkpoint;
    expect(manifest).toMatchObject({
      family: family.name,
      architecture: expected.architecture,
      attention: expected.attention,
      logitsShift: expected.logitsShift,
      maskTokenId: expected.maskTokenId,
      licence: family.licence,
    });
    expect(manifest.blockSize).toBe(expected.blockSize);
    expect(manifest.promptFormat ?? 'chat').toBe(expected.promptFormat);
    for (const id of expected.stopTokenIds) expect(manifest.eosTokenIds).toContain(id);
    expect(manifest.promptTemplate).toBe(expected.promptTemplate);
    expect(manifest.promptSource).toBe(expected.promptSource);
    if (checkpoint.authorsChat) {
      // The authors' template as their code renders it for the same request; Builder's one departure,
      // the file after the target in a block-causal model's user turn, goes into the message here too.
      const fileAfter = expected.promptTemplate.includes('{suffix}');
      const user = fileAfter ? `${INSTRUCTION}\n\nThe file continues after the code to write with:\n${FILE_AFTER_TARGET}` : INSTRUCTION;
      const { system, enableThinking } = checkpoint.authorsChat;
      const tokenizerConfig = JSON.parse(readFileSync(join(from, 'tokenizer_config.json'), 'utf8')) as { chat_template: string; eos_token: string };
      const authors = new Template(tokenizerConfig.chat_template).render({
        messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: user }],
        add_generation_prompt: true,
        ...(enableThinking === false ? { enable_thinking: false } : {}),
        eos_token: tokenizerConfig.eos_token,
      });
      const built = builtPrompt(out, manifest);
      const prompt = built.text;
      expect(prompt).toBe(authors);
      // Token for token too, where the message is the authors' alone: after the instruction comes a special
      // token. Builder's text after it in a block-causal model's turn is tokenized apart from the instruction
      // (the condition guidance masks), so "." and "\n\n" there are two tokens where the whole text has one.
      if (!fileAfter) expect(built.ids).toEqual(built.encoded(authors));
      expect(prompt).toBe(expected.promptTemplate.replace('{instruction}', INSTRUCTION).replace('{suffix}', FILE_AFTER_TARGET).replace('{code}', ''));
    }
    expect(manifest.sampler).toEqual(family.sampler);

    const source = await openCheckpoint(await openFolder(from));
    try {
      expect(source.config.tieWordEmbeddings).toBe(expected.tied);
      const weights = new Map<string, Float32Array>();
      for (const name of source.tensorNames()) weights.set(name, await source.readTensor(name));
      const loaded = await loadModel(nodeModelReader(out), 'fp32', 'wasm');
      if (loaded.kind !== 'diffusion') throw new Error('expected a diffusion model');
      const model = loaded.model;
      // 40 tokens: two blocks of a block-causal model, with positions asked in both.
      const ids = model.tokenizer
        .encode('def area(radius):\n    """The area of a circle."""\n    return 3.14159 * radius ** 2\n\n\ndef perimeter(radius):\n    return 2 * 3.14159 * radius\n')
        .slice(0, 40);
      for (const p of [5, 6, 33, 34]) ids[p] = manifest.maskTokenId!;
      const positions = [0, 5, 31, 33, 39];
      // The 64 likeliest logits of each position, and the log-normaliser over the whole vocabulary.
      const k = 64;
      const prediction = await model.predict({ rows: [ids], positions, rowWeights: [1], temperature: 1, topK: k });
      const options = { attention: manifest.attention === 'causal' ? ('causal' as const) : manifest.attention, blockSize: manifest.blockSize };
      const reference = referenceLogitsAt(source.config, (name) => weights.get(name)!, [ids], options, [positions])[0]!;
      let maxAbs = 0;
      positions.forEach((_, p) => {
        for (let i = 0; i < k; i++) maxAbs = Math.max(maxAbs, Math.abs(prediction.values[p * k + i]! - reference[p]![prediction.indices[p * k + i]!]!));
        const peak = reference[p]!.reduce((a, b) => Math.max(a, b), -Infinity);
        const logSumExp = peak + Math.log(reference[p]!.reduce((sum, v) => sum + Math.exp(v - peak), 0));
        expect(Math.abs(prediction.logNormalizer[p]! - logSumExp)).toBeLessThan(1e-4);
      });
      expect(maxAbs).toBeLessThan(1e-4);
      if (manifest.attention === 'block-causal') {
        // The block rule is in the graph: the first block's logits are not what it would see attending both ways.
        const bidirectional = referenceLogitsAt(source.config, (name) => weights.get(name)!, [ids], { attention: 'bidirectional' }, [[5]])[0]![0]!;
        expect(reference[1]!.reduce((most, v, i) => Math.max(most, Math.abs(v - bidirectional[i]!)), 0)).toBeGreaterThan(1e-4);
      }
      await model.release();
    } finally {
      await source.close();
    }
  }, 120_000);
});

describe('an instruct checkpoint without a chat template', () => {
  it('is refused in one line that says what to add, and writes nothing', async () => {
    const checkpoint = FAMILY_CHECKPOINTS.find((c) => c.family === 'coda')!;
    const from = join(root, 'no-template', checkpoint.folder);
    const out = join(root, 'no-template-onnx');
    await writeTinyCheckpoint(from, { kind: 'diffusion', seed: 5, scale: { hiddenSize: 32, numLayers: 1 }, shape: { ...checkpoint.shape, chatTemplate: null } });
    const refusal = await quiet(() => convertCommand({ from, out, quant: 'fp32' })).then(
      () => null,
      (error: Error) => error,
    );
    expect(refusal).toBeInstanceOf(InputError);
    expect(refusal!.message).not.toContain('\n');
    expect(refusal!.message).toMatch(/^CoDA is an instruct model, prompted with its own chat template, but .* has none .*; copy the model's chat_template\.jinja/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});

describe('a checkpoint the table cannot place', () => {
  it('is refused in one line naming what is missing, writes nothing, and converts with --family', async () => {
    const shape = FAMILY_CHECKPOINTS.find((c) => c.family === 'a2d-bd3lm')!.shape;
    const from = join(root, 'my-a2d-model');
    const out = join(root, 'my-a2d-model-onnx');
    await writeTinyCheckpoint(from, { kind: 'diffusion', seed: 4, scale: { hiddenSize: 32, numLayers: 1 }, shape });
    const refusal = await quiet(() => convertCommand({ from, out, quant: 'fp32' })).then(
      () => null,
      (error: Error) => error,
    );
    expect(refusal).toBeInstanceOf(InputError);
    expect(refusal!.message).not.toContain('\n');
    expect(refusal!.message).toMatch(/dLLM Tiny-A2D MDLM needs "mdlm" in the repository or folder name; dLLM Tiny-A2D BD3LM needs "bd3lm"/);
    expect(existsSync(out)).toBe(false);
    await expect(quiet(() => convertCommand({ from, out, quant: 'fp32', family: 'nope' }))).rejects.toThrow(/--family takes open-dcoder, a2d-mdlm/);
    await quiet(() => convertCommand({ from, out, quant: 'fp32', family: 'a2d-bd3lm', logitsShift: '1' }));
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toMatchObject({ family: 'a2d-bd3lm', attention: 'block-causal', blockSize: 32, logitsShift: 1 });
  }, 120_000);
});
