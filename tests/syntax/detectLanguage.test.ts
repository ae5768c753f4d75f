import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UnsupportedLanguageError } from '../../src/errors/inputErrors';
import { detectLanguage, languageFromContent, languageFromFileName } from '../../src/syntax/detectLanguage';
import { LANGUAGE_IDS, LANGUAGES, type LanguageId } from '../../src/syntax/languages';
import { fixturePath, readFixture } from '../support/parser';

/** Written out by hand, so a wrong entry in languages.ts shows up here. */
const EXPECTED_EXTENSIONS: Record<string, LanguageId> = {
  '.py': 'python',
  '.pyi': 'python',
  '.pyw': 'python',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.rs': 'rust',
  '.go': 'go',
  '.java': 'java',
  '.c': 'c',
  '.h': 'c',
  '.cc': 'cpp',
  '.cpp': 'cpp',
  '.cxx': 'cpp',
  '.c++': 'cpp',
  '.hpp': 'cpp',
  '.hh': 'cpp',
  '.hxx': 'cpp',
  '.h++': 'cpp',
  '.ipp': 'cpp',
  '.cs': 'csharp',
  '.rb': 'ruby',
  '.rake': 'ruby',
  '.gemspec': 'ruby',
  '.php': 'php',
  '.phtml': 'php',
  '.sh': 'bash',
  '.bash': 'bash',
  '.zsh': 'bash',
};

/** Every real fixture as [language folder, file name]. */
const REAL_FIXTURES: [LanguageId, string][] = readdirSync(fixturePath('real'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) => readdirSync(fixturePath(`real/${folder.name}`)).map((file): [LanguageId, string] => [folder.name as LanguageId, file]));

/**
 * Fixtures whose content alone genuinely cannot tell their language, with the reason. Empty: every
 * real fixture carries signs of its language (cache.cc, for one, has `namespace`, `class` and
 * `std::`, which C has not).
 */
const AMBIGUOUS_CONTENT: Record<string, string> = {};

describe('languageFromFileName', () => {
  it.each(Object.entries(EXPECTED_EXTENSIONS))('maps %s to %s', (extension, language) => {
    expect(languageFromFileName(`src/some.file${extension}`)).toBe(language);
  });

  it('knows exactly the extensions listed in languages.ts, each for one language', () => {
    const listed = LANGUAGE_IDS.flatMap((id) => LANGUAGES[id].extensions.map((extension) => [extension, id]));
    expect(Object.fromEntries(listed)).toEqual(EXPECTED_EXTENSIONS);
    expect(listed).toHaveLength(Object.keys(EXPECTED_EXTENSIONS).length);
  });

  it('ignores the case of the extension', () => {
    expect(languageFromFileName('MAIN.PY')).toBe('python');
    expect(languageFromFileName('Widget.TSX')).toBe('tsx');
  });

  it.each(['Makefile', 'README.md', 'archive.tar.gz', '.bashrc', 'v1.2/notes', 'main.'])('knows no language for %s', (name) => {
    expect(languageFromFileName(name)).toBeNull();
  });
});

