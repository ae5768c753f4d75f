import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmbiguousTargetError, TargetError, UnknownTargetError } from '../../src/errors/inputErrors';
import type { AnalyzedSource } from '../../src/syntax/analyzeSource';
import type { OutlineEntry } from '../../src/syntax/outline';
import { resolveTargets, type TargetSpec, targetKeys } from '../../src/syntax/targets';
import { analyze } from '../support/parser';

// Line numbers are written next to the code they refer to.
const SOURCE = [
  'def parse(text):', //                  1
  '    return text', //                   2
  '', //                                  3
  '', //                                  4
  'class Parser:', //                     5
  '    def parse(self, text):', //        6
  '        return text', //               7
  '', //                                  8
  '    def tokens(self):', //             9
  '        return []', //                 10
  '', //                                  11
  '    def parse_line(self, line):', //   12
  '        def helper():', //             13
  '            return line', //           14
  '        return helper()', //           15
  '', //                                  16
  '', //                                  17
  'class Lexer:', //                      18
  '    def tokens(self):', //             19
  '        pass', //                      20
  '', //                                  21
  'x = 1', //                             22
  '',
].join('\n');

let analyzed: AnalyzedSource;

beforeAll(async () => {
  analyzed = await analyze(SOURCE, 'parser.py');
});

afterAll(() => analyzed.parsed.delete());

const resolve = (...specs: TargetSpec[]): OutlineEntry[] => resolveTargets(analyzed.outline, analyzed.parsed.source, specs);
const names = (...specs: TargetSpec[]): string[] => resolve(...specs).map((e) => `${e.qualifiedName}@${e.startLine}`);

/** The error a call throws, so its class and fields can be checked. */
function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}

describe('resolveTargets by name', () => {
  it('finds a class and a method by qualified name', () => {
    expect(names('Parser')).toEqual(['Parser@5']);
    expect(names('Parser.parse')).toEqual(['Parser.parse@6']);
    expect(names('Parser.parse_line.helper')).toEqual(['Parser.parse_line.helper@13']);
  });

  it('accepts the C++/Rust `::` form for a qualified name', () => {
    expect(names('Parser::parse')).toEqual(['Parser.parse@6']);
    expect(names('Parser::parse_line::helper')).toEqual(['Parser.parse_line.helper@13']);
  });

  it('finds a definition by its plain name when the name is unique', () => {
    expect(names('helper')).toEqual(['Parser.parse_line.helper@13']);
    expect(names('parse_line')).toEqual(['Parser.parse_line@12']);
  });

  it('prefers an exact qualified name over plain names that match', () => {
    // `parse` is the top-level function's qualified name, and also the plain name of Parser.parse.
    expect(names('parse')).toEqual(['parse@1']);
  });

  it('ignores blanks around a name', () => {
    expect(names('  Parser.parse  ')).toEqual(['Parser.parse@6']);
  });
});

describe('resolveTargets by NAME@LINE', () => {
  it('picks one of several same-named definitions by the line it starts on', () => {
    expect(names('tokens@9')).toEqual(['Parser.tokens@9']);
    expect(names('tokens@19')).toEqual(['Lexer.tokens@19']);
    expect(names('Lexer.tokens@19')).toEqual(['Lexer.tokens@19']);
    expect(names('parse@6')).toEqual(['Parser.parse@6']);
  });

  it('refuses a line on which no such definition starts', () => {
    const error = thrown(() => resolve('tokens@10'));
    expect(error).toBeInstanceOf(UnknownTargetError);
    expect((error as UnknownTargetError).target).toBe('tokens@10');
  });
});

describe('resolveTargets by cursor position', () => {
  it('picks the innermost definition around the cursor', () => {
    expect(names({ line: 14, column: 13 })).toEqual(['Parser.parse_line.helper@13']);
    expect(names({ line: 15, column: 9 })).toEqual(['Parser.parse_line@12']);
    expect(names({ line: 10, column: 5 })).toEqual(['Parser.tokens@9']);
    expect(names({ line: 5, column: 1 })).toEqual(['Parser@5']);
    expect(names({ line: 8, column: 1 })).toEqual(['Parser@5']);
  });

  it('refuses a cursor outside every definition, saying where it is', () => {
    const error = thrown(() => resolve({ line: 22, column: 1 }));
    expect(error).toBeInstanceOf(TargetError);
    expect(error.message).toBe('No function or class encloses line 22, column 1.');
    expect(() => resolve({ line: 3, column: 1 })).toThrow(TargetError);
  });

  it('targets a definition when the cursor sits just after its last character', () => {
    // Line 2 is `    return text`: column 16 is the end of the line, still in `parse`.
    expect(names({ line: 2, column: 16 })).toEqual(['parse@1']);
  });

  it('does not let a column past the end of a line reach the next line', () => {
    // Line 4 is empty; Parser starts on line 5. A click far right on line 4 is outside every definition.
    expect(() => resolve({ line: 4, column: 40 })).toThrow(TargetError);
  });
});

