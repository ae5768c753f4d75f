import type { GraphBuilder } from './onnxGraph';

export interface GroupedAttentionInputs {
  /** [batch, heads, queries, headDim], rotary embedding applied. */
  query: string;
  /** [batch, keyValueHeads, keys, headDim]: past and present keys together, as are the values. */
  key: string;
  value: string;
  /** Additive mask broadcast over [batch, keyValueHeads, group, queries, keys]. */
  maskBias: string;
  heads: number;
  keyValueHeads: number;
  headDim: number;
}

/**
 * Grouped-query attention written out as MatMul, Softmax, MatMul, which onnxruntime-web runs on
 * WebGPU and WASM alike, with whatever mask the bias carries (GroupQueryAttention's kernel is
 * always causal; diffusion models attend both ways). Queries are grouped as [batch, kv heads,
 * group, queries, headDim] against keys and values as [batch, kv heads, 1, keys, headDim], so the
 * key/value heads are broadcast, never copied. Returns [batch, heads, queries, headDim].
 * (onnxruntime's fused MultiHeadAttention, the group folded into its queries, and opset 23's
 * Attention were tried on WASM for a 128-row span over 2,144 keys: no faster than this.)
 */
export function groupedAttention(g: GraphBuilder, { query, key, value, maskBias, heads, keyValueHeads, headDim }: GroupedAttentionInputs): string {
  const group = heads / keyValueHeads;
  const scale = g.constantFloats([1 / Math.sqrt(headDim)], []);
  const groupedQuery = g.op1('Reshape', [g.op1('Mul', [query, scale]), g.constantInts([0, keyValueHeads, group, -1, headDim])]);
  const byGroup = (tensor: string) => g.op1('Unsqueeze', [tensor, g.constantInts([2])]);
  const keyT = g.op1('Transpose', [byGroup(key)], { perm: { ints: [0, 1, 2, 4, 3] } });
  const scores = g.op1('Add', [g.op1('MatMul', [groupedQuery, keyT]), maskBias]);
  const weightsByKey = g.op1('Softmax', [scores], { axis: { int: -1 } });
  const attended = g.op1('MatMul', [weightsByKey, byGroup(value)]);
  return g.op1('Reshape', [attended, g.constantInts([0, heads, -1, headDim])]);
}
