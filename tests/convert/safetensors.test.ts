import { describe, expect, it } from 'vitest';
import { float32ToBytes } from '../../src/convert/dtypes';
import { readSafetensorsHeader, readTensor, type TensorSpec, writeSafetensors } from '../../src/convert/safetensors';
import { InputError } from '../../src/errors/inputErrors';
import type { ByteSink, ByteSource } from '../../src/runtime/byteSource';
import { memorySource } from '../support/memorySource';

/**
 * Files written by the reference implementation (Python safetensors 0.2, numpy arrays
 * range(-3, 3)), from huggingface/safetensors commit bd71d43, samples/*.safetensors, released
 * into the public domain (Unlicense). That version did not yet pad the header.
 */
const REFERENCE = {
  f: 'UwAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJ0ZXN0IjoiYSJ9LCJmIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOls2XSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19fQAAQMAAAADAAACAvwAAAAAAAIA/AAAAQA==',
  e: 'UwAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJ0ZXN0IjoiYSJ9LCJlIjp7ImR0eXBlIjoiRjE2Iiwic2hhcGUiOls2XSwiZGF0YV9vZmZzZXRzIjpbMCwxMl19fQDCAMAAvAAAADwAQA==',
  h: 'UwAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJ0ZXN0IjoiYSJ9LCJoIjp7ImR0eXBlIjoiSTE2Iiwic2hhcGUiOls2XSwiZGF0YV9vZmZzZXRzIjpbMCwxMl19ff3//v///wAAAQACAA==',
  d: 'UwAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJ0ZXN0IjoiYSJ9LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOls2XSwiZGF0YV9vZmZzZXRzIjpbMCw0OF19fQAAAAAAAAjAAAAAAAAAAMAAAAAAAADwvwAAAAAAAAAAAAAAAAAA8D8AAAAAAAAAQA==',
};

function reference(name: keyof typeof REFERENCE): Uint8Array {
  return new Uint8Array(Buffer.from(REFERENCE[name], 'base64'));
}

/** A sink that keeps every write, to inspect the file and the order of writes. */
function memorySink(): ByteSink & { writes: Uint8Array[]; bytes(): Uint8Array } {
  const writes: Uint8Array[] = [];
  return {
    writes,
    write: async (bytes) => {
      writes.push(bytes.slice());
    },
    bytes: () => new Uint8Array(Buffer.concat(writes)),
  };
}

/** A safetensors file built by hand: length prefix, header JSON as given, data. */
function handMade(header: unknown, data: Uint8Array, headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const file = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(file.buffer).setBigUint64(0, BigInt(headerLength ?? json.byteLength), true);
  file.set(json, 8);
  file.set(data, 8 + json.byteLength);
  return file;
}

async function writeToBytes(tensors: TensorSpec[], data: Record<string, Uint8Array>, metadata?: Record<string, string>): Promise<Uint8Array> {
  const sink = memorySink();
  await writeSafetensors(sink, tensors, async ({ name }) => data[name]!, metadata);
  return sink.bytes();
}

describe('readSafetensorsHeader on files from the reference implementation', () => {
  it('reads an F32 tensor and the metadata', async () => {
    const source = memorySource(reference('f'));
    const file = await readSafetensorsHeader(source);
    expect(file.metadata).toEqual({ test: 'a' });
    expect(file.tensors).toEqual(new Map([['f', { dtype: 'F32', shape: [6], start: 91, end: 115 }]]));
    expect(Array.from(await readTensor(source, file.tensors.get('f')!))).toEqual([-3, -2, -1, 0, 1, 2]);
  });

  it('reads an F16 tensor', async () => {
    const source = memorySource(reference('e'));
    const file = await readSafetensorsHeader(source);
    expect(Array.from(await readTensor(source, file.tensors.get('e')!))).toEqual([-3, -2, -1, 0, 1, 2]);
  });

  it('refuses integer and float64 tensors, naming the tensor and the dtype', async () => {
    await expect(readSafetensorsHeader(memorySource(reference('h')), 'h.safetensors')).rejects.toThrow(
      new InputError('h.safetensors: tensor "h" has dtype I16; Builder reads BF16, F16 and F32 tensors.'),
    );
    await expect(readSafetensorsHeader(memorySource(reference('d')))).rejects.toThrow(/tensor "d" has dtype F64/);
  });
});

