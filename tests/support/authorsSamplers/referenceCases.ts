import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sampleCommand } from '../../../src/cli/sampleCommand';
import { openCheckpoint } from '../../../src/convert/checkpoint';
import { convertCheckpoint } from '../../../src/convert/convertCheckpoint';
import { openFolder } from '../../../src/convert/nodeFiles';
import { createNodeOutputFolder } from '../../../src/convert/nodeOutputFolder';
import { writeTinyCheckpoint } from '../../../src/convert/tinyModel';
import { InputError } from '../../../src/errors/inputErrors';
import { createRng } from '../../../src/random/rng';
import { FAMILY_CHECKPOINTS, type FamilyCheckpoint } from '../familyCheckpoints';
import { dllmBd3lmSample } from './dllmBd3lm';
import { dllmMdlmInfill, dllmMdlmSample } from './dllmMdlm';
import { entropySample } from './entropySampler';
import { fastDllmV2Sample } from './fastDllmV2';
import { type LogitsFunction, referenceLogits } from './logitsFunction';
import { openDllmP2Sample } from './openDllmP2';
import type { RevealPass, SamplerRun } from './samplerRun';
import { sdarGenerate } from './sdarGenerate';

/**
 * The reference cases of issue 24: each family's tiny checkpoint (its published layout, weights spread 10 times
 * wider so that choices are far from a tie), an input, the authors' settings at temperature 0, the authors' sampler
 * ported (this folder) on the float64 reference forward pass, and Builder's `builder sample` on the fp32 export.
 */

/** Builder's sampler names (`builder sample` settings.sampler). */
export type SamplerName = 'mdlm' | 'bd3lm' | 'dream' | 'p2' | 'fast-dllm-v2' | 'sdar';

export interface ReferenceCase {
  name: string;
  sampler: SamplerName;
  /** Tokens before the masks, masks, and (infill) tokens after them. */
  prompt: number;
  masks: number;
  suffix?: number;
  steps: number;
  blockLength?: number;
  /** The top-p the authors' evaluation passes; their sample_tokens applies it at temperature 0 too. */
  topP?: number;
  /** SDAR's denoising_steps a block, which Builder's `steps` (over all the masks) must give. */
  denoisingSteps?: number;
  /** Fast-dLLM v2's and SDAR's confidence threshold (Builder's settings.parallelThreshold); absent: the family's. */
  threshold?: number;
  /** Draws the prompt's and suffix's token ids. */
  seed: number;
}

export interface ReferenceFamily {
  title: string;
  folder: string;
  cases: ReferenceCase[];
}

// Qwen's tokenizer: <|endoftext|> (pad_token in tokenizer_config.json) and <|im_end|> (the A2D models' eos_token).
const ENDOFTEXT = 151643;
const IM_END = 151645;
/** Prompt and suffix ids are drawn below the first special token, so none is a pad, eos or mask token. */
const ORDINARY_TOKENS = ENDOFTEXT;

const mdlmCases = (seeds: number[]): ReferenceCase[] => [
  { name: 'steps equal to the masks', sampler: 'mdlm', prompt: 10, masks: 8, steps: 8, blockLength: 32, seed: seeds[0]! },
  { name: 'fewer steps than masks (8 in 3)', sampler: 'mdlm', prompt: 10, masks: 8, steps: 3, blockLength: 32, seed: seeds[1]! },
  { name: 'blocks of 4 (8 masks, two blocks)', sampler: 'mdlm', prompt: 10, masks: 8, steps: 8, blockLength: 4, seed: seeds[2]! },
  // Blocks of 8 from position 0: the masks at 4..9 straddle two of them.
  { name: 'infill: prefix + masks + suffix', sampler: 'mdlm', prompt: 4, masks: 6, suffix: 4, steps: 6, blockLength: 8, seed: seeds[3]! },
];

