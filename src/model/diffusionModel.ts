import type { ModelManifest } from './manifest';
import type { CodeTokenizer } from './codeTokenizer';
import { int64Tensor as int64, ort, type Backend } from './ortSession';

export interface DenoiseRequest {
  /** Token rows of equal length: the conditional row, and under guidance the unconditional one. */
  rows: readonly (readonly number[])[];
  /** Positions (shared by all rows) whose predictions are wanted. */
  positions: readonly number[];
  /** How the rows combine: [1] alone, [s, 1 - s] for guidance scale s. */
  rowWeights: readonly number[];
  temperature: number;
  topK: number;
}

/** The top-k of the guided, tempered logits at each asked position, and their log-normaliser. */
export interface DenoisePrediction {
  k: number;
  /** [positions, k], best first. */
  values: Float32Array;
  indices: Int32Array;
  /** [positions]: log of the sum of exp over the whole vocabulary, so exp(value - it) is a probability. */
  logNormalizer: Float32Array;
  /** Numbers read back from the model for this step. */
  readbackCount: number;
}

/** A masked diffusion model: one batched forward pass per denoising step. */
export class DiffusionModel {
  constructor(
    readonly manifest: ModelManifest,
    readonly tokenizer: CodeTokenizer,
    readonly backend: Backend,
    private readonly session: ort.InferenceSession,
  ) {}

  async predict(request: DenoiseRequest): Promise<DenoisePrediction> {
    const batch = request.rows.length;
    const length = request.rows[0]?.length ?? 0;
    if (batch === 0 || request.rows.some((row) => row.length !== length)) throw new Error('predict needs one or more token rows of equal length');
    if (request.rowWeights.length !== batch) throw new Error(`predict got ${request.rowWeights.length} row weights for ${batch} rows`);
    if (length > this.manifest.maxPositions) throw new Error(`the sequence has ${length} tokens; ${this.manifest.id} holds at most ${this.manifest.maxPositions}`);
    const k = Math.min(request.topK, this.manifest.vocabSize);
    const positions = Array.from({ length }, (_, i) => i);
    const outputs = await this.session.run({
      input_ids: int64(request.rows.flat(), [batch, length]),
      attention_mask: int64(new Array<number>(batch * length).fill(1), [batch, length]),
      position_ids: int64(Array.from({ length: batch }, () => positions).flat(), [batch, length]),
      logit_positions: int64(request.positions, [request.positions.length]),
      row_weights: new ort.Tensor('float32', Float32Array.from(request.rowWeights), [batch]),
      temperature: new ort.Tensor('float32', Float32Array.of(request.temperature), [1]),
      top_k: int64([k], [1]),
    });
    const values = outputs.top_values!.data as Float32Array;
    const indices = Int32Array.from(outputs.top_indices!.data as BigInt64Array, Number);
    const logNormalizer = outputs.log_normalizer!.data as Float32Array;
    return { k, values, indices, logNormalizer, readbackCount: values.length + indices.length + logNormalizer.length };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