describe('writeSafetensors', () => {
  it('writes what the reference implementation writes today: its sample, header padded with spaces to 8 bytes', async () => {
    const sample = reference('f');
    const written = await writeToBytes([{ name: 'f', dtype: 'F32', shape: [6] }], { f: float32ToBytes('F32', new Float32Array([-3, -2, -1, 0, 1, 2])) }, { test: 'a' });
    const json = sample.subarray(8, 8 + 83);
    const expected = new Uint8Array([88, 0, 0, 0, 0, 0, 0, 0, ...json, 0x20, 0x20, 0x20, 0x20, 0x20, ...sample.subarray(91)]);
    expect(written).toEqual(expected);
  });

  it('writes the header first, then each tensor in the given order, asking for one at a time', async () => {
    const tensors: TensorSpec[] = [
      { name: 'z.weight', dtype: 'BF16', shape: [2, 3] },
      { name: '0', dtype: 'F32', shape: [] },
      { name: 'a.bias', dtype: 'F16', shape: [3] },
      { name: 'empty', dtype: 'F32', shape: [0, 4] },
    ];
    const values: Record<string, Float32Array> = {
      'z.weight': new Float32Array([1, 2, 3, -4, 0.5, 0.25]),
      '0': new Float32Array([7]),
      'a.bias': new Float32Array([-1, 0.125, 65504]),
      empty: new Float32Array(0),
    };
    const asked: string[] = [];
    const sink = memorySink();
    await writeSafetensors(sink, tensors, async (tensor) => {
      asked.push(`${tensor.name}@${sink.writes.length}`);
      return float32ToBytes(tensor.dtype, values[tensor.name]!);
    });
    // Each tensor is asked for only once the previous one was written.
    expect(asked).toEqual(['z.weight@1', '0@2', 'a.bias@3', 'empty@4']);

    const bytes = sink.bytes();
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    expect(header.trimEnd().length).toBeGreaterThan(headerLength - 8);
    expect(header).toMatch(/^\{"z\.weight":\{"dtype":"BF16","shape":\[2,3\],"data_offsets":\[0,12\]\},"0":/);
    expect(header).not.toContain('__metadata__');

    const source = memorySource(bytes);
    const file = await readSafetensorsHeader(source);
    expect([...file.tensors.keys()]).toEqual(['z.weight', '0', 'a.bias', 'empty']);
    expect(file.tensors.get('0')).toEqual({ dtype: 'F32', shape: [], start: 8 + headerLength + 12, end: 8 + headerLength + 16 });
    expect(file.tensors.get('a.bias')!.end).toBe(bytes.byteLength);
    for (const { name } of tensors) expect(await readTensor(source, file.tensors.get(name)!)).toEqual(values[name]);
  });

  it('refuses data of the wrong length and duplicate names', async () => {
    await expect(writeToBytes([{ name: 'a', dtype: 'F16', shape: [3] }], { a: new Uint8Array(4) })).rejects.toThrow(/needs 6/);
    const twice: TensorSpec[] = [
      { name: 'a', dtype: 'F32', shape: [1] },
      { name: 'a', dtype: 'F32', shape: [1] },
    ];
    await expect(writeToBytes(twice, { a: new Uint8Array(4) })).rejects.toThrow(/"a"/);
  });
});

describe('readTensor', () => {
  it("reads that tensor's bytes and nothing else", async () => {
    const bytes = await writeToBytes(
      [
        { name: 'a', dtype: 'F32', shape: [1000] },
        { name: 'b', dtype: 'BF16', shape: [2] },
      ],
      { a: new Uint8Array(4000), b: float32ToBytes('BF16', new Float32Array([1.5, -2])) },
    );
    const file = await readSafetensorsHeader(memorySource(bytes));
    const reads: [number, number][] = [];
    const inner = memorySource(bytes);
    const recording: ByteSource = { size: inner.size, read: (offset, length) => (reads.push([offset, length]), inner.read(offset, length)) };
    const b = file.tensors.get('b')!;
    expect(Array.from(await readTensor(recording, b))).toEqual([1.5, -2]);
    expect(reads).toEqual([[b.start, 4]]);
  });
});

describe('readSafetensorsHeader on bad files', () => {
  const good = handMade({ w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } }, new Uint8Array(16));

  it('says which tensor a truncated file cuts off', async () => {
    const error = readSafetensorsHeader(memorySource(good.subarray(0, good.byteLength - 1)), 'model.safetensors');
    await expect(error).rejects.toThrow(InputError);
    await expect(error).rejects.toThrow(/model\.safetensors is truncated: tensor "w" ends at byte \d+ but the file has \d+ bytes/);
  });

  it('refuses a header that runs past the end, or is absurdly long', async () => {
    await expect(readSafetensorsHeader(memorySource(good.subarray(0, 20)))).rejects.toThrow(/truncated/);
    const huge = handMade({}, new Uint8Array(0), 2 ** 40);
    await expect(readSafetensorsHeader(memorySource(huge))).rejects.toThrow(/not a safetensors file/);
    await expect(readSafetensorsHeader(memorySource(new Uint8Array(5)))).rejects.toThrow(/only 5 bytes/);
  });

  it('refuses a header that is not a JSON object', async () => {
    const notJson = new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7b, 0x20, 0x20]);
    await expect(readSafetensorsHeader(memorySource(notJson))).rejects.toThrow(/not UTF-8 JSON/);
    await expect(readSafetensorsHeader(memorySource(handMade([1, 2], new Uint8Array(0))))).rejects.toThrow(/not a JSON object/);
  });

  it('refuses a byte range that disagrees with the shape, and broken descriptions', async () => {
    const file = (entry: unknown) => memorySource(handMade({ w: entry }, new Uint8Array(16)));
    await expect(readSafetensorsHeader(file({ dtype: 'F32', shape: [3], data_offsets: [0, 16] }))).rejects.toThrow(/tensor "w" has 16 bytes of data; shape \[3\] in F32 needs 12/);
    await expect(readSafetensorsHeader(file({ dtype: 'F32', shape: [-1], data_offsets: [0, 16] }))).rejects.toThrow(/shape/);
    await expect(readSafetensorsHeader(file({ dtype: 'F32', shape: [4], data_offsets: [16, 0] }))).rejects.toThrow(/data_offsets/);
    await expect(readSafetensorsHeader(file({ shape: [4], data_offsets: [0, 16] }))).rejects.toThrow(/dtype/);
    const badMetadata = handMade({ __metadata__: { n: 1 } }, new Uint8Array(0));
    await expect(readSafetensorsHeader(memorySource(badMetadata))).rejects.toThrow(/__metadata__/);
  });
});
