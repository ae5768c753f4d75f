import type { Backend } from '../models/backendChoice';
import type { ModelMemory } from '../models/contextBudget';
import type { ModelManifest } from '../models/modelManifest';
import type { CodeTokenizer } from './codeTokenizer';
import type { ModelSession, ort } from './ortSession';

export interface DenoiseRequest {
  /**
   * Token rows of equal length, each the whole sequence: the conditional row, and under guidance
   * the unconditional one. They are read before the call returns its promise, so the caller may
   * change them in place for the next step without copying.
   */
  rows: readonly (readonly number[])[];
  /** Positions (shared by all rows) whose predictions are wanted. */
  positions: readonly number[];
  /** How the rows combine: [1] alone, [s, 1 - s] for guidance scale s. */
  rowWeights: readonly number[];
  temperature: number;
  topK: number;
  /** Leading positions that are padding: no position attends to them (dLLM's BD3LM sampler left-pads the prompt to a block boundary). */
  padding?: number;
}

/** The top-k of the guided, tempered logits at each asked position, and their log-normaliser. */
export interface DenoisePrediction {
  k: number;
  /** [positions, k], best first. */
  values: Float32Array;
  indices: Int32Array;
  /** [positions]: log of the sum of exp over the whole vocabulary, so exp(value - it) is a probability. */
  logNormalizer: Float32Array;
  /** [positions]: sum of p log(p + 1e-10) over the whole vocabulary; null from a graph made before it (manifest graphVersion < 2). */
  negEntropy: Float32Array | null;
  /** Numbers read back from the model for this step. */
  readbackCount: number;
  /** Bytes of those numbers, as the graph returns them. */
  readbackBytes: number;
}

/**
 * The keys and values of every position of the rows, from one pass over the whole sequence. A
 * span pass recomputes the `span` positions and attends to the cached keys and values of all the
 * others; the cached entries of the span positions themselves are stale, and masked out.
 */
export interface ContextCache {
  readonly span: readonly number[];
  readonly batch: number;
  /** The sequence length the cache was made for. */
  readonly length: number;
  /** Size of the cached keys and values (they come back to JS memory unless the backend keeps them on the device). */
  readonly bytes: number;
  /** Frees the cached tensors (GPU buffers where the backend keeps them there). */
  release(): void;
}

/**
 * The keys and values of positions 0 .. length - 1 of one row, every one current: what a block-causal
 * model's next block attends to. A finished block never changes, so it is encoded once and appended.
 */
export interface PrefixCache {
  readonly length: number;
  /** Size of the keys and values, in JS memory. */
  readonly bytes: number;
  release(): void;
}

interface PrefixTensors extends PrefixCache {
  readonly past: Record<string, ort.Tensor>;
}

/** A pass over one block after a prefix: its tokens, at positions `start` on, where `start` is the prefix's length. */
export interface BlockRequest {
  tokens: readonly number[];
  start: number;
  /** Positions (of the sequence, inside the block) whose predictions are wanted. */
  positions: readonly number[];
  temperature: number;
  topK: number;
}

interface SpanFeeds extends ContextCache {
  /** Per position of the sequence: its index among the span's positions, or -1. */
  readonly indexInSpan: Int32Array;
  /** What a span pass feeds unchanged at every step: the cache, its padding mask and the span's positions. */
  readonly fixed: Record<string, ort.Tensor>;
}

const HEAD_OUTPUTS = ['top_values', 'top_indices', 'log_normalizer'];
const ENTROPY_OUTPUT = 'neg_entropy';
const PAST_PREFIX = 'past_key_values.';

/** Row-major int64 tensor of `batch` rows, row r holding `pick(r, i)` for i < width. */
function int64Rows(Tensor: typeof ort.Tensor, batch: number, width: number, pick: (row: number, i: number) => number): ort.Tensor {
  const data = new BigInt64Array(batch * width);
  for (let r = 0; r < batch; r++) for (let i = 0; i < width; i++) data[r * width + i] = BigInt(pick(r, i));
  return new Tensor('int64', data, [batch, width]);
}

/**
 * A masked diffusion model: one batched forward pass per denoising step, over the whole sequence
 * or, with a context cache, over the masked spans only.
 */
