import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/ (DESIGN.md, "Architecture") and the ones each may import from. Data flows one
 * way: a layer imports only from the layers below it, so core never learns about ORT, the DOM or
 * the UI, and the UI reaches the engine only through the worker protocols.
 */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  model: ['core'],
  hub: ['core'],
  convert: ['core', 'model'],
  sampler: ['core', 'model'],
  worker: ['core', 'model', 'hub', 'convert', 'sampler'],
  eval: ['core', 'model', 'sampler'],
  cli: ['core', 'model', 'hub', 'convert', 'sampler', 'bench', 'eval'],
  bench: ['core', 'model', 'hub', 'convert', 'sampler', 'worker'],
  ui: ['core', 'worker'],
};

/** Packages that only the layers named may import: onnxruntime-web stays below the UI. */
const PACKAGES_ONLY_IN: Record<string, readonly string[]> = {
  'onnxruntime-web': ['model', 'convert', 'bench'],
  // Native code: only model/nativeRuntime.ts, which only the CLI imports, so Vite's bundle never reaches it.
  'onnxruntime-node': ['model'],
  react: ['ui'],
  'monaco-editor': ['ui'],
};

const SRC = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every module a file names: static and type imports, re-exports, dynamic import() and `new URL(..., import.meta.url)` workers. */
function importedSpecifiers(text: string): string[] {
  const patterns = [/\bfrom\s+'([^']+)'/g, /\bimport\s+'([^']+)'/g, /\bimport\(\s*'([^']+)'\s*\)/g, /new URL\(\s*'([^']+)'\s*,\s*import\.meta\.url/g];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1]!));
}

/** What a file at `path` (relative to src/) imports that its layer may not. */
function forbiddenImports(path: string, text: string): string[] {
  const layer = path.split('/')[0]!;
  const allowed = ALLOWED[layer];
  if (!allowed) return [`(${path} is in no known layer)`];
  return importedSpecifiers(text).filter((specifier) => {
    if (!specifier.startsWith('.')) {
      const only = PACKAGES_ONLY_IN[specifier.split('/')[0]!];
      return only !== undefined && !only.includes(layer);
    }
    const target = relative(SRC, join(SRC, path, '..', specifier)).split('/')[0]!;
    // Files outside src/ (bin/, public/ assets found by URL) are no layer's.
    if (target === layer || target === '..') return false;
    // The UI may start the workers and read their protocols, nothing else of theirs.
    if (layer === 'ui' && target === 'worker') return !/(Protocol|\.worker)(\.ts)?$/.test(specifier);
    return !allowed.includes(target);
  });
}

describe('layers', () => {
  it('no file in src/ imports from a layer above its own', () => {
    const found = sourceFiles(SRC).flatMap((file) => forbiddenImports(relative(SRC, file), readFileSync(file, 'utf8')).map((specifier) => `${relative(SRC, file)} imports ${specifier}`));
    expect(found).toEqual([]);
  });

  it('names an upward import, a worker internal reached from the UI and ORT in the UI', () => {
    expect(forbiddenImports('core/x.ts', "import type { Backend } from '../model/ortSession';")).toEqual(['../model/ortSession']);
    expect(
      forbiddenImports('ui/x.ts', "import { a } from '../worker/gpuProbe';\nimport type { R } from '../worker/engineProtocol';\nnew Worker(new URL('../worker/engine.worker.ts', import.meta.url));"),
    ).toEqual(['../worker/gpuProbe']);
    expect(forbiddenImports('ui/x.ts', "import * as ort from 'onnxruntime-web/webgpu';")).toEqual(['onnxruntime-web/webgpu']);
    expect(forbiddenImports('sampler/x.ts', "import { denoise } from './denoise';\nimport { x } from '../core/rng';")).toEqual([]);
  });
});
