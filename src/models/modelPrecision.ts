/**
 * The precisions a model folder can hold, one ONNX file each, named as the web's ONNX model folders
 * name them (transformers.js's `DEFAULT_DTYPE_SUFFIX_MAPPING`, huggingface/transformers.js
 * src/utils/dtypes.js: q8 is `_quantized`): fp32 and fp16 plain weights; q8 8-bit linear layers and
 * head (int8 matmuls, which onnxruntime's WASM build runs fast); q4 4-bit linear layers and head
 * (MatMulNBits, fast on WebGPU); q4f16 the same with a float16 table (WebGPU needs shader-f16 for it).
 */
export type ModelPrecision = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

export const MODEL_PRECISIONS: readonly ModelPrecision[] = ['q4', 'q4f16', 'q8', 'fp16', 'fp32'];

const SUFFIX: Record<ModelPrecision, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4', q4f16: '_q4f16' };

/** The graph's file inside the model folder; its weights are in the same name plus `_data`. */
export function modelGraphPath(precision: ModelPrecision): string {
  return `onnx/model${SUFFIX[precision]}.onnx`;
}

/** A precision as the settings and the CLI take it: `auto` lets the backend decide (see backendChoice). */
export type PrecisionChoice = ModelPrecision | 'auto';

export const PRECISION_CHOICES: readonly PrecisionChoice[] = ['auto', ...MODEL_PRECISIONS];

/**
 * Native CPU (onnxruntime-node's MLAS): q8, then q4. One whole pass of the 0.5B shape's diffusion
 * export (128 positions asked for) on a 2-core machine under other load, 2026-12: q8 3.5 s at 216
 * tokens and 82 s at 2,016; q4 7.1 s and 115 s; fp32 14.2 s and 175 s. The int8 GEMM behind
 * MatMulInteger beats MatMulNBits here, as our q4 export leaves its accuracy level at float32.
 */
const NATIVE_PREFERENCE: readonly ModelPrecision[] = ['q8', 'q4', 'fp32', 'fp16', 'q4f16'];

/**
 * Each backend's precisions, fastest first, for `auto` to take the first one a model folder has.
 * WebGPU: q4, whose MatMulNBits is a real 4-bit kernel there; q4 before q4f16 even with
 * shader-f16 (both compute in float32, and q4's embedding table is 4-bit where q4f16's is float16).
 * WASM: q8, where onnxruntime-web has no 4-bit kernel (MatMulNBits unpacks its weights to float on
 * every call) but an int8 GEMM behind MatMulInteger. Native (onnxruntime-node's MLAS): see
 * NATIVE_PREFERENCE. CUDA: not measured (no GPU here); float16 and 4-bit have CUDA kernels, int8
 * MatMulInteger a slower one.
 */
export const PRECISION_PREFERENCE: Readonly<Record<'webgpu' | 'wasm' | 'native' | 'cuda', readonly ModelPrecision[]>> = {
  webgpu: ['q4', 'q4f16', 'fp16', 'q8', 'fp32'],
  wasm: ['q8', 'q4', 'fp32', 'fp16', 'q4f16'],
  native: NATIVE_PREFERENCE,
  cuda: ['q4f16', 'fp16', 'q4', 'fp32', 'q8'],
};

/** The precisions whose graph a model folder's manifest lists, in MODEL_PRECISIONS' order. */
export function precisionsIn(paths: readonly string[]): ModelPrecision[] {
  return MODEL_PRECISIONS.filter((precision) => paths.includes(modelGraphPath(precision)));
}
