import { InputError } from '../../errors/inputErrors';
import type { ContextCache, DenoisePrediction, DenoiseRequest } from '../../runtime/diffusionModel';
import { type ChoiceFilter, candidatesFor, choosePosition, type PositionChoice } from './positionChoice';
import { checkCancelled, revealPass, type SamplerRun } from './samplerRun';

/** Candidates that hold any nucleus: the whole vocabulary (the model clamps k to its size). */
const WHOLE_VOCABULARY = Number.MAX_SAFE_INTEGER;

/** The block's first row has no row before it in the block's own pass: the authors' shift gives it its own logits. */
const sourceRow = (position: number, blockStart: number) => (position === blockStart ? position : position - 1);

/**
 * NVlabs' Fast-dLLM v2 decoding, as the model's own `generate` runs it at batch 1
 * (Efficient-Large-Model/Fast_dLLM_v2_1.5B modeling.py; the same loop as NVlabs/Fast-dLLM
 * v2/generation_functions.py at commit 6cf2722), with `use_block_cache=False`, their default.
 *
 * The answer is written in blocks of the graph's block size (bd_size, 32) counted from position 0,
 * prompt included: the first block holds the prompt's tail. A block is denoised in sub-blocks of
 * `settings.blockLength` (their small_block_size, 8), left to right; every step runs the whole
 * block against the exact cache of the blocks before it, reads the logits shifted by one (the
 * block's row p - 1 predicts p, its first row its own), and reveals, among the sub-block's masked
 * positions, every one whose token's probability exceeds `settings.parallelThreshold` (their
 * `threshold`, strictly greater) and always the most probable one (the first on a tie, as
 * torch.argmax). At temperature 0 the token is the argmax and its probability the plain softmax;
 * above it, the token is drawn from the top-p nucleus at that temperature and scored by its
 * renormalised probability (their sample_with_top_p). When a block is full, one pass over it gives
 * the argmax of its last row (always greedy): the next block's first token. Decoding stops once
 * the stop token (config.json's eos_token_id, their stop_token 151645) is revealed with no mask
 * before it in the block; positions after it are masked again, as they cut the answer there.
 *
 * Builder's canvas ends where the positions to fill end, which need not be a block boundary: the
 * last block is still denoised whole, as theirs is, with the positions past the canvas held here
 * only (their reveals are not in the trace), until every position of the canvas is filled. Each
 * block's first step is one pass over the prefix and the block that keeps the prefix's keys and
 * values; later steps pass over the block alone against them, which is their prefix cache, exact.
 *
 * Where Builder departs: a prompt of exactly one block (32 tokens) is prefilled and followed by its
 * autoregressive token, like every prompt that ends on a block boundary; theirs (`input_ids.shape[1]
 * > block_size`) prefills nothing and then passes the first block of masks alone, never seeing the
 * prompt. The mask token is never chosen (Builder's rule everywhere; their argmax may pick it).
 * Their sub-block cache (`use_block_cache=True`, approximate) is off by default and not implemented.
 */