export class DiffusionModel {
  /** `[key heads, head size]` of the graph's cache inputs, or null for a graph made before context caching. */
  private readonly pastShape: [number, number] | null;
  private readonly pastNames: string[];
  private readonly presentNames: string[];
  /** The head's outputs this graph has: graphs converted before graph version 2 have no negative entropy. */
  private readonly headOutputs: string[];

  constructor(
    readonly manifest: ModelManifest,
    readonly tokenizer: CodeTokenizer,
    readonly backend: Backend,
    private readonly session: ModelSession,
    /** What its passes need memory for: the context budget is computed from it. */
    readonly memory: ModelMemory,
  ) {
    this.pastNames = session.inputNames.filter((name) => name.startsWith(PAST_PREFIX));
    this.presentNames = this.pastNames.map((name) => `present.${name.slice(PAST_PREFIX.length)}`);
    const first = session.inputMetadata.find((meta) => meta.name === this.pastNames[0]);
    const dims = first?.isTensor ? first.shape : [];
    this.pastShape = typeof dims[1] === 'number' && typeof dims[3] === 'number' ? [dims[1], dims[3]] : null;
    this.headOutputs = session.outputNames.includes(ENTROPY_OUTPUT) ? [...HEAD_OUTPUTS, ENTROPY_OUTPUT] : HEAD_OUTPUTS;
  }

  /** Whether the graph computes the negative entropy over the vocabulary (the Dream family's confidence). */
  get hasEntropy(): boolean {
    return this.headOutputs.includes(ENTROPY_OUTPUT);
  }

  /** Whether the graph takes a context cache (graphs converted before context caching do not). */
  get canCache(): boolean {
    return this.pastShape !== null;
  }

  /** One pass over the whole sequence. */
  async predict(request: DenoiseRequest): Promise<DenoisePrediction> {
    const { feeds, k } = this.fullPassFeeds(request);
    return this.head(await this.session.run(feeds, this.headOutputs), k);
  }

  /** One pass over the whole sequence that also keeps its keys and values for span passes over `span`. */
  async predictAndCache(request: DenoiseRequest, span: readonly number[]): Promise<{ prediction: DenoisePrediction; cache: ContextCache }> {
    if (!this.pastShape) throw new Error(`${this.manifest.id}'s graph has no context cache inputs; convert the model again`);
    const { feeds, k, batch, length } = this.fullPassFeeds(request);
    const indexInSpan = new Int32Array(length).fill(-1);
    span.forEach((position, i) => {
      if (!Number.isInteger(position) || position < 0 || position >= length) throw new Error(`span position ${position} is outside the sequence of ${length}`);
      indexInSpan[position] = i;
    });
    const outputs = await this.session.run(feeds, [...this.headOutputs, ...this.presentNames]);
    const fixed: Record<string, ort.Tensor> = {
      // Keys of the cache first, then the span's own: the cached entries of span positions are stale.
      attention_mask: int64Rows(this.session.Tensor, batch, length + span.length, (_, i) => (i >= length || (indexInSpan[i] === -1 && i >= (request.padding ?? 0)) ? 1 : 0)),
      position_ids: int64Rows(this.session.Tensor, batch, span.length, (_, i) => span[i]!),
    };
    let bytes = 0;
    this.pastNames.forEach((name, i) => {
      const present = outputs[this.presentNames[i]!]!;
      fixed[name] = present;
      bytes += present.size * Float32Array.BYTES_PER_ELEMENT;
    });
    const cache: SpanFeeds = {
      span: [...span],
      batch,
      length,
      bytes,
      indexInSpan,
      fixed,
      release: () => this.pastNames.forEach((name) => fixed[name]!.dispose()),
    };
    return { prediction: this.head(outputs, k), cache };
  }

