import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileSink, openFileSource, openFolder } from '../../src/convert/nodeFiles';
import { InputError } from '../../src/errors/inputErrors';

const dir = mkdtempSync(join(tmpdir(), 'builder-nodefiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
writeFileSync(join(dir, 'data.bin'), bytes);

describe('openFileSource', () => {
  it('reads exactly the range asked for', async () => {
    const source = await openFileSource(join(dir, 'data.bin'));
    try {
      expect(source.size).toBe(1000);
      expect(await source.read(990, 10)).toEqual(bytes.subarray(990, 1000));
      expect(await source.read(3, 500)).toEqual(bytes.subarray(3, 503));
      expect((await source.read(0, 0)).byteLength).toBe(0);
      await expect(source.read(995, 10)).rejects.toThrow(RangeError);
    } finally {
      await source.close();
    }
  });

  it('reports a missing file or a folder as bad input', async () => {
    await expect(openFileSource(join(dir, 'absent.bin'))).rejects.toThrow(InputError);
    await expect(openFileSource(dir)).rejects.toThrow(InputError);
  });
});

describe('createFileSink', () => {
  it('appends writes in order and counts the bytes', async () => {
    const path = join(dir, 'out.bin');
    const sink = await createFileSink(path);
    await sink.write(bytes.subarray(0, 600));
    await sink.write(new Uint8Array(0));
    await sink.write(bytes.subarray(600));
    expect(sink.bytesWritten).toBe(1000);
    await sink.close();
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
  });
});

describe('openFolder', () => {
  mkdirSync(join(dir, 'folder', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'folder', 'sub', 'note.txt'), 'héllo\n');

  it('reads files by relative path', async () => {
    const folder = await openFolder(join(dir, 'folder'));
    expect(await folder.exists('sub/note.txt')).toBe(true);
    expect(await folder.exists('sub')).toBe(false);
    expect(await folder.exists('absent.txt')).toBe(false);
    expect(await folder.readText('sub/note.txt')).toBe('héllo\n');
    const source = await folder.open('sub/note.txt');
    expect(source.size).toBe(7);
    await source.close();
  });

  it('refuses a missing folder, missing files and paths that climb out of it', async () => {
    await expect(openFolder(join(dir, 'absent'))).rejects.toThrow(/No such folder/);
    await expect(openFolder(join(dir, 'data.bin'))).rejects.toThrow(/is not a folder/);
    const folder = await openFolder(join(dir, 'folder'));
    await expect(folder.readText('absent.txt')).rejects.toThrow(InputError);
    await expect(folder.open('absent.bin')).rejects.toThrow(InputError);
    await expect(folder.readText('../data.bin')).rejects.toThrow(/outside/);
    await expect(folder.exists('/etc/passwd')).rejects.toThrow(/outside/);
  });
});