const entropyCases = (seeds: number[], topP: number): ReferenceCase[] => [
  { name: 'steps equal to the masks', sampler: 'dream', prompt: 10, masks: 8, steps: 8, topP, seed: seeds[0]! },
  { name: 'fewer steps than masks (8 in 3)', sampler: 'dream', prompt: 10, masks: 8, steps: 3, topP, seed: seeds[1]! },
  { name: 'infill: prefix + masks + suffix', sampler: 'dream', prompt: 4, masks: 6, suffix: 4, steps: 6, topP, seed: seeds[2]! },
  // The generation config's default, top_p None: the same as 1, no filter (Builder's input says 1 to override its default).
  { name: 'steps equal to the masks, top-p off', sampler: 'dream', prompt: 10, masks: 8, steps: 8, topP: 1, seed: seeds[0]! },
];

// The top-p of the authors' evaluations: SalesforceAIResearch/CoDA evaluation/lm_eval/eval_mbpp_humaneval.sh
// (top_p=0.9); ZHZisZZ/dllm examples/dream/eval.sh (top_p=0.9); pengzhangzhi/Open-dLLM eval/eval_infill/eval_infill.py
// and eval/eval_completion/run_eval.sh (top_p 0.95).
const CODA_TOP_P = 0.9;
const DREAM_TOP_P = 0.9;
const OPEN_DCODER_TOP_P = 0.95;

// JetAstra/SDAR generate.py's command line: --block_length 4 --denoising_steps 4 --confidence_threshold 0.85, and
// training/model/SDAR-4B-Chat/generation_config.json's eos ids as stopping_criteria_idx.
const SDAR_BLOCK_LENGTH = 4;
const SDAR_CONFIDENCE_THRESHOLD = 0.85;

// Builder's steps are over all the masks: 4 a block of 4 at one step per token, 2 a block at half that.
const SDAR_CASES: ReferenceCase[] = [
  { name: 'the prompt ends inside a block (2 of its 4 positions), 4 steps a block', sampler: 'sdar', prompt: 10, masks: 6, steps: 6, denoisingSteps: 4, seed: 900 },
  { name: 'the prompt ends on a block boundary', sampler: 'sdar', prompt: 12, masks: 8, steps: 8, denoisingSteps: 4, seed: 901 },
  { name: 'the last block runs past the positions to fill', sampler: 'sdar', prompt: 9, masks: 9, steps: 9, denoisingSteps: 4, seed: 902 },
  { name: 'two steps a block: a top-k of 2 over a block with one mask (the guarded pick)', sampler: 'sdar', prompt: 11, masks: 9, steps: 4, denoisingSteps: 2, seed: 903 },
  // The tiny model's confidences are near 1/vocabulary, far below 0.85: a threshold among them reveals several a step.
  { name: 'a threshold the confidences pass (several reveals a step)', sampler: 'sdar', prompt: 10, masks: 10, steps: 10, denoisingSteps: 4, threshold: 0.0005, seed: 904 },
];

// Efficient-Large-Model/Fast_dLLM_v2_1.5B: bd_size 32 (config.json), small_block_size 8 and threshold 0.9 (the model
// card's generate call), stop_token 151645 (modeling.py generate); threshold 1 is NVlabs/Fast-dLLM v2/eval_script.sh's.
// blockLength is Builder's name for their sub-block; steps are not used by their sampler.
const FAST_DLLM_V2 = { blockSize: 32, smallBlockSize: 8, threshold: 0.9, stopToken: IM_END };
const FAST_DLLM_V2_CASES: ReferenceCase[] = [
  { name: 'a 28-token prompt inside the first block, 36 masks over two blocks', sampler: 'fast-dllm-v2', prompt: 28, masks: 36, steps: 36, blockLength: 8, seed: 1007 },
  { name: 'a 52-token prompt (its first block cached at prefill), the last block past the masks', sampler: 'fast-dllm-v2', prompt: 52, masks: 8, steps: 8, blockLength: 8, seed: 1005 },
  {
    name: 'a 64-token prompt on a block boundary (the prefill gives the first token), threshold 1',
    sampler: 'fast-dllm-v2',
    prompt: 64,
    masks: 24,
    steps: 24,
    blockLength: 8,
    threshold: 1,
    seed: 1002,
  },
  {
    // This random checkpoint's top probabilities are 4e-4 to 1.3e-3 (a 151,936-token vocabulary): at 6e-4 a step
    // reveals up to 6 tokens of its sub-block, the rule the published 0.9 applies to a trained model's.
    name: 'a threshold within the tiny model’s probabilities (6e-4): several tokens a step',
    sampler: 'fast-dllm-v2',
    prompt: 20,
    masks: 12,
    steps: 12,
    blockLength: 8,
    threshold: 6e-4,
    seed: 1206,
  },
];

