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
