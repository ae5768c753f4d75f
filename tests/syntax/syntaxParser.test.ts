import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Language } from 'web-tree-sitter';
import { nodeWasmLocator } from '../../src/cli/wasmFiles';
import { LANGUAGE_IDS, LANGUAGES, type LanguageId } from '../../src/syntax/languages';
import { SyntaxParser } from '../../src/syntax/syntaxParser';
import { fixturePath, testParser } from '../support/parser';

/** A small valid program per language, with the root node type and first definition node type its grammar gives. */
const SAMPLES: Record<LanguageId, { text: string; root: string; first: string }> = {
  python: { text: 'def f(x):\n    return x\n', root: 'module', first: 'function_definition' },
  typescript: { text: 'function f(x: number): number {\n  return x;\n}\n', root: 'program', first: 'function_declaration' },
  tsx: { text: 'function App() {\n  return <div>hi</div>;\n}\n', root: 'program', first: 'function_declaration' },
  javascript: { text: 'function f(x) {\n  return x;\n}\n', root: 'program', first: 'function_declaration' },
  rust: { text: 'fn f(x: i32) -> i32 {\n    x\n}\n', root: 'source_file', first: 'function_item' },
  go: { text: 'package main\n\nfunc f(x int) int {\n\treturn x\n}\n', root: 'source_file', first: 'package_clause' },
  java: { text: 'class A {\n  int f(int x) { return x; }\n}\n', root: 'program', first: 'class_declaration' },
  c: { text: 'int f(int x) {\n  return x;\n}\n', root: 'translation_unit', first: 'function_definition' },
  cpp: { text: 'template <typename T>\nT f(T x) {\n  return x;\n}\n', root: 'translation_unit', first: 'template_declaration' },
  csharp: { text: 'class A {\n  int F(int x) { return x; }\n}\n', root: 'compilation_unit', first: 'class_declaration' },
  ruby: { text: 'def f(x)\n  x\nend\n', root: 'program', first: 'method' },
  php: { text: '<?php\nfunction f($x) {\n  return $x;\n}\n', root: 'program', first: 'php_tag' },
  bash: { text: 'f() {\n  echo "$1"\n}\n', root: 'program', first: 'function_definition' },
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('SyntaxParser: every language', () => {
  it('has a sample for each of the 13 languages', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...LANGUAGE_IDS].sort());
    expect(LANGUAGE_IDS).toHaveLength(13);
  });

  it('parses each language in turn with its own grammar, without errors', async () => {
    const parser = await testParser();
    for (const language of LANGUAGE_IDS) {
      const { text, root, first } = SAMPLES[language];
      const parsed = await parser.parse(text, language);
      try {
        expect(parsed.language).toBe(language);
        expect(parsed.text).toBe(text);
        expect(parsed.tree.rootNode.type, language).toBe(root);
        expect(parsed.tree.rootNode.firstNamedChild?.type, language).toBe(first);
        expect(parsed.tree.rootNode.hasError, language).toBe(false);
      } finally {
        parsed.delete();
      }
    }
  });

  it('switches grammars correctly when languages alternate', async () => {
    const parser = await testParser();
    const order: LanguageId[] = ['python', 'rust', 'python', 'go', 'rust', 'ruby', 'python', 'c', 'cpp', 'c'];
    for (const language of order) {
      const parsed = await parser.parse(SAMPLES[language].text, language);
      expect(parsed.tree.rootNode.type, language).toBe(SAMPLES[language].root);
      expect(parsed.tree.rootNode.hasError, language).toBe(false);
      parsed.delete();
    }
  });

  it('really uses the grammar asked for: Python read as Rust is full of errors', async () => {
    const parser = await testParser();
    const parsed = await parser.parse(SAMPLES.python.text, 'rust');
    try {
      expect(parsed.tree.rootNode.type).toBe('source_file');
      expect(parsed.tree.rootNode.hasError).toBe(true);
    } finally {
      parsed.delete();
    }
  });

  it('parses several files at once without mixing their grammars', async () => {
    const parser = await testParser();
    const parsed = await Promise.all(LANGUAGE_IDS.map((language) => parser.parse(SAMPLES[language].text, language)));
    try {
      parsed.forEach((p, i) => {
        expect(p.language).toBe(LANGUAGE_IDS[i]);
        expect(p.tree.rootNode.type, p.language).toBe(SAMPLES[p.language].root);
        expect(p.tree.rootNode.hasError, p.language).toBe(false);
      });
    } finally {
      for (const p of parsed) p.delete();
    }
  });
});