// Seeds are those whose reference runs keep every choice clear of a tie (TOKEN_MARGIN, SELECTION_MARGIN), found by trying.
export const REFERENCE_FAMILIES: ReferenceFamily[] = [
  { title: 'dLLM MDLM, Qwen2 body', folder: 'Qwen2.5-Coder-0.5B-Instruct-diffusion-mdlm-v0.1', cases: mdlmCases([101, 101, 102, 103]) },
  { title: 'dLLM MDLM, Qwen3 body', folder: 'Qwen3-0.6B-diffusion-mdlm-v0.1', cases: mdlmCases([200, 201, 1202, 203]) },
  {
    title: 'dLLM BD3LM, Qwen2 body',
    folder: 'Qwen2.5-Coder-0.5B-Instruct-diffusion-bd3lm-v0.1',
    cases: [
      // The published block size, 32 (the export's graph attends in blocks of 32): the 20-token prompt is padded to 32;
      // 12 masks fill part of one block, 40 fill a block of 32 and one of 8.
      { name: 'a 20-token prompt, 12 steps over 12 masks (one block, short of 32)', sampler: 'bd3lm', prompt: 20, masks: 12, steps: 12, blockLength: 32, seed: 300 },
      { name: 'a 20-token prompt, fewer steps than masks (40 in 10)', sampler: 'bd3lm', prompt: 20, masks: 40, steps: 10, blockLength: 32, seed: 301 },
    ],
  },
  {
    title: 'dLLM BD3LM, Qwen3 body',
    folder: 'Qwen3-0.6B-diffusion-bd3lm-v0.1',
    cases: [{ name: 'a 20-token prompt, fewer steps than masks (40 in 10)', sampler: 'bd3lm', prompt: 20, masks: 40, steps: 10, blockLength: 32, seed: 400 }],
  },
  { title: 'CoDA', folder: 'CoDA-v0-Instruct', cases: entropyCases([3500, 501, 502], CODA_TOP_P) },
  { title: 'Dream (DiffuCoder)', folder: 'DiffuCoder-7B-Instruct', cases: entropyCases([8604, 8602, 602], DREAM_TOP_P) },
  {
    title: 'Open-dCoder',
    folder: 'open-dcoder-0.5B',
    cases: [
      ...entropyCases([700, 701, 3702], OPEN_DCODER_TOP_P),
      { name: 'p2, infill at the infill evaluation’s 64 steps', sampler: 'p2', prompt: 4, masks: 4, suffix: 4, steps: 64, topP: OPEN_DCODER_TOP_P, seed: 2710 },
      { name: 'p2, fewer steps than masks (8 in 3)', sampler: 'p2', prompt: 10, masks: 8, steps: 3, topP: OPEN_DCODER_TOP_P, seed: 711 },
    ],
  },
  { title: 'Fast-dLLM v2', folder: 'Fast_dLLM_v2_1.5B', cases: FAST_DLLM_V2_CASES },
  { title: 'SDAR', folder: 'SDAR-1.7B-Chat', cases: SDAR_CASES },
];

/**
 * The least lead a reference choice must have for a comparison with Builder's float32 run to mean anything. On these
 * checkpoints the fp32 export's logits and log-normalisers are within 2e-5 of the float64 reference (measured at
 * weightScale 10); an entropy summed over 151,936 probabilities in float32 may be off by more, hence the wider
 * selection margin. A case whose reference run is closer to a tie than this fails as such, not as a difference.
 */
export const TOKEN_MARGIN = 2e-4;
export const SELECTION_MARGIN = 1e-3;

