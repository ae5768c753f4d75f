/**
 * Writes each known-answer checkpoint's folder (config and tokenizer files in its family's published
 * layout, random weights that train.py replaces) into fixtures/known-answer/, and the training
 * examples as token ids into training/data/: the exact sequences Builder feeds the model at
 * inference, built by Builder's own code (the converted manifest's prompt template, the outline's
 * target span, buildMaskedSequence, fillPrompt), so train.py needs no tokenizer.
 *
 *   npx tsx training/exportExamples.ts [--count N] [--seed N] [FOLDER...]
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeWasmLocator } from '../src/cli/wasmFiles';
import { openCheckpoint } from '../src/convert/checkpoint';
import { convertCheckpoint } from '../src/convert/convertCheckpoint';
import { openFolder } from '../src/convert/nodeFiles';
import { createNodeOutputFolder } from '../src/convert/nodeOutputFolder';
import { writeTinyCheckpoint } from '../src/convert/tinyModel';
import { buildMaskedSequence } from '../src/generate/maskedSequence';
import { createDiffusionConfig } from '../src/models/diffusionConfig';
import type { ModelManifest } from '../src/models/modelManifest';
import { fillPrompt } from '../src/prompt/fillPrompt';
import { createRng } from '../src/random/rng';
import { CodeTokenizer } from '../src/runtime/codeTokenizer';
import { analyzeSource } from '../src/syntax/analyzeSource';
import { maskSpans } from '../src/syntax/maskSpans';
import { SyntaxParser } from '../src/syntax/syntaxParser';
import { resolveTargets } from '../src/syntax/targets';
import { KNOWN_ANSWER_CHECKPOINTS, type KnownAnswerCheckpoint } from '../tests/support/knownAnswerCheckpoints';
import { heldOutExamples, type TaskExample, trainingExamples } from '../tests/support/knownAnswerTask';

const { values, positionals } = parseArgs({ options: { count: { type: 'string', default: '4000' }, seed: { type: 'string', default: '1' } }, allowPositionals: true });
const fixtures = new URL('../fixtures/known-answer/', import.meta.url).pathname;
const dataDir = new URL('./data/', import.meta.url).pathname;
const defaults = createDiffusionConfig({});
const parser = await SyntaxParser.create(nodeWasmLocator);

/** The manifest `builder convert` writes for the folder, from a throwaway fp32 conversion. */
async function convertedManifest(folder: string, checkpoint: KnownAnswerCheckpoint): Promise<ModelManifest> {
  const scratch = mkdtempSync(join(tmpdir(), 'known-answer-manifest-'));
  try {
    const source = await openFolder(folder);
    const opened = await openCheckpoint(source);
    try {
      return await convertCheckpoint({
        source,
        checkpoint: opened,
        output: await createNodeOutputFolder(join(scratch, 'out')),
        id: checkpoint.folder,
        name: checkpoint.folder,
        kind: checkpoint.kind,
        precisions: ['fp32'],
      });
    } finally {
      await opened.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The target's span in the file, as `builder patch` masks it (the whole definition). */
async function targetSpan(example: TaskExample) {
  const analyzed = await analyzeSource(parser, example.text, example.fileName);
  try {
    const targets = resolveTargets(analyzed.outline, analyzed.parsed.source, [example.target]);
    return maskSpans(analyzed.parsed.source, targets, 'definition').spans[0]!.range;
  } finally {
    analyzed.parsed.delete();
  }
}

/**
 * One diffusion example: the sequence with the target's block all masks, where the instruction
 * sits (guidance training masks it, as the unconditional row does), the block, and what the block
 * must become: the definition's tokens, then the first stop token up to the block's end.
 */
async function diffusionExample(example: TaskExample, manifest: ModelManifest, tokenizer: CodeTokenizer) {
  const span = await targetSpan(example);
  const sequence = buildMaskedSequence({
    tokenizer,
    template: manifest.promptTemplate,
    instruction: example.instruction,
    text: example.text,
    spans: [span],
    maskTokenId: manifest.maskTokenId!,
    maxPositions: manifest.maxPositions,
    lengthFactor: defaults.maskLengthFactor,
    lengthExtra: defaults.maskLengthExtra,
    strength: 1,
    rng: createRng(0),
    promptFormat: manifest.promptFormat,
    language: example.language,
  });
  const block = sequence.blocks[0]!;
  const answer = tokenizer.encode(example.text.slice(span.start, span.end));
  const target = [...answer, ...new Array<number>(block.length - answer.length).fill(manifest.eosTokenIds[0]!)];
  return { tokens: sequence.tokens, condition: [sequence.condition.start, sequence.condition.end], block: [block.start, block.length], target };
}

/** One fill-in-the-middle example: the fallback's prompt for the span, then the definition and a stop token. */
async function fillExample(example: TaskExample, manifest: ModelManifest, tokenizer: CodeTokenizer) {
  const span = await targetSpan(example);
  const prompt = fillPrompt(tokenizer, {
    template: manifest.promptTemplate,
    language: example.language,
    instruction: example.instruction,
    prefix: example.text.slice(0, span.start),
    suffix: example.text.slice(span.end),
    maxTokens: manifest.maxPositions,
  });
  const answer = [...tokenizer.encode(example.text.slice(span.start, span.end)), manifest.eosTokenIds[0]!];
  return { tokens: [...prompt.tokens, ...answer], condition: [0, 0], block: [prompt.tokens.length, answer.length], target: answer };
}

const wanted = positionals.length > 0 ? KNOWN_ANSWER_CHECKPOINTS.filter((c) => positionals.includes(c.folder)) : KNOWN_ANSWER_CHECKPOINTS;
mkdirSync(dataDir, { recursive: true });
const training = trainingExamples(Number(values.count), Number(values.seed));
const heldOut = heldOutExamples();
for (const checkpoint of wanted) {
  const folder = join(fixtures, checkpoint.folder);
  rmSync(folder, { recursive: true, force: true });
  await writeTinyCheckpoint(folder, { kind: checkpoint.kind, seed: 1, ...(checkpoint.shape ? { shape: checkpoint.shape } : {}) });
  const manifest = await convertedManifest(folder, checkpoint);
  // train.py writes the weights; until it has, the folder has none (isTrained).
  for (const name of readdirSync(folder)) if (name.endsWith('.safetensors') || name.endsWith('.safetensors.gz') || name === 'model.safetensors.index.json') rmSync(join(folder, name));
  const tokenizer = new CodeTokenizer(readFileSync(join(folder, 'tokenizer.json'), 'utf8'), readFileSync(join(folder, 'tokenizer_config.json'), 'utf8'));
  const build = checkpoint.kind === 'diffusion' ? diffusionExample : fillExample;
  const train = [];
  for (const example of training) train.push(await build(example, manifest, tokenizer));
  const held = [];
  for (const example of heldOut) held.push(await build(example, manifest, tokenizer));
  const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
  const specials = [manifest.maskTokenId, ...manifest.eosTokenIds, manifest.padTokenId].filter((id): id is number => id !== undefined);
  const data = {
    folder: checkpoint.folder,
    objective: checkpoint.kind === 'diffusion' ? 'masked-diffusion' : 'autoregressive',
    config,
    dtype: checkpoint.shape?.dtype ?? 'BF16',
    weightFiles: checkpoint.shape && checkpoint.shape.shards > 1 ? checkpoint.shape.shards : 1,
    attention: manifest.attention,
    blockSize: manifest.blockSize ?? null,
    logitsShift: manifest.logitsShift ?? 1,
    maskTokenId: manifest.maskTokenId ?? null,
    specials,
    train,
    heldOut: held,
  };
  writeFileSync(join(dataDir, `${checkpoint.folder}.json`), JSON.stringify(data));
  const lengths = train.map((e) => e.tokens.length);
  console.log(
    `${checkpoint.folder}: ${train.length} training and ${held.length} held-out examples, ${Math.min(...lengths)}-${Math.max(...lengths)} tokens; template ${JSON.stringify(manifest.promptTemplate)}`,
  );
}