describe('SyntaxParser: grammars', () => {
  it('loads each grammar once however many files are parsed', async () => {
    const load = vi.spyOn(Language, 'load');
    const parser = await SyntaxParser.create(nodeWasmLocator);
    for (const language of ['python', 'rust', 'python', 'python', 'rust', 'go'] as const) {
      (await parser.parse(SAMPLES[language].text, language)).delete();
    }
    expect(load).toHaveBeenCalledTimes(3);
    expect(load.mock.calls.map(([path]) => String(path).split('/').pop())).toEqual([LANGUAGES.python.grammarFile, LANGUAGES.rust.grammarFile, LANGUAGES.go.grammarFile]);
  });

  it('finds every grammar file the language table names', () => {
    for (const language of LANGUAGE_IDS) {
      expect(() => readFileSync(nodeWasmLocator(LANGUAGES[language].grammarFile)), language).not.toThrow();
    }
  });

  it('tries a grammar again after it failed to load', async () => {
    let failGo = true;
    const parser = await SyntaxParser.create((name) => (name === LANGUAGES.go.grammarFile && failGo ? fixturePath('no-such-grammar.wasm') : nodeWasmLocator(name)));
    await expect(parser.parse(SAMPLES.go.text, 'go')).rejects.toThrow();
    failGo = false;
    const parsed = await parser.parse(SAMPLES.go.text, 'go');
    expect(parsed.tree.rootNode.type).toBe('source_file');
    parsed.delete();
  });
});

describe('ParsedSource', () => {
  it('holds the text, its language and line table', async () => {
    const parsed = await (await testParser()).parse('a = 1\nb = "😀"\n', 'python');
    try {
      expect(parsed.text).toBe('a = 1\nb = "😀"\n');
      expect(parsed.source.lineCount).toBe(3);
      expect(parsed.source.byteLength).toBe(17);
    } finally {
      parsed.delete();
    }
  });

  it('frees its tree on delete(): the tree cannot be read afterwards', async () => {
    const parsed = await (await testParser()).parse(SAMPLES.python.text, 'python');
    expect(parsed.tree.rootNode.type).toBe('module');
    parsed.delete();
    expect(() => parsed.tree.rootNode.type).toThrow();
  });

  it('keeps WASM memory bounded over 200 parses of a large file when each tree is deleted', async () => {
    // WASM memory only grows; each growth goes through Memory.prototype.grow. Undeleted trees of
    // this ~110 KB file would take hundreds of MB; deleted ones are reused.
    const parser = await testParser();
    const text = readFileSync(fixturePath('real/python/_urls.py'), 'utf8').repeat(5);
    for (let i = 0; i < 3; i++) (await parser.parse(text, 'python')).delete();
    const grow = vi.spyOn(WebAssembly.Memory.prototype, 'grow');
    for (let i = 0; i < 200; i++) {
      const parsed = await parser.parse(text, 'python');
      expect(parsed.tree.rootNode.hasError).toBe(false);
      parsed.delete();
    }
    const grownBytes = grow.mock.calls.reduce((sum, [pages]) => sum + Number(pages) * 65_536, 0);
    expect(grownBytes).toBeLessThan(16 * 1024 * 1024);
  });

  it('would grow WASM memory if trees were kept: the bound above can fail', async () => {
    const parser = await testParser();
    const text = readFileSync(fixturePath('real/python/_urls.py'), 'utf8').repeat(5);
    for (let i = 0; i < 3; i++) (await parser.parse(text, 'python')).delete();
    const grow = vi.spyOn(WebAssembly.Memory.prototype, 'grow');
    const kept = [];
    try {
      for (let i = 0; i < 30; i++) kept.push(await parser.parse(text, 'python'));
      const grownBytes = grow.mock.calls.reduce((sum, [pages]) => sum + Number(pages) * 65_536, 0);
      expect(grownBytes).toBeGreaterThan(16 * 1024 * 1024);
    } finally {
      for (const parsed of kept) parsed.delete();
    }
  });
});