/** A family's tiny checkpoint, written and converted to fp32 under `root`, with its float64 reference. */
export interface PreparedFamily {
  checkpoint: FamilyCheckpoint;
  modelDir: string;
  maskId: number;
  logits: LogitsFunction;
}

export async function prepareFamily(root: string, folder: string): Promise<PreparedFamily> {
  const checkpoint = FAMILY_CHECKPOINTS.find((c) => c.folder === folder);
  if (checkpoint === undefined) throw new Error(`no family checkpoint ${folder}`);
  const from = join(root, 'checkpoints', folder);
  const modelDir = join(root, 'models', folder);
  await writeTinyCheckpoint(from, { kind: 'diffusion', seed: 24, scale: { hiddenSize: 32, numLayers: 2, weightScale: 10 }, shape: checkpoint.shape });
  const source = await openFolder(from);
  const opened = await openCheckpoint(source);
  try {
    await convertCheckpoint({ source, checkpoint: opened, output: await createNodeOutputFolder(modelDir), id: folder, name: folder, kind: 'diffusion', precisions: ['fp32'] });
    const weights = new Map<string, Float32Array>();
    for (const name of opened.tensorNames()) weights.set(name, await opened.readTensor(name));
    return { checkpoint, modelDir, maskId: checkpoint.expected.maskTokenId, logits: referenceLogits(opened.config, (name) => weights.get(name)!) };
  } finally {
    await opened.close();
  }
}

/** `builder sample`'s input (the contract in docs/cli.md). */
export interface SampleInput {
  tokens: number[];
  fill: number[];
  settings: Record<string, unknown>;
}

/** `builder sample`'s output, the parts compared. */
export interface SampleOutput {
  tokens: number[];
  trace: { promptTokens: number[]; passes: RevealPass[] };
  sampler: string;
  settings: Record<string, unknown>;
}

/** The case's input at the authors' settings (steps, block length, top-p) and temperature 0; no cache interval nor parallel threshold: the authors' defaults. */
export function caseInput(c: ReferenceCase, maskId: number): SampleInput {
  const rng = createRng(c.seed);
  const ordinary = (count: number) => Array.from({ length: count }, () => rng.nextUint32() % ORDINARY_TOKENS);
  const tokens = [...ordinary(c.prompt), ...new Array<number>(c.masks).fill(maskId), ...ordinary(c.suffix ?? 0)];
  const fill = Array.from({ length: c.masks }, (_, i) => c.prompt + i);
  const settings: Record<string, unknown> = { sampler: c.sampler, steps: c.steps, temperature: 0 };
  if (c.blockLength !== undefined) settings.blockLength = c.blockLength;
  if (c.topP !== undefined) settings.topP = c.topP;
  if (c.threshold !== undefined) settings.parallelThreshold = c.threshold;
  return { tokens, fill, settings };
}

/** The authors' sampler, ported, on the case's input. */
export function referenceRun(c: ReferenceCase, family: PreparedFamily, input: SampleInput): SamplerRun {
  const { logits, maskId } = family;
  const blockSize = c.blockLength ?? input.tokens.length;
  switch (c.sampler) {
    case 'mdlm':
      // dllm's sample() generates after a prompt; its infill() fills masks with text after them.
      return c.suffix === undefined
        ? dllmMdlmSample(logits, input.tokens.slice(0, c.prompt), c.masks, { maskId, steps: c.steps, blockSize })
        : dllmMdlmInfill(logits, input.tokens, { maskId, steps: c.steps, blockSize });
    case 'bd3lm':
      return dllmBd3lmSample(logits, input.tokens.slice(0, c.prompt), c.masks, { maskId, padId: ENDOFTEXT, eosId: IM_END, steps: c.steps, blockSize });
    case 'dream':
      return entropySample(logits, input.tokens, { maskId, steps: c.steps, topP: c.topP, log: family.checkpoint.family === 'open-dcoder' ? 'clamp' : 'plus-epsilon' });
    case 'p2':
      return openDllmP2Sample(logits, input.tokens, { maskId, steps: c.steps, topP: c.topP });
    case 'fast-dllm-v2':
      return fastDllmV2Sample(logits, input.tokens.slice(0, c.prompt), c.masks, { ...FAST_DLLM_V2, maskId, smallBlockSize: c.blockLength!, threshold: c.threshold ?? FAST_DLLM_V2.threshold });
    case 'sdar':
      return sdarGenerate(logits, input.tokens.slice(0, c.prompt), c.masks, {
        maskId,
        blockLength: SDAR_BLOCK_LENGTH,
        denoisingSteps: c.denoisingSteps!,
        threshold: c.threshold ?? SDAR_CONFIDENCE_THRESHOLD,
        stopIds: [IM_END, ENDOFTEXT],
      });
  }
}

