import { readFileSync } from 'node:fs';
import { nodeWasmLocator } from '../../src/cli/wasmFiles';
import { type AnalyzedSource, analyzeSource } from '../../src/syntax/analyzeSource';
import { SyntaxParser } from '../../src/syntax/syntaxParser';

let shared: Promise<SyntaxParser> | undefined;

/** One parser for the whole test run: WASM initialises once, grammars load once. */
export function testParser(): Promise<SyntaxParser> {
  shared ??= SyntaxParser.create(nodeWasmLocator);
  return shared;
}

export const fixturePath = (relative: string): string => new URL(`../../fixtures/${relative}`, import.meta.url).pathname;

export function readFixture(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

/** Analyses text; the caller deletes `parsed`. */
export async function analyze(text: string, fileName: string, language?: string): Promise<AnalyzedSource> {
  return analyzeSource(await testParser(), text, fileName, language);
}