export async function fastDllmV2(run: SamplerRun): Promise<void> {
  const { model, facts, tokens, fill, settings, rng } = run;
  const blockSize = facts.graphBlockSize;
  if (blockSize === null) throw new InputError("The fast-dllm-v2 sampler needs a block-causal model (its blocks are the graph's); this model's attention is not.");
  const subBlock = settings.blockLength ?? 8;
  if (blockSize % subBlock !== 0) throw new InputError(`The fast-dllm-v2 sampler's sub-blocks (blockLength ${subBlock}) must divide the model's blocks of ${blockSize}.`);
  if (settings.cfgScale !== 0) throw new InputError('The fast-dllm-v2 sampler has no guidance (theirs runs none); set cfgScale to 0, or use the builder sampler.');
  if (settings.topK > 0) throw new InputError('The fast-dllm-v2 sampler has no top-k (theirs filters by top-p only); leave topK at 0.');
  if (settings.remasking !== 'low-confidence') throw new InputError(`The fast-dllm-v2 sampler reveals by the chosen token's probability (low-confidence); got ${settings.remasking}.`);
  if (fill.some((p, i) => p !== fill[0]! + i))
    throw new InputError('The fast-dllm-v2 sampler fills one run of positions after the prompt (theirs generates, it has no infill); the positions to fill are not one run.');
  const threshold = settings.parallelThreshold;
  // Their sample_with_top_p applies top-p only when it samples.
  const filter: ChoiceFilter = settings.temperature > 0 ? { temperature: settings.temperature, topP: settings.topP, topK: 0 } : { temperature: 0, topP: 1, topK: 0 };
  const greedy: ChoiceFilter = { temperature: 0, topP: 1, topK: 0 };
  const stop = facts.eosTokenIds[0];
  const mask = facts.maskTokenId;
  const promptLength = fill[0]!;
  const end = fill.at(-1)! + 1;
  // The sequence as theirs grows it: the prompt, then block after block, past the canvas where the last block ends after it.
  const sequence = tokens.slice(0, promptLength);
  const canvasFilled = () => sequence.length >= end && !sequence.slice(promptLength, end).includes(mask);
  const reveal = (revealed: readonly { position: number; token: number }[]) => {
    for (const { position, token } of revealed) sequence[position] = token;
    run.onPass(revealPass(revealed.filter(({ position }) => position < end)));
  };
  /** The stop token's first position after `from` with no mask before it, or -1. */
  const stopAfter = (from: number) => {
    const at = stop === undefined ? -1 : sequence.indexOf(stop, from);
    return at !== -1 && !sequence.slice(from, at).includes(mask) ? at : -1;
  };

  const predict = async (request: DenoiseRequest, cache: ContextCache | null) => (cache ? model.predictSpan(request, cache) : model.predict(request));
  const request = (positions: readonly number[], topK: number): DenoiseRequest => ({
    rows: [sequence],
    rowWeights: [1],
    positions,
    temperature: filter.temperature > 0 ? filter.temperature : 1,
    topK,
  });
  /** Choices at `positions` read from `rows`; a nucleus that runs past the candidates is read again with the whole vocabulary, in the same kind of pass. */
  const choose = async (prediction: DenoisePrediction, rows: readonly number[], cache: ContextCache | null): Promise<PositionChoice[]> => {
    const choices = rows.map((_, i) => choosePosition(prediction, i, filter, rng, mask));
    const overflowing = choices.flatMap((choice, i) => (choice.exact ? [] : [i]));
    if (overflowing.length > 0) {
      const again = await predict(
        request(
          overflowing.map((i) => rows[i]!),
          WHOLE_VOCABULARY,
        ),
        cache,
      );
      overflowing.forEach((i, j) => {
        choices[i] = choosePosition(again, j, filter, rng, mask);
      });
    }
    return choices;
  };
  /** Their block-completion step: the argmax of the last row's logits, whatever the temperature, becomes the next position's token. */
  const autoregressiveToken = async (cache: ContextCache | null) => {
    const last = sequence.length - 1;
    const prediction = await predict(request([last], candidatesFor(greedy)), cache);
    reveal([{ position: last + 1, token: choosePosition(prediction, 0, greedy, rng, mask).token }]);
  };

  // Their prefill: the prompt's whole blocks in one pass; a prompt that ends on a block boundary gets the next token from it.
  if (promptLength >= blockSize && promptLength % blockSize === 0) {
    checkCancelled(run.signal);
    await autoregressiveToken(null);
  }
  while (!canvasFilled() && !(stop !== undefined && sequence.indexOf(stop, promptLength) !== -1)) {
    const blockStart = Math.floor(sequence.length / blockSize) * blockSize;
    const blockEnd = blockStart + blockSize;
    const answerStart = sequence.length;
    while (sequence.length < blockEnd) sequence.push(mask);
    const block = Array.from({ length: blockSize }, (_, i) => blockStart + i);
    let cache: ContextCache | null = null;
    try {
      for (let start = blockStart; start < blockEnd && !canvasFilled() && stopAfter(answerStart) === -1; start += subBlock) {
        for (;;) {
          const masked = block.filter((p) => p >= start && p < start + subBlock && sequence[p] === mask);
          if (masked.length === 0 || canvasFilled() || stopAfter(answerStart) !== -1) break;
          checkCancelled(run.signal);
          const rows = masked.map((p) => sourceRow(p, blockStart));
          const first = request(rows, candidatesFor(filter));
          let prediction: DenoisePrediction;
          if (!model.canCache) prediction = await model.predict(first);
          else if (cache) prediction = await model.predictSpan(first, cache);
          else ({ prediction, cache } = await model.predictAndCache(first, block));
          const choices = await choose(prediction, rows, cache);
          let surest = 0;
          choices.forEach((choice, i) => {
            if (choice.probability > choices[surest]!.probability) surest = i;
          });
          reveal(masked.flatMap((position, i) => (i === surest || choices[i]!.probability > threshold ? [{ position, token: choices[i]!.token }] : [])));
        }
      }
      if (stopAfter(answerStart) !== -1 || canvasFilled()) break;
      checkCancelled(run.signal);
      await autoregressiveToken(cache);
    } finally {
      cache?.release();
    }
  }
  const stopAt = stop === undefined ? -1 : sequence.indexOf(stop, promptLength);
  for (let p = promptLength; p < end; p++) tokens[p] = p < sequence.length && (stopAt === -1 || p <= stopAt) ? sequence[p]! : mask;
}
