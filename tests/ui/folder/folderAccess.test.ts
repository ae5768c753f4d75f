import { describe, expect, it } from 'vitest';
import { scanRepository } from '../../../src/repository/repository';
import { filesFolder } from '../../../src/ui/folder/folderAccess';

const file = (text: string | Uint8Array, name: string) => new File([text as BlobPart], name);

describe('filesFolder (a folder input or a dropped folder)', () => {
  it('lists nested folders from the files’ paths, reads their bytes, and cannot be written', async () => {
    const folder = filesFolder(
      new Map([
        ['.gitignore', file('build/\n', '.gitignore')],
        ['src/app.py', file('def main():\n    pass\n', 'app.py')],
        ['src/util/io.py', file('def read():\n    pass\n', 'io.py')],
        ['build/out.py', file('x = 1\n', 'out.py')],
        ['logo.png', file(new Uint8Array([0x89, 0x50]), 'logo.png')],
      ]),
    );
    expect((await folder.list('src')).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'app.py', kind: 'file', size: 21 },
      { name: 'util', kind: 'directory', size: 0 },
    ]);
    expect(new TextDecoder().decode(await folder.read('src/util/io.py'))).toBe('def read():\n    pass\n');
    await expect(folder.read('../etc/passwd')).rejects.toThrow(/not a path inside the opened folder/);
    expect(folder.write).toBeUndefined();
    const repository = await scanRepository(folder);
    expect(repository.files.map((f) => f.path)).toEqual(['src/util/io.py', 'src/app.py', '.gitignore']);
    expect(repository.skipped.map((s) => `${s.path} ${s.reason}`)).toEqual(['build ignored', 'logo.png binary']);
  });
});
