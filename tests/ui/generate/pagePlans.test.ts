import { describe, expect, it } from 'vitest';
import { pagePlans } from '../../../src/ui/generate/pagePlans';

const editor = { file: 'shapes.py', text: 'def area(r):\n    return r\n' };
const plan = (filePath: string, extra = {}) => ({ filePath, editTargets: ['area'], intent: 'x', ...extra });

describe('pagePlans', () => {
  it("gives the editor's text to the plans that name its file, by name or by a path ending in it, with the app's mask mode", () => {
    const { plans, files } = pagePlans([plan('shapes.py'), plan('pkg/shapes.py'), plan('pkg/other.py'), plan('shapes.py', { maskMode: 'definition' })], editor, 'body');
    expect(plans.map((p) => [p.text, p.maskMode])).toEqual([
      [editor.text, 'body'],
      [editor.text, 'body'],
      [undefined, 'body'],
      [editor.text, 'definition'],
    ]);
    expect(plans[2]).not.toHaveProperty('text');
    expect(files).toEqual({ sources: { 'shapes.py': editor.text }, editorFile: 'shapes.py' });
  });

  it("with a folder open, gives each plan its folder file's text by exact path and names no editor file", () => {
    const folder = { 'src/shapes.py': 'def area(r):\n    return 2 * r\n' };
    const { plans, files } = pagePlans([plan('src/shapes.py'), plan('shapes.py')], editor, 'definition', folder);
    expect(plans.map((p) => p.text)).toEqual([folder['src/shapes.py'], undefined]);
    expect(files).toEqual({ sources: folder });
  });
});
