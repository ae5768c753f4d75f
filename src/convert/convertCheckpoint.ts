import { InputError } from '../errors/inputErrors';
import { type FamilyOverrides, type ModelFamily, resolveFamily } from '../models/modelFamilies';
import { MANIFEST_FILE, type ModelKindName, type ModelManifest } from '../models/modelManifest';
import { type ModelPrecision, modelGraphPath } from '../models/modelPrecision';
import { INFILL_PROMPT_TEMPLATE } from '../prompt/promptFormats';
import type { FileFolder } from '../runtime/byteSource';
import { codeTokenizerFor } from '../runtime/codeTokenizer';
import { readChatTemplate, renderChatPrompt } from './chatTemplate';
import { readCheckpointFacts } from './checkpointFacts';
import { float32ToBytes } from './dtypes';
import { placeExternal } from './onnxGraph';
import { HashingFolder, type OutputFolder } from './outputFolder';
import type { QwenConfig } from './qwenConfig';
import { buildQwenGraph, DIFFUSION_GRAPH_VERSION } from './qwenGraph';

/** What the converter needs of a checkpoint: its shape and its tensors one at a time. */
export interface CheckpointTensors {
  config: QwenConfig;
  rawConfig: Record<string, unknown>;
  readTensor(name: string): Promise<Float32Array>;
}

export interface ConvertOptions {
  /** The Hugging Face folder: config.json, tokenizer files, weights. */
  source: FileFolder;
  checkpoint: CheckpointTensors;
  output: OutputFolder;
  id: string;
  kind: ModelKindName;
  /** One ONNX file per precision, all in the one folder. */
  precisions: ModelPrecision[];
  /** The repository or folder name the family table may recognise (dLLM's MDLM and BD3LM differ only there); `id` when absent. */
  name?: string;
  /** --family, --logits-shift, --mask-token. */
  family?: FamilyOverrides;
  onProgress?(precision: ModelPrecision, written: number, total: number): void;
}

const ids = (value: unknown): number[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).filter((v): v is number => Number.isInteger(v));

/**
 * The manifest's prompt for the family: a chat model's from its checkpoint's own chat template,
 * refused without one (a hand-written stand-in would be a prompt the model was never tuned on).
 */
async function manifestPrompt(family: ModelFamily, source: FileFolder, tokenizerConfig: Record<string, unknown>): Promise<Pick<ModelManifest, 'promptFormat' | 'promptTemplate' | 'promptSource'>> {
  const { prompt } = family;
  if (prompt.kind === 'infill') return { promptFormat: 'infill', promptTemplate: INFILL_PROMPT_TEMPLATE, promptSource: 'infill' };
  if (prompt.kind === 'fill-in-the-middle') return { promptTemplate: prompt.template, promptSource: 'fill-in-the-middle' };
  const template = await readChatTemplate(source, tokenizerConfig);
  if (!template) {
    throw new InputError(
      `${family.label} is an instruct model, prompted with its own chat template, but ${source.location} has none (no chat_template.jinja, no "chat_template" in tokenizer_config.json); copy the model's chat_template.jinja or tokenizer_config.json from its repository into the folder.`,
    );
  }
  return renderChatPrompt(template, prompt, tokenizerConfig);
}

/**
 * A Hugging Face checkpoint to a model folder: onnx/model{suffix}.onnx with its weights streamed
 * tensor by tensor into the external data file, the config and tokenizer files, and manifest.json
 * with every file's sha256. Written through `output`, which shows nothing until it is complete.
 */
export async function convertCheckpoint(options: ConvertOptions): Promise<ModelManifest> {
  const { source, checkpoint, output, kind, precisions } = options;
  const { config, rawConfig } = checkpoint;
  const folder = new HashingFolder(output);
  try {
    const tokenizerJson = await source.readText('tokenizer.json');
    const tokenizerConfigJson = await source.readText('tokenizer_config.json');
    const tokenizer = codeTokenizerFor(tokenizerJson, tokenizerConfigJson);
    tokenizer.checkFits(config.vocabSize);
    const facts = await readCheckpointFacts(source, rawConfig, tokenizerJson, options.name ?? options.id);
    const resolved = resolveFamily(facts, kind, options.family);
    const { family, maskTokenId } = resolved;
    const prompt = await manifestPrompt(family, source, facts.tokenizerConfig);
    if (maskTokenId !== undefined && !(maskTokenId < config.vocabSize)) throw new InputError(`The mask token id ${maskTokenId} is past the model's vocabulary of ${config.vocabSize}.`);
    const attention = kind === 'diffusion' && family.attention.kind !== 'causal' ? family.attention : undefined;
    const generation = (await source.exists('generation_config.json')) ? await source.readText('generation_config.json') : null;
    const generationConfig = generation ? (JSON.parse(generation) as Record<string, unknown>) : {};
    const eosTokenIds = [...new Set([...ids(rawConfig.eos_token_id), ...ids(generationConfig.eos_token_id), ...resolved.stopTokenIds])];
    const padTokenId = ids(rawConfig.pad_token_id)[0] ?? ids(generationConfig.pad_token_id)[0] ?? eosTokenIds[0] ?? 0;

    for (const precision of precisions) {
      const graph = buildQwenGraph({ config, kind, precision, weights: { read: (name) => checkpoint.readTensor(name) }, toFloat16: (v) => float32ToBytes('F16', v), attention });
      const graphPath = modelGraphPath(precision);
      const dataName = `${graphPath.slice('onnx/'.length)}_data`;
      const total = graph.externalTensors.reduce((sum, t) => sum + t.byteLength, 0);
      const data = await folder.create(`onnx/${dataName}`);
      let offset = 0;
      for (const tensor of graph.externalTensors) {
        const bytes = await tensor.produce();
        if (bytes.byteLength !== tensor.byteLength) throw new Error(`${tensor.proto.name}: produced ${bytes.byteLength} bytes, expected ${tensor.byteLength}`);
        placeExternal(tensor, dataName, offset);
        await data.write(bytes);
        offset += bytes.byteLength;
        options.onProgress?.(precision, offset, total);
      }
      await data.close();
      await folder.writeFile(graphPath, graph.encode({ '': 17, 'com.microsoft': 1 }, 'builder convert'));
    }

    await folder.writeFile('config.json', `${JSON.stringify(rawConfig, null, 2)}\n`);
    if (generation) await folder.writeFile('generation_config.json', generation);
    await folder.writeFile('tokenizer.json', tokenizerJson);
    await folder.writeFile('tokenizer_config.json', tokenizerConfigJson);

    const manifest: ModelManifest = {
      id: options.id,
      kind,
      architecture: config.architecture,
      attention: attention?.kind ?? 'causal',
      ...(attention?.kind === 'block-causal' ? { blockSize: attention.blockSize } : {}),
      family: family.name,
      licence: family.licence,
      vocabSize: config.vocabSize,
      ...(kind === 'diffusion' ? { graphVersion: DIFFUSION_GRAPH_VERSION, maskTokenId, logitsShift: resolved.logitsShift } : {}),
      eosTokenIds,
      padTokenId,
      maxPositions: config.maxPositions,
      ...prompt,
      ...(family.sampler ? { sampler: family.sampler } : {}),
      files: folder.files,
    };
    await output.create(MANIFEST_FILE).then(async (file) => {
      await file.write(new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
      await file.close();
    });
    await output.commit();
    return manifest;
  } catch (error) {
    await output.abort();
    throw error;
  }
}
