import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WasmLocator } from '../syntax/syntaxParser';

const wasmDirectory = fileURLToPath(new URL('../../public/wasm/', import.meta.url));

/** In Node the WASM files are read from public/wasm, where `npm install` copies them. */
export const nodeWasmLocator: WasmLocator = (fileName) => {
  const path = wasmDirectory + fileName;
  if (!existsSync(path)) throw new Error(`${path} is missing; run \`npm install\` to copy the WASM files.`);
  return path;
};
