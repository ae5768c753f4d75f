import { InputError } from '../errors/inputErrors';
import { createRng } from '../random/rng';
import { dllmBd3lm } from './authors/dllmBd3lm';
import { dllmMdlm } from './authors/dllmMdlm';
import { dreamEntropy } from './authors/dreamEntropy';
import { fastDllmV2 } from './authors/fastDllmV2';
import { openDllmP2 } from './authors/openDllmP2';
import type { RevealPass, RevealTrace, SamplerFacts, SamplerModel, SamplerRun, SampleSettings } from './authors/samplerRun';
import { sdarBlock } from './authors/sdarBlock';
import { blockDenoise } from './blockDenoise';
import { denoise } from './denoise';
import type { MaskedSequence, SpanBlock } from './maskedSequence';

/** A token-level request: the whole sequence and the positions to fill (`builder sample`'s input, docs/cli.md). */
export interface SampleRequest {
  tokens: readonly number[];
  /** Positions to fill, ascending; whatever ids they hold are replaced by the mask. */
  fill: readonly number[];
  /** The instruction's positions: Builder's guidance masks them in the unconditional row. */
  condition?: { start: number; end: number };
}

export interface SampleResult {
  /** The final sequence; positions never filled keep the mask id. */
  tokens: number[];
  trace: RevealTrace;
}

export interface SampleOptions {
  signal?: AbortSignal;
  onPass?(pass: RevealPass, passes: number): void;
}

const AUTHORS_SAMPLERS = { mdlm: dllmMdlm, bd3lm: dllmBd3lm, dream: dreamEntropy, p2: openDllmP2, 'fast-dllm-v2': fastDllmV2, sdar: sdarBlock } as const;

/** Checks a request against the model; one InputError names the first thing wrong. */
export function checkSampleRequest(request: SampleRequest, vocabSize: number, maxPositions: number): void {
  const { tokens, fill, condition } = request;
  if (!Array.isArray(tokens) || tokens.length === 0) throw new InputError('"tokens" must be a non-empty list of token ids.');
  if (tokens.length > maxPositions) throw new InputError(`"tokens" holds ${tokens.length} tokens; the model holds at most ${maxPositions}.`);
  const bad = tokens.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (bad !== -1) throw new InputError(`tokens[${bad}] is ${JSON.stringify(tokens[bad])}; token ids are integers from 0 to ${vocabSize - 1}.`);
  if (!Array.isArray(fill) || fill.length === 0) throw new InputError('"fill" must be a non-empty list of positions to fill.');
  const wrong = fill.findIndex((p, i) => !Number.isInteger(p) || p < 0 || p >= tokens.length || (i > 0 && p <= fill[i - 1]!));
  if (wrong !== -1) throw new InputError(`fill[${wrong}] is ${JSON.stringify(fill[wrong])}; "fill" holds positions of "tokens" (0 to ${tokens.length - 1}), ascending, each once.`);
  if (condition !== undefined) {
    const { start, end } = condition as { start?: unknown; end?: unknown };
    if (!Number.isInteger(start) || !Number.isInteger(end) || (start as number) < 0 || (end as number) < (start as number) || (end as number) > tokens.length) {
      throw new InputError(`"condition" must be {"start": n, "end": n} with 0 <= start <= end <= ${tokens.length}; got ${JSON.stringify(condition)}.`);
    }
  }
}

/** The fill positions' runs, as Builder's sampler takes its blocks. */
function runsOf(fill: readonly number[]): SpanBlock[] {
  const blocks: SpanBlock[] = [];
  for (const position of fill) {
    const last = blocks.at(-1);
    if (last && last.start + last.length === position) last.length++;
    else blocks.push({ source: { start: 0, end: 0 }, start: position, length: 1 });
  }
  return blocks;
}

/** Builder's own sampler (denoise.ts; blockDenoise.ts for block-causal graphs) over the request. */
async function builderSampler(run: SamplerRun, condition: { start: number; end: number }): Promise<void> {
  const { model, facts, tokens, fill, settings } = run;
  const masked = new Array<boolean>(tokens.length).fill(false);
  for (const position of fill) masked[position] = true;
  const sequence: MaskedSequence = { tokens, masked, condition, blocks: runsOf(fill) };
  const options = { maskTokenId: facts.maskTokenId, logitsShift: facts.logitsShift, signal: run.signal, onReveal: run.onPass };
  if (facts.graphBlockSize !== null) await blockDenoise(model, sequence, settings, run.rng, { ...options, blockSize: facts.graphBlockSize });
  else await denoise(model, sequence, settings, run.rng, options);
}

/**
 * Fills the request's positions with `settings.sampler` and records every forward pass's reveals:
 * the token-level run behind `builder sample` and a patch's `sample.trace`.
 */
export async function sampleTokens(model: SamplerModel, facts: SamplerFacts, request: SampleRequest, settings: SampleSettings, options: SampleOptions = {}): Promise<SampleResult> {
  const tokens = [...request.tokens];
  for (const position of request.fill) tokens[position] = facts.maskTokenId;
  const trace: RevealTrace = { promptTokens: [...tokens], passes: [] };
  const run: SamplerRun = {
    model,
    facts,
    tokens,
    fill: request.fill,
    settings,
    rng: createRng(settings.seed),
    signal: options.signal,
    onPass: (pass) => {
      trace.passes.push(pass);
      options.onPass?.(pass, trace.passes.length);
    },
  };
  if (settings.sampler === 'builder') await builderSampler(run, request.condition ?? { start: 0, end: 0 });
  else await AUTHORS_SAMPLERS[settings.sampler](run);
  return { tokens, trace };
}