  /** One pass over the cache's span only, the rest of the sequence read from the cache. */
  async predictSpan(request: DenoiseRequest, cache: ContextCache): Promise<DenoisePrediction> {
    const { span, batch, length, indexInSpan, fixed } = cache as SpanFeeds;
    const k = this.checkRequest(request);
    if (request.rows.length !== batch || request.rows[0]!.length !== length) {
      throw new Error(`the context cache holds ${batch} row(s) of ${length} tokens; the request has ${request.rows.length} of ${request.rows[0]!.length}`);
    }
    const logitPositions = new BigInt64Array(request.positions.length);
    request.positions.forEach((position, i) => {
      const index = indexInSpan[position] ?? -1;
      if (index === -1) throw new Error(`position ${position} is not in the cached span`);
      logitPositions[i] = BigInt(index);
    });
    const outputs = await this.session.run(
      {
        ...fixed,
        ...this.guidanceFeeds(request, k),
        input_ids: int64Rows(this.session.Tensor, batch, span.length, (r, i) => request.rows[r]![span[i]!]!),
        logit_positions: new this.session.Tensor('int64', logitPositions, [logitPositions.length]),
      },
      this.headOutputs,
    );
    return this.head(outputs, k);
  }

  /** One pass over a block against the prefix cache of every position before it (none: the block starts the sequence). */
  async predictAfter(prefix: PrefixCache | null, request: BlockRequest): Promise<DenoisePrediction> {
    const { feeds, k } = this.blockFeeds(prefix, request);
    return this.head(await this.session.run(feeds, this.headOutputs), k);
  }

  /**
   * The prefix grown by a block: one pass over the block's tokens against the prefix, its keys and
   * values appended. The prefix given stays as it was; its holder releases it.
   */
  async extendPrefix(prefix: PrefixCache | null, tokens: readonly number[], start: number): Promise<PrefixCache> {
    if (!this.pastShape) throw new Error(`${this.manifest.id}'s graph has no context cache inputs; convert the model again`);
    const [heads, headSize] = this.pastShape;
    const { feeds } = this.blockFeeds(prefix, { tokens, start, positions: [start], temperature: 1, topK: 1 });
    const outputs = await this.session.run(feeds, this.presentNames);
    const length = start + tokens.length;
    const past: Record<string, ort.Tensor> = {};
    let bytes = 0;
    for (const [i, name] of this.pastNames.entries()) {
      const present = outputs[this.presentNames[i]!]!;
      const before = prefix ? ((await (prefix as PrefixTensors).past[name]!.getData()) as Float32Array) : new Float32Array(0);
      const added = (await present.getData()) as Float32Array;
      if (present.location === 'gpu-buffer') present.dispose();
      // [1, heads, positions, headSize]: each head's rows of the prefix, then the block's.
      const joined = new Float32Array(heads * length * headSize);
      for (let h = 0; h < heads; h++) {
        joined.set(before.subarray(h * start * headSize, (h + 1) * start * headSize), h * length * headSize);
        joined.set(added.subarray(h * tokens.length * headSize, (h + 1) * tokens.length * headSize), (h * length + start) * headSize);
      }
      past[name] = new this.session.Tensor('float32', joined, [1, heads, length, headSize]);
      bytes += joined.byteLength;
    }
    const cache: PrefixTensors = { length, bytes, past, release: () => Object.values(past).forEach((tensor) => tensor.dispose()) };
    return cache;
  }

  release(): Promise<void> {
    return this.session.release();
  }

  /** Checks the request's shape; returns the k the graph is asked for. */
  private checkRequest(request: DenoiseRequest): number {
    const batch = request.rows.length;
    const length = request.rows[0]?.length ?? 0;
    if (batch === 0 || request.rows.some((row) => row.length !== length)) throw new Error('predict needs one or more token rows of equal length');
    if (request.rowWeights.length !== batch) throw new Error(`predict got ${request.rowWeights.length} row weights for ${batch} rows`);
    if (length > this.manifest.maxPositions) throw new Error(`the sequence has ${length} tokens; ${this.manifest.id} holds at most ${this.manifest.maxPositions}`);
    return Math.min(request.topK, this.manifest.vocabSize);
  }

  private guidanceFeeds(request: DenoiseRequest, k: number): Record<string, ort.Tensor> {
    return {
      row_weights: new this.session.Tensor('float32', Float32Array.from(request.rowWeights), [request.rows.length]),
      temperature: new this.session.Tensor('float32', Float32Array.of(request.temperature), [1]),
      top_k: new this.session.Tensor('int64', BigInt64Array.of(BigInt(k)), [1]),
    };
  }