describe('languageFromContent on the real fixtures (no usable file name)', () => {
  it('has fixtures for all 13 languages', () => {
    expect(new Set(REAL_FIXTURES.map(([language]) => language))).toEqual(new Set(LANGUAGE_IDS));
  });

  it.each(REAL_FIXTURES)('detects %s in %s', (language, file) => {
    const text = readFixture(`real/${language}/${file}`);
    const detected = languageFromContent(text);
    if (AMBIGUOUS_CONTENT[`${language}/${file}`]) return;
    expect(detected).toBe(language);
    expect(detectLanguage('pasted', text)).toBe(language);
  });

  it.each(REAL_FIXTURES.filter(([language]) => language === 'bash' || language === 'php'))('detects %s in %s by its code alone, without the shebang or <?php tag', (language, file) => {
    const text = readFixture(`real/${language}/${file}`)
      .replace(/^#!.*\n/, '')
      .replace(/^\s*<\?php/, '');
    expect(languageFromContent(text)).toBe(language);
  });
});

describe('languageFromContent: shebangs and tags', () => {
  it.each([
    ['#!/usr/bin/env python3\nprint(1)\n', 'python'],
    ['#!/usr/bin/python3.11\nprint(1)\n', 'python'],
    ['#!/usr/bin/env python\nx = 1\n', 'python'],
    ['#!/bin/sh\nls\n', 'bash'],
    ['#!/bin/bash -e\nls\n', 'bash'],
    ['#!/usr/bin/env zsh\nls\n', 'bash'],
    ['#! /usr/bin/env node\nrun();\n', 'javascript'],
    ['#!/usr/bin/env -S deno run --allow-net\nserve();\n', 'typescript'],
    ['#!/usr/bin/env ts-node\nmain();\n', 'typescript'],
    ['#!/usr/bin/env ruby\nputs 1\n', 'ruby'],
    ['#!/usr/bin/php\necho 1;\n', 'php'],
  ] as const)('reads %j as %s', (text, language) => {
    expect(languageFromContent(text)).toBe(language);
  });

  it('reads the code after a shebang of an interpreter it does not know', () => {
    expect(languageFromContent('#!/usr/bin/env perl\nprint "hi";\n')).toBeNull();
    expect(languageFromContent('#!/opt/weird/interp\nimport os\n\ndef main():\n    print(os.getcwd())\n')).toBe('python');
  });

  it('reads a file opening with <?php as PHP', () => {
    expect(languageFromContent('<?php\necho "hi";\n')).toBe('php');
    expect(languageFromContent('\n  <?php echo 1;')).toBe('php');
  });

  it('tells TSX from TypeScript by JSX markup', () => {
    const ts = "import { x } from './x';\nexport function f(a: string): number {\n  return a.length;\n}\n";
    const tsx = `${ts}import React from 'react';\nexport function App(): React.ReactNode {\n  return (\n    <div>hi</div>\n  );\n}\n`;
    expect(languageFromContent(ts)).toBe('typescript');
    expect(languageFromContent(tsx)).toBe('tsx');
  });

  it('finds no language in prose', () => {
    expect(languageFromContent('Dear team,\nthe meeting moved to Tuesday.\n')).toBeNull();
  });
});

describe('detectLanguage', () => {
  it('prefers the file extension over the content', () => {
    expect(detectLanguage('script.py', '#!/bin/bash\necho hi\n')).toBe('python');
  });

  it('takes an override over both', () => {
    expect(detectLanguage('script.py', 'def f():\n    pass\n', 'rust')).toBe('rust');
  });

  it('falls back to the content when the name has no known extension', () => {
    expect(detectLanguage('run', '#!/usr/bin/env bash\necho hi\n')).toBe('bash');
  });

  it('reads a .h file that holds C++ as C++', () => {
    const header = '#include <vector>\n\nnamespace geo {\nclass Shape {\n public:\n  virtual ~Shape();\n  std::vector<int> ids;\n};\n}\n';
    expect(detectLanguage('shape.h', header)).toBe('cpp');
  });

  it('keeps a .h file that holds C as C', () => {
    const header = '#include <stdio.h>\n\ntypedef struct node {\n  int value;\n} node;\n\nint count(node *n);\n';
    expect(detectLanguage('node.h', header)).toBe('c');
  });

  it('refuses an unknown override, listing the languages it knows', () => {
    let error: unknown;
    try {
      detectLanguage('a.py', 'x = 1\n', 'cobol');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnsupportedLanguageError);
    expect((error as Error).message).toBe(`Unsupported language "cobol"; choose one of: ${LANGUAGE_IDS.join(', ')}.`);
    expect((error as Error).message).toContain('python, typescript, tsx, javascript, rust, go, java, c, cpp, csharp, ruby, php, bash');
  });

  it('refuses a file whose name and content tell nothing, naming the file', () => {
    expect(() => detectLanguage('notes.xyz', 'hello there\nnothing to see\n')).toThrow(UnsupportedLanguageError);
    expect(() => detectLanguage('notes.xyz', 'hello there\nnothing to see\n')).toThrow(/Cannot tell the language of notes\.xyz/);
  });

  it('does not accept an inherited property name as a language', () => {
    expect(() => detectLanguage('a.py', 'x = 1\n', 'toString')).toThrow(UnsupportedLanguageError);
  });
});
