import { bytesToHex } from '@noble/hashes/utils.js';
import { InputError } from '../errors/inputErrors';
import { MANIFEST_FILE, type ModelManifest, parseManifest } from '../models/modelManifest';
import { type ModelPrecision, modelGraphPath } from '../models/modelPrecision';
import { type CodeTokenizer, codeTokenizerFor } from './codeTokenizer';

/** A file the model folder does not have: for the manifest, it means the model is not installed. */
export class MissingModelFileError extends InputError {
  override name = 'MissingModelFileError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** Reads whole files of a model folder: from disk in Node, from the cache or network in the browser. */
export interface ModelFileReader {
  /** For messages: a path or a URL. */
  readonly location: string;
  read(path: string): Promise<Uint8Array>;
  /** Forgets a copy that failed its check, where the reader keeps copies (the browser's model cache). */
  discard?(path: string): Promise<void>;
  /**
   * Whether this copy of `path` was hashed against `sha256` when it entered the reader's store and
   * is still recorded so (the cache's completion marker): such a file is loaded on its size alone.
   */
  checkedOnEntry?(path: string, sha256: string): boolean;
}

export interface VerifiedModelFiles {
  manifest: ModelManifest;
  config: Record<string, unknown>;
  tokenizer: CodeTokenizer;
  precision: ModelPrecision;
  graph: Uint8Array;
  externalData: { path: string; data: Uint8Array }[];
  /** Files taken on their size and the cache's record, not hashed again: checkUnhashed hashes them if the runtime refuses the model. */
  unhashed: { path: string; bytes: Uint8Array; sha256: string }[];
}

/**
 * Model files (graphs and weights) above this size are not hashed again on load when the cache
 * checked them on entry: a 0.5B model's weights take about a second of SHA-256 a load. The JSON
 * files are always hashed: small, and a corrupt one would otherwise surface as a parse error.
 */
const REHASH_LIMIT = 4 * 2 ** 20;
const isModelFile = (path: string) => path.startsWith('onnx/');

const decoder = new TextDecoder();

/** WebCrypto's SHA-256: native in browsers, workers and Node, many times faster than hashing in JS. */
async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

/**
 * Reads the files a model needs and checks each against manifest.json (size and sha256) before
 * anything uses it: a corrupt, truncated or missing file is named in the error.
 */
export async function readVerifiedModel(reader: ModelFileReader, precision: ModelPrecision): Promise<VerifiedModelFiles> {
  const manifest = parseManifest(decoder.decode(await reader.read(MANIFEST_FILE)));
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  const unhashed: VerifiedModelFiles['unhashed'] = [];
  const verified = async (path: string): Promise<Uint8Array> => {
    const entry = listed.get(path);
    if (!entry) {
      const available = manifest.files.map((f) => f.path).filter((p) => p.endsWith('.onnx'));
      throw new InputError(`${reader.location} has no ${path} in its manifest${path.endsWith('.onnx') ? `; it has ${available.join(', ') || 'no ONNX model'}` : ''}.`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await reader.read(path);
    } catch (error) {
      throw error instanceof InputError ? error : new InputError(`Cannot read ${path} from ${reader.location}: ${(error as Error).message}`);
    }
    if (bytes.byteLength !== entry.bytes) {
      return refuse(reader, path, `has ${bytes.byteLength} bytes but manifest.json lists ${entry.bytes}: the file is truncated or not this model's`);
    }
    if (bytes.byteLength > REHASH_LIMIT && isModelFile(path) && reader.checkedOnEntry?.(path, entry.sha256)) {
      unhashed.push({ path, bytes, sha256: entry.sha256 });
      return bytes;
    }
    if ((await sha256Hex(bytes)) !== entry.sha256) return refuse(reader, path, SHA_MISMATCH);
    return bytes;
  };
  const graphPath = modelGraphPath(precision);
  const dataPath = `${graphPath}_data`;
  const [configBytes, tokenizerJson, tokenizerConfig, graph] = await Promise.all(['config.json', 'tokenizer.json', 'tokenizer_config.json', graphPath].map(verified));
  const externalData = listed.has(dataPath) ? [{ path: dataPath.slice('onnx/'.length), data: await verified(dataPath) }] : [];
  const tokenizer = codeTokenizerFor(decoder.decode(tokenizerJson), decoder.decode(tokenizerConfig));
  tokenizer.checkFits(manifest.vocabSize);
  return { manifest, config: JSON.parse(decoder.decode(configBytes!)), tokenizer, precision, graph: graph!, externalData, unhashed };
}

const SHA_MISMATCH = `does not match its sha256 in manifest.json: the file is corrupt or not this model's`;

/** Names a bad file, discarding the copy where the reader keeps one (the cache), so the model manager fetches it again. */
async function refuse(reader: ModelFileReader, path: string, problem: string): Promise<never> {
  if (reader.discard) {
    await reader.discard(path);
    throw new InputError(`${path} of ${reader.location} ${problem}. It was discarded; download the model again in the model manager (only that file is fetched).`);
  }
  throw new InputError(`${path} ${problem}.`);
}

/**
 * Hashes the files loaded on the cache's record alone, for when the runtime refused them: a copy
 * corrupted in the cache since it was checked is then named and discarded like one found on load.
 */
export async function checkUnhashed(reader: ModelFileReader, files: VerifiedModelFiles): Promise<void> {
  for (const { path, bytes, sha256 } of files.unhashed) if ((await sha256Hex(bytes)) !== sha256) await refuse(reader, path, SHA_MISMATCH);
}