/** `builder sample` refused the input or its settings: its one-line message. */
export class BuilderRefusal extends Error {}

/**
 * `builder sample --model DIR --input FILE --json OUT`: the command's own function, in this process (a CLI process
 * per run would load onnxruntime again every time), with the input and output files it reads and writes.
 */
export async function builderRun(modelDir: string, input: SampleInput, scratch: string, name: string): Promise<SampleOutput> {
  mkdirSync(scratch, { recursive: true });
  const inputFile = join(scratch, `${name}.input.json`);
  const outputFile = join(scratch, `${name}.output.json`);
  writeFileSync(inputFile, JSON.stringify(input));
  try {
    await sampleCommand({ model: modelDir, input: inputFile, json: outputFile });
  } catch (error) {
    if (error instanceof InputError) throw new BuilderRefusal(error.message);
    throw error;
  }
  return JSON.parse(readFileSync(outputFile, 'utf8')) as SampleOutput;
}

/**
 * Where Builder's run first departs from the reference: the final tokens, then the reveal order pass by pass; null
 * when they agree. dLLM's samplers never run a step that reveals nothing (get_num_transfer_tokens drops such steps),
 * so for them a pass of Builder's that reveals nothing (a cache fill) is not a step; the entropy family's and p2's
 * schedules do have steps that reveal nothing, and those passes count.
 */
export function firstDifference(c: ReferenceCase, reference: SamplerRun, sample: SampleOutput): string | null {
  const differing = reference.tokens.flatMap((token, position) => (sample.tokens[position] === token ? [] : [position]));
  // Fast-dLLM v2's passes that reveal only past the positions to fill (its last block, whole) are not compared either.
  const countsOnlyReveals = c.sampler === 'mdlm' || c.sampler === 'bd3lm' || c.sampler === 'fast-dllm-v2';
  const builderPasses = countsOnlyReveals ? sample.trace.passes.filter((pass) => pass.positions.length > 0) : sample.trace.passes;
  const passes = Math.max(reference.passes.length, builderPasses.length);
  const revealed = (pass: RevealPass | undefined) => pass && JSON.stringify([pass.positions, pass.tokens]);
  for (let i = 0; i < passes; i++) {
    const ours = builderPasses[i];
    const theirs = reference.passes[i];
    if (revealed(ours) !== revealed(theirs)) {
      const show = (pass: RevealPass | undefined) => (pass === undefined ? 'no pass' : `positions [${pass.positions.join(', ')}] tokens [${pass.tokens.join(', ')}]`);
      const tokens =
        differing.length === 0 && sample.tokens.length === reference.tokens.length ? 'final tokens equal' : `${differing.length} of ${c.masks} filled tokens differ (first at ${differing[0]})`;
      return `${tokens}; first differing pass ${i + 1} of ${reference.passes.length} (Builder ${builderPasses.length}): Builder ${show(ours)}, reference ${show(theirs)}`;
    }
  }
  if (differing.length > 0 || sample.tokens.length !== reference.tokens.length) return `reveal order equal, yet ${differing.length} final tokens differ (first at ${differing[0]})`;
  return null;
}

/** How many of the filled positions hold the same token in both runs. */
export function equalFilled(input: SampleInput, a: readonly number[], b: readonly number[]): number {
  return input.fill.filter((position) => a[position] === b[position]).length;
}
