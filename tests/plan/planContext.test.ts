import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import { relevantFilePaths, resolvePlanContext } from '../../src/plan/planContext';

const FILES: Record<string, string> = { 'src/util.py': 'def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n', 'src/big.py': 'x = 1\n'.repeat(100) };

/** Reads as the CLI's batch root and the app's opened folder do: a file that is not there is an InputError. */
const read = async (path: string) => {
  if (!Object.hasOwn(FILES, path)) throw new InputError(`No such file: ${path}`);
  return FILES[path]!;
};

describe('resolvePlanContext', () => {
  it('gives nothing, and says nothing, for an absent context and for {}', async () => {
    expect(await resolvePlanContext(undefined, read)).toEqual({ parts: [], notes: [] });
    expect(await resolvePlanContext({}, read)).toEqual({ parts: [], notes: [] });
  });

  it("gives Builder's own list as it is, and says how much reached the prompt", async () => {
    const resolved = await resolvePlanContext(['# a.py:1-2 f\ndef f(): ...'], read);
    expect(resolved.parts).toEqual([{ from: 'context', text: '# a.py:1-2 f\ndef f(): ...' }]);
    expect(resolved.notes).toEqual(["The prompt's related context: context (25 characters)."]);
  });

  it('reads relevant files by path, takes inline texts, then the compressed context first and the string dependencies last', async () => {
    const resolved = await resolvePlanContext(
      {
        relevant_files: ['src/util.py', { path: 'src/types.py', content: 'class Shape: ...' }, { text: 'SIDES = 4' }],
        compressed_context: 'Shapes compute their own area.',
        dependencies: ['math', { name: 'numpy' }, 'typing'],
        planner: 'v3',
      },
      read,
    );
    expect(resolved.parts).toEqual([
      { from: 'compressed_context', text: 'Shapes compute their own area.' },
      { from: 'relevant_files', path: 'src/util.py', text: `# src/util.py\n${FILES['src/util.py']}` },
      { from: 'relevant_files', path: 'src/types.py', text: '# src/types.py\nclass Shape: ...' },
      { from: 'relevant_files', text: 'SIDES = 4' },
      { from: 'dependencies', text: 'Dependencies: math, typing' },
    ]);
    expect(resolved.notes[0]).toBe(
      "The prompt's related context: compressed_context (30 characters); src/util.py (relevant_files, 67 characters); src/types.py (relevant_files, 31 characters); relevant_files (9 characters); dependencies (26 characters).",
    );
  });

  it('leaves out a relevant file that is not there, and one over the budget, each with a note naming it', async () => {
    const resolved = await resolvePlanContext({ relevant_files: ['src/gone.py', 'src/util.py', 'src/big.py'] }, read, 100);
    expect(resolved.parts.map((part) => part.path)).toEqual(['src/util.py']);
    expect(resolved.notes.slice(1)).toEqual([
      "The plan's relevant file src/gone.py could not be read (No such file: src/gone.py); the prompt went without it.",
      "The plan's relevant file src/big.py was left out: the related files' share of the prompt is 100 characters.",
    ]);
  });
});

describe('relevantFilePaths', () => {
  it('lists the paths to read: strings, and objects with a path and no text', () => {
    expect(relevantFilePaths({ relevant_files: ['a.py', { path: 'b.py' }, { path: 'c.py', content: 'x' }, { text: 'y' }] })).toEqual(['a.py', 'b.py']);
    expect(relevantFilePaths(['text'])).toEqual([]);
    expect(relevantFilePaths(undefined)).toEqual([]);
  });
});