  /** A block's pass: its tokens at their positions, every key of the prefix and the block attended to (the graph masks later blocks). */
  private blockFeeds(prefix: PrefixCache | null, request: BlockRequest) {
    if (!this.pastShape) throw new Error(`${this.manifest.id}'s graph has no context cache inputs; convert the model again`);
    const { tokens, start, positions } = request;
    if ((prefix?.length ?? 0) !== start) throw new Error(`the block starts at ${start}, but the prefix cache holds ${prefix?.length ?? 0} positions`);
    const single: DenoiseRequest = { rows: [tokens], positions, rowWeights: [1], temperature: request.temperature, topK: request.topK };
    const k = this.checkRequest(single);
    if (start + tokens.length > this.manifest.maxPositions) throw new Error(`the sequence has ${start + tokens.length} tokens; ${this.manifest.id} holds at most ${this.manifest.maxPositions}`);
    const feeds: Record<string, ort.Tensor> = {
      ...this.guidanceFeeds(single, k),
      input_ids: int64Rows(this.session.Tensor, 1, tokens.length, (_, i) => tokens[i]!),
      attention_mask: int64Rows(this.session.Tensor, 1, start + tokens.length, () => 1),
      position_ids: int64Rows(this.session.Tensor, 1, tokens.length, (_, i) => start + i),
      logit_positions: new this.session.Tensor(
        'int64',
        BigInt64Array.from(positions, (position) => {
          if (position < start || position >= start + tokens.length) throw new Error(`position ${position} is outside the block at ${start}..${start + tokens.length - 1}`);
          return BigInt(position - start);
        }),
        [positions.length],
      ),
    };
    const empty = new this.session.Tensor('float32', new Float32Array(0), [1, this.pastShape[0], 0, this.pastShape[1]]);
    for (const name of this.pastNames) feeds[name] = prefix ? (prefix as PrefixTensors).past[name]! : empty;
    return { feeds, k };
  }

  private fullPassFeeds(request: DenoiseRequest) {
    const k = this.checkRequest(request);
    const batch = request.rows.length;
    const length = request.rows[0]!.length;
    const feeds: Record<string, ort.Tensor> = {
      ...this.guidanceFeeds(request, k),
      input_ids: int64Rows(this.session.Tensor, batch, length, (r, i) => request.rows[r]![i]!),
      attention_mask: int64Rows(this.session.Tensor, batch, length, (_, i) => (i < (request.padding ?? 0) ? 0 : 1)),
      position_ids: int64Rows(this.session.Tensor, batch, length, (_, i) => i),
      logit_positions: new this.session.Tensor('int64', BigInt64Array.from(request.positions, BigInt), [request.positions.length]),
    };
    if (this.pastShape) {
      const empty = new this.session.Tensor('float32', new Float32Array(0), [batch, this.pastShape[0], 0, this.pastShape[1]]);
      for (const name of this.pastNames) feeds[name] = empty;
    }
    return { feeds, k, batch, length };
  }

  private head(outputs: ort.InferenceSession.ReturnType, k: number): DenoisePrediction {
    const values = outputs.top_values!.data as Float32Array;
    const rawIndices = outputs.top_indices!.data as BigInt64Array;
    // A loop, not Int32Array.from(rawIndices, Number): eight times faster where k is the whole vocabulary.
    const indices = new Int32Array(rawIndices.length);
    for (let j = 0; j < rawIndices.length; j++) indices[j] = Number(rawIndices[j]!);
    const logNormalizer = outputs.log_normalizer!.data as Float32Array;
    const negEntropy = outputs[ENTROPY_OUTPUT] ? (outputs[ENTROPY_OUTPUT].data as Float32Array) : null;
    return {
      k,
      values,
      indices,
      logNormalizer,
      negEntropy,
      readbackCount: values.length + indices.length + logNormalizer.length + (negEntropy?.length ?? 0),
      readbackBytes: values.byteLength + rawIndices.byteLength + logNormalizer.byteLength + (negEntropy?.byteLength ?? 0),
    };
  }
}
