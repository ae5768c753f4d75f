import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFolder } from '../../src/cli/nodeFolder';
import { contentHash } from '../../src/repository/contentHash';
import { undoWriteBack, writeBack } from '../../src/repository/writeBack';
import { readFixture } from '../support/parser';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const encode = (text: string) => new TextEncoder().encode(text);

describe('writeBack', () => {
  it('writes files unchanged since read, refuses one changed meanwhile, and undo restores byte for byte', async () => {
    const root = mkdtempSync(join(tmpdir(), 'builder-write-'));
    roots.push(root);
    const original = readFixture('repos/itsdangerous/src/itsdangerous/encoding.py');
    const other = 'def a():\r\n    return "café"\r\n';
    writeFileSync(join(root, 'encoding.py'), original);
    writeFileSync(join(root, 'other.py'), other);
    const readHashes = { encoding: contentHash(readFileSync(join(root, 'encoding.py'))), other: contentHash(readFileSync(join(root, 'other.py'))) };
    // Someone edits other.py after Builder read it.
    writeFileSync(join(root, 'other.py'), `${other}# edited\n`);
    const folder = nodeFolder(root);
    const result = await writeBack(folder, [
      { path: 'encoding.py', expectedHash: readHashes.encoding, bytes: encode(original.replace('def want_bytes', 'def want_bytes_')) },
      { path: 'other.py', expectedHash: readHashes.other, bytes: encode('def a():\n    return 2\n') },
    ]);
    expect(result.written.map((w) => w.path)).toEqual(['encoding.py']);
    expect(result.refused).toEqual([{ path: 'other.py', message: expect.stringMatching(/^other\.py changed on disk since Builder read it; it was left alone/) }]);
    expect(readFileSync(join(root, 'other.py'), 'utf8')).toBe(`${other}# edited\n`);
    expect(readFileSync(join(root, 'encoding.py'), 'utf8')).toContain('def want_bytes_');

    const undone = await undoWriteBack(folder, result.written);
    expect(undone.refused).toEqual([]);
    expect(readFileSync(join(root, 'encoding.py'))).toEqual(Buffer.from(original));
  });

  it('undo keeps a file edited again after the write, and says so', async () => {
    const root = mkdtempSync(join(tmpdir(), 'builder-write-'));
    roots.push(root);
    writeFileSync(join(root, 'a.py'), 'x = 1\n');
    const folder = nodeFolder(root);
    const result = await writeBack(folder, [{ path: 'a.py', expectedHash: contentHash(encode('x = 1\n')), bytes: encode('x = 2\n') }]);
    writeFileSync(join(root, 'a.py'), 'x = 3\n');
    const undone = await undoWriteBack(folder, result.written);
    expect(undone.written).toEqual([]);
    expect(undone.refused[0]!.message).toMatch(/changed on disk/);
    expect(readFileSync(join(root, 'a.py'), 'utf8')).toBe('x = 3\n');
  });

  it('never writes outside the folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'builder-write-'));
    roots.push(root);
    await expect(writeBack(nodeFolder(root), [{ path: '../escape.py', expectedHash: '', bytes: encode('x') }])).rejects.toThrow(/not a path inside the opened folder/);
  });
});
