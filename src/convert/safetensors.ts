import { InputError } from '../errors/inputErrors';
import type { ByteSink, ByteSource } from '../runtime/byteSource';
import { bytesToFloat32, DTYPE_BYTES, type TensorDtype } from './dtypes';

/**
 * The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian
 * header length, a JSON header mapping each tensor name to its dtype, shape and byte range
 * (relative to the end of the header), then the raw tensor bytes.
 */

/** One tensor of a safetensors file; `start` and `end` are absolute byte offsets in the file. */
export interface SafetensorsEntry {
  dtype: TensorDtype;
  shape: number[];
  start: number;
  end: number;
}

export interface SafetensorsFile {
  /** In the order of their data in the file. */
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

/** What a tensor will be, known before its bytes are: the writer puts it in the header first. */
export interface TensorSpec {
  name: string;
  dtype: TensorDtype;
  shape: number[];
}

const METADATA_KEY = '__metadata__';
// The reference implementation refuses larger headers too.
const MAX_HEADER_BYTES = 100_000_000;
// Padding the header to a multiple of 8 aligns every tensor's data for typed-array views.
const HEADER_ALIGNMENT = 8;

function isSupportedDtype(dtype: string): dtype is TensorDtype {
  return Object.hasOwn(DTYPE_BYTES, dtype);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

function parseEntry(fileName: string, name: string, raw: unknown, dataStart: number, fileSize: number): SafetensorsEntry {
  const notSafetensors = (what: string) => new InputError(`${fileName} is not a valid safetensors file: tensor "${name}" ${what}.`);
  if (typeof raw !== 'object' || raw === null) throw notSafetensors('has no description');
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string') throw notSafetensors('has no dtype');
  if (!Array.isArray(shape) || !shape.every(isCount)) throw notSafetensors('has no valid shape');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) throw notSafetensors('has no valid data_offsets');
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw notSafetensors(`has data_offsets [${begin}, ${end}] that end before they begin`);
  if (!isSupportedDtype(dtype)) {
    throw new InputError(`${fileName}: tensor "${name}" has dtype ${dtype}; Builder reads BF16, F16 and F32 tensors.`);
  }
  const expectedBytes = elementCount(shape) * DTYPE_BYTES[dtype];
  if (end - begin !== expectedBytes) {
    throw notSafetensors(`has ${end - begin} bytes of data; shape [${shape.join(', ')}] in ${dtype} needs ${expectedBytes}`);
  }
  if (dataStart + end > fileSize) {
    throw new InputError(`${fileName} is truncated: tensor "${name}" ends at byte ${dataStart + end} but the file has ${fileSize} bytes.`);
  }
  return { dtype, shape, start: dataStart + begin, end: dataStart + end };
}

function parseMetadata(fileName: string, raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  const valid = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.values(raw).every((value) => typeof value === 'string');
  if (!valid) throw new InputError(`${fileName} is not a valid safetensors file: "${METADATA_KEY}" must map names to strings.`);
  return raw as Record<string, string>;
}

/** Reads and checks the header; `fileName` names the file in error messages. */
export async function readSafetensorsHeader(source: ByteSource, fileName = 'the safetensors file'): Promise<SafetensorsFile> {
  if (source.size < 8) throw new InputError(`${fileName} is not a safetensors file: it has only ${source.size} bytes.`);
  const lengthBytes = new DataView((await source.read(0, 8)).slice().buffer);
  const headerLength = lengthBytes.getUint32(0, true) + lengthBytes.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_HEADER_BYTES) {
    throw new InputError(`${fileName} is not a safetensors file: its header would be ${headerLength} bytes (at most ${MAX_HEADER_BYTES}).`);
  }
  const dataStart = 8 + headerLength;
  if (dataStart > source.size) {
    throw new InputError(`${fileName} is truncated: its ${headerLength}-byte header runs past the end of the file (${source.size} bytes).`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await source.read(8, headerLength)));
  } catch {
    throw new InputError(`${fileName} is not a safetensors file: its header is not UTF-8 JSON.`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new InputError(`${fileName} is not a safetensors file: its header is not a JSON object.`);
  }
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, raw]): [string, SafetensorsEntry] => [name, parseEntry(fileName, name, raw, dataStart, source.size)]);
  // In data order: reading tensors in this order reads the file front to back. (The JSON's own
  // key order is lost anyway: JavaScript objects put integer-like keys first.)
  entries.sort(([, a], [, b]) => a.start - b.start);
  return { tensors: new Map(entries), metadata: parseMetadata(fileName, (header as Record<string, unknown>)[METADATA_KEY]) };
}

/** Reads one tensor's bytes, and only those, as float32. */
export async function readTensor(source: ByteSource, entry: SafetensorsEntry): Promise<Float32Array> {
  return bytesToFloat32(entry.dtype, await source.read(entry.start, entry.end - entry.start));
}

/** The header's bytes, length prefix included, with the tensors' data laid out in the given order. */
function encodeHeader(tensors: readonly TensorSpec[], metadata: Record<string, string> | undefined): Uint8Array {
  // Written by hand rather than with one JSON.stringify so that the order is exactly the given
  // one: a JavaScript object would move integer-like names such as "0" to the front.
  const fields: string[] = metadata ? [`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`] : [];
  const names = new Set<string>();
  let offset = 0;
  for (const { name, dtype, shape } of tensors) {
    if (name === METADATA_KEY || names.has(name)) throw new Error(`Cannot write a tensor named "${name}" here: the name is taken.`);
    names.add(name);
    const end = offset + elementCount(shape) * DTYPE_BYTES[dtype];
    fields.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype, shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const paddedLength = Math.ceil(json.byteLength / HEADER_ALIGNMENT) * HEADER_ALIGNMENT;
  const header = new Uint8Array(8 + paddedLength).fill(0x20, 8 + json.byteLength);
  new DataView(header.buffer).setBigUint64(0, BigInt(paddedLength), true);
  header.set(json, 8);
  return header;
}

/**
 * Writes a safetensors file: the header first, from `tensors`, then each tensor's bytes from
 * `produce`, in order, so only one tensor needs to be in memory at a time.
 */
export async function writeSafetensors(sink: ByteSink, tensors: readonly TensorSpec[], produce: (tensor: TensorSpec) => Promise<Uint8Array>, metadata?: Record<string, string>): Promise<void> {
  await sink.write(encodeHeader(tensors, metadata));
  for (const tensor of tensors) {
    const bytes = await produce(tensor);
    const expected = elementCount(tensor.shape) * DTYPE_BYTES[tensor.dtype];
    if (bytes.byteLength !== expected) {
      throw new Error(`Tensor "${tensor.name}" came with ${bytes.byteLength} bytes; shape [${tensor.shape.join(', ')}] in ${tensor.dtype} needs ${expected}.`);
    }
    await sink.write(bytes);
  }
}