describe('resolveTargets: unknown names', () => {
  it('refuses an unknown name with UnknownTargetError listing the closest names', () => {
    const error = thrown(() => resolve('parse_lin'));
    expect(error).toBeInstanceOf(UnknownTargetError);
    const { target, suggestions } = error as UnknownTargetError;
    expect(target).toBe('parse_lin');
    expect(suggestions[0]).toBe('parse_line');
    expect(suggestions.length).toBeLessThanOrEqual(5);
    expect(error.message).toBe(`No definition named "parse_lin". Closest: ${suggestions.join(', ')}.`);
  });

  it('suggests the near name for a typo, ignoring case', () => {
    expect((thrown(() => resolve('lexr')) as UnknownTargetError).suggestions).toContain('Lexer');
    expect((thrown(() => resolve('parser.Parse')) as UnknownTargetError).suggestions[0]).toBe('Parser.parse');
  });

  it('still suggests something for a name far from all of them', () => {
    const { suggestions } = thrown(() => resolve('zzzzzzzzzzzz')) as UnknownTargetError;
    expect(suggestions.length).toBeGreaterThan(0);
    expect(suggestions.length).toBeLessThanOrEqual(5);
  });
});

describe('resolveTargets: ambiguous names', () => {
  it('refuses a name shared by several definitions, listing each with kind and line', () => {
    const error = thrown(() => resolve('tokens'));
    expect(error).toBeInstanceOf(AmbiguousTargetError);
    const { target, candidates } = error as AmbiguousTargetError;
    expect(target).toBe('tokens');
    expect(candidates).toEqual(['Parser.tokens (method, line 9)', 'Lexer.tokens (method, line 19)']);
    expect(error.message).toContain('"tokens" names 2 definitions');
    expect(error.message).toContain('"Parser.tokens@9"');
  });
});

describe('resolveTargets: several targets', () => {
  it('returns the targets once each, in source order', () => {
    expect(names('Lexer', 'parse')).toEqual(['parse@1', 'Lexer@18']);
  });

  it('deduplicates a definition named in several ways', () => {
    expect(names('Parser.parse', 'Parser::parse', 'parse@6', { line: 7, column: 9 })).toEqual(['Parser.parse@6']);
  });

  it('refuses no targets at all', () => {
    const error = thrown(() => resolve());
    expect(error).toBeInstanceOf(TargetError);
    expect(error.message).toContain('No targets');
  });

  it('refuses any target in a file without definitions', async () => {
    const plain = await analyze('x = 1\nprint(x)\n', 'script.py');
    try {
      const error = thrown(() => resolveTargets(plain.outline, plain.parsed.source, ['x']));
      expect(error).toBeInstanceOf(TargetError);
      expect(error.message).toBe('This file has no functions or classes to target.');
    } finally {
      plain.parsed.delete();
    }
  });

  it('fails as a whole when one of several targets is unknown', () => {
    expect(() => resolve('Parser', 'nope')).toThrow(UnknownTargetError);
  });
});

describe('targetKeys', () => {
  it('keys a definition by its qualified name, numbering those that share one, and resolves each key back', async () => {
    const twice = await analyze('def f():\n    return 1\n\n\ndef g():\n    pass\n\n\ndef f():\n    return 2\n', 'twice.py');
    try {
      const keys = targetKeys(twice.outline);
      expect(keys).toEqual(['f#1', 'g', 'f#2']);
      keys.forEach((key, i) => expect(resolveTargets(twice.outline, twice.parsed.source, [key])).toEqual([twice.outline[i]]));
      expect(() => resolveTargets(twice.outline, twice.parsed.source, ['f'])).toThrow(AmbiguousTargetError);
    } finally {
      twice.parsed.delete();
    }
  });
});
