import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors/inputErrors';
import { authorsSampler, samplerFacts } from '../generate/authors/configSampling';
import { resolveSampleSettings } from '../generate/authors/sampleSettings';
import { checkSampleRequest, type SampleRequest, sampleTokens } from '../generate/sampleTokens';
import { MANIFEST_FILE, type ModelManifest, parseManifest } from '../models/modelManifest';
import { MODEL_PRECISIONS, type ModelPrecision, modelGraphPath } from '../models/modelPrecision';
import { loadModel } from '../runtime/loadModel';
import { nodeModelReader } from '../runtime/nodeModelReader';
import { loadPipelineModels } from '../runtime/pipelineModels';
import { chooseBackend, precisionChoice } from './modelRuntime';

export interface SampleCommandOptions {
  model?: string;
  input?: string;
  json?: string;
  quant?: string;
  /** The same setting as quant, under patch's name for it. */
  precision?: string;
  backend?: string;
}

/** Most precise first: a token-level reproduction wants the graph closest to the checkpoint. */
const BY_PRECISION: readonly ModelPrecision[] = ['fp32', 'fp16', 'q8', 'q4f16', 'q4'];

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new InputError(`No such file: ${path} (${what}).`) : error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path} is not valid JSON (${(error as Error).message}).`);
  }
}

/** The input file: `tokens`, `fill`, optional `condition` and `settings` (docs/cli.md, `builder sample`). */
function parseInput(raw: unknown, path: string): { request: SampleRequest; settings: Record<string, unknown> } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(`${path} must hold a JSON object with "tokens" and "fill".`);
  const input = raw as Record<string, unknown>;
  const unknown = Object.keys(input).filter((key) => !['tokens', 'fill', 'condition', 'settings'].includes(key));
  if (unknown.length > 0) throw new InputError(`${path}: ${unknown.map((key) => `"${key}"`).join(', ')} is not a field of the input (tokens, fill, condition, settings).`);
  const settings = input.settings ?? {};
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new InputError(`${path}: "settings" must be an object.`);
  return { request: { tokens: input.tokens as number[], fill: input.fill as number[], condition: input.condition as SampleRequest['condition'] }, settings: settings as Record<string, unknown> };
}

function precisionOf(manifest: ModelManifest, quant: string | undefined): ModelPrecision {
  const held = BY_PRECISION.filter((p) => manifest.files.some((file) => file.path === modelGraphPath(p)));
  if (quant === undefined) {
    if (held.length === 0) throw new InputError(`${manifest.id} holds no ONNX graph (${BY_PRECISION.map(modelGraphPath).join(', ')}).`);
    return held[0]!;
  }
  if (!(MODEL_PRECISIONS as readonly string[]).includes(quant)) throw new InputError(`--quant takes ${MODEL_PRECISIONS.join(', ')}; got "${quant}".`);
  if (!held.includes(quant as ModelPrecision)) throw new InputError(`${manifest.id} has no ${quant} graph; it holds ${held.join(', ') || 'none'}.`);
  return quant as ModelPrecision;
}

/**
 * `builder sample`: fills the input's positions with the model's authors' sampler (or the one the
 * settings name) and writes the final ids and the reveal trace, pass by pass, as JSON.
 */
export async function sampleCommand(options: SampleCommandOptions): Promise<number> {
  if (!options.model) throw new InputError('builder sample needs --model DIR (a converted diffusion model folder).');
  if (!options.input) throw new InputError('builder sample needs --input FILE.json; see builder --help.');
  const { request, settings: asked } = parseInput(readJson(options.input, 'the input'), options.input);
  let manifestText: string;
  try {
    manifestText = readFileSync(join(options.model, MANIFEST_FILE), 'utf8');
  } catch {
    throw new InputError(`${options.model} is not a model folder: it has no ${MANIFEST_FILE}.`);
  }
  const manifest = parseManifest(manifestText);
  if (manifest.kind !== 'diffusion') throw new InputError(`${options.model} holds an autoregressive model; builder sample needs a diffusion model.`);
  checkSampleRequest(request, manifest.vocabSize, manifest.maxPositions);
  const authors = authorsSampler(manifest);
  const settings = resolveSampleSettings(asked, authors, request.fill.length);
  const precisionAsked = precisionChoice(options);
  const precision = precisionOf(manifest, precisionAsked === 'auto' ? undefined : precisionAsked);
  const backend = await chooseBackend(options.backend);
  const folder = options.model;
  const loaded = await loadPipelineModels({
    diffusion: { name: folder, setting: 'builder sample', load: () => loadModel(nodeModelReader(folder), precision, backend.backend, backend.runtime) },
  });
  try {
    const result = await sampleTokens(loaded.diffusion, samplerFacts(manifest), request, settings);
    await loaded.integrity;
    const output = {
      tokens: result.tokens,
      trace: result.trace,
      sampler: settings.sampler,
      settings,
      model: {
        id: manifest.id,
        family: manifest.family ?? null,
        graphVersion: manifest.graphVersion ?? 1,
        precision,
        backend: backend.backend,
        maskTokenId: manifest.maskTokenId,
        logitsShift: manifest.logitsShift ?? 0,
      },
    };
    const text = `${JSON.stringify(output)}\n`;
    if (options.json) writeFileSync(options.json, text);
    else process.stdout.write(text);
    return 0;
  } finally {
    await loaded.release();
  }
}
