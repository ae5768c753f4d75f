import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { analyzeSource, type AnalyzedSource } from '../core/analyzeSource';
import { decodeSource } from '../core/decodeSource';
import { InputError } from '../core/inputErrors';
import { SyntaxParser } from '../core/syntaxParser';
import { nodeWasmLocator } from './wasmFiles';

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`No such file: ${path}`);
    if (code === 'EISDIR') throw new InputError(`${path} is a folder, not a file.`);
    if (code === 'EACCES') throw new InputError(`Cannot read ${path}: permission denied.`);
    throw error;
  }
}

/** Reads, decodes, parses and outlines a file given on the command line. */
export async function analyzeFile(path: string, language?: string): Promise<AnalyzedSource> {
  const text = decodeSource(readBytes(path), basename(path));
  const parser = await SyntaxParser.create(nodeWasmLocator);
  return analyzeSource(parser, text, basename(path), language);
}
