import type { Backend } from './backendChoice.ts';

/** The attention dimensions of a model: what the memory of one forward pass grows with. */
export interface AttentionShape {
  layers: number;
  heads: number;
  keyValueHeads: number;
  headDim: number;
}

/** What a loaded model's passes need memory for. */
export interface ModelMemory {
  attention: AttentionShape;
  /** The weights: on WASM they share the 4 GiB with the pass. */
  weightBytes: number;
  /** WebGPU: the largest buffer the device binds a tensor as (null on WASM). */
  largestBufferBytes: number | null;
}

export interface BudgetRequest {
  /** The longest sequence the model was trained for. */
  maxPositions: number;
  memory: ModelMemory;
  /** Rows of one forward pass: 2 under guidance (conditional and unconditional), else 1. */
  rows: number;
  backend: Backend;
  /** The user's setting (DiffusionConfig.contextTokens). */
  setting: number;
}

export interface ContextBudget {
  tokens: number;
  /** Which limit set it: the model's positions, the backend's memory, or the setting. */
  limitedBy: 'model' | 'memory' | 'setting';
  /** The longest sequence the backend's memory holds for this many rows. */
  memoryTokens: number;
}

/** Each limit in words, for the messages and the result panel that name what set the budget. */
export const BUDGET_SOURCES: Readonly<Record<ContextBudget['limitedBy'], string>> = {
  model: "the model's positions",
  memory: "the backend's memory for attention",
  setting: 'the contextTokens setting',
};

/** onnxruntime-web's WASM build addresses 32 bits: weights, activations and scores share 4 GiB. */
export const WASM_MEMORY_BYTES = 2 ** 32;
/** WebGPU's guaranteed maxStorageBufferBindingSize, for a device that does not say more. */
export const WEBGPU_DEFAULT_BUFFER_BYTES = 2 ** 27;
const FLOAT_BYTES = 4;
/**
 * The attention graph writes its scores out (MatMul, Softmax, MatMul: GroupQueryAttention is
 * always causal), so a layer holds rows x heads x L x L scores and as many probabilities at once.
 */
const SCORE_COPIES = 2;

/**
 * The longest sequence the backend can run: on WebGPU, one layer's scores (rows x heads x L x L
 * floats) must fit the largest buffer; on WASM, the weights, every layer's keys and values (which
 * a cache refresh returns) and one layer's scores and probabilities must fit the 4 GiB.
 */
export function memoryTokens(request: Omit<BudgetRequest, 'maxPositions' | 'setting'>): number {
  const { memory, rows } = request;
  const { attention } = memory;
  const perSquare = rows * attention.heads * FLOAT_BYTES;
  if (request.backend === 'webgpu') return Math.floor(Math.sqrt((memory.largestBufferBytes ?? WEBGPU_DEFAULT_BUFFER_BYTES) / perSquare));
  // a L^2 + b L <= room, for L.
  const a = SCORE_COPIES * perSquare;
  const b = attention.layers * 2 * rows * attention.keyValueHeads * attention.headDim * FLOAT_BYTES;
  const room = WASM_MEMORY_BYTES - memory.weightBytes;
  if (room <= 0) return 0;
  return Math.floor((-b + Math.sqrt(b * b + 4 * a * room)) / (2 * a));
}

/** The most tokens a sequence may hold: the smallest of the model's positions, the backend's memory and the setting. */
export function contextBudget(request: BudgetRequest): ContextBudget {
  const memory = memoryTokens(request);
  const limits = [
    { tokens: request.maxPositions, limitedBy: 'model' as const },
    { tokens: memory, limitedBy: 'memory' as const },
    { tokens: request.setting, limitedBy: 'setting' as const },
  ];
  const smallest = limits.reduce((a, b) => (b.tokens < a.tokens ? b : a));
  return { ...smallest, memoryTokens: memory };
}
