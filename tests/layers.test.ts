import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/, each a folder named by what it holds, and the layers each may import from.
 * This table is the one place the rule is written; docs/architecture.md draws it. Data flows one
 * way: a layer imports only from layers below it, so reading code never learns about ORT, the DOM
 * or the UI, and the UI reaches the engine only through the worker entry points and protocols.
 */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  random: ['errors'],
  syntax: ['errors'],
  prompt: ['errors', 'syntax'],
  models: ['errors', 'random', 'syntax', 'prompt'],
  repository: ['errors', 'syntax'],
  plan: ['errors', 'syntax', 'models', 'repository'],
  runtime: ['errors', 'prompt', 'models'],
  hub: ['errors', 'prompt', 'models'],
  convert: ['errors', 'random', 'prompt', 'models', 'runtime'],
  generate: ['errors', 'random', 'syntax', 'prompt', 'models', 'repository', 'plan', 'runtime'],
  install: ['errors', 'models', 'runtime', 'hub', 'convert'],
  eval: ['errors', 'syntax', 'models', 'plan', 'generate'],
  measure: ['errors', 'random', 'syntax', 'prompt', 'models', 'runtime', 'hub', 'convert', 'generate'],
  worker: ['errors', 'syntax', 'prompt', 'models', 'repository', 'plan', 'runtime', 'generate', 'install'],
  cli: ['errors', 'random', 'syntax', 'prompt', 'models', 'repository', 'plan', 'runtime', 'hub', 'convert', 'generate', 'install', 'eval', 'measure'],
  ui: ['errors', 'random', 'syntax', 'prompt', 'models', 'repository', 'plan', 'worker'],
};

/** Packages that only the layers named may import: onnxruntime-web stays below the UI. */
const PACKAGES_ONLY_IN: Record<string, readonly string[]> = {
  'onnxruntime-web': ['runtime', 'convert', 'measure'],
  // Native code: only runtime/nativeRuntime.ts, which only the CLI imports, so Vite's bundle never reaches it.
  'onnxruntime-node': ['runtime'],
  react: ['ui'],
  'monaco-editor': ['ui'],
};

const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
/**
 * The folders outside src/ that import it: tests, end-to-end specs, benchmark scripts, training and
 * install scripts. src/ never imports them. Among themselves, the tests' support modules (its doubles,
 * the authors' samplers ported, the known-answer task) are shared: bench/ measures with the same ones
 * the tests check, and e2e/ uses them too, so one copy serves all; the support imports no benchmark
 * or spec, and nothing imports a test file.
 */
const SCRIPT_FOLDERS = ['tests', 'e2e', 'bench', 'training', 'scripts'];

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
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
    const resolved = join(SRC, path, '..', specifier);
    const target = relative(SRC, resolved).split('/')[0]!;
    // Outside src/, assets found by URL (public/) are fine; the folders of scripts run against src/ are not.
    if (target === '..') return SCRIPT_FOLDERS.includes(relative(ROOT, resolved).split('/')[0]!);
    if (target === layer) return false;
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
    expect(forbiddenImports('syntax/x.ts', "import type { Backend } from '../runtime/ortSession';")).toEqual(['../runtime/ortSession']);
    expect(
      forbiddenImports('ui/x.ts', "import { a } from '../runtime/gpuProbe';\nimport type { R } from '../worker/engineProtocol';\nnew Worker(new URL('../worker/engine.worker.ts', import.meta.url));"),
    ).toEqual(['../runtime/gpuProbe']);
    expect(forbiddenImports('ui/x.ts', "import * as ort from 'onnxruntime-web/webgpu';")).toEqual(['onnxruntime-web/webgpu']);
    expect(forbiddenImports('generate/x.ts', "import { denoise } from './denoise';\nimport { x } from '../random/rng';")).toEqual([]);
    expect(forbiddenImports('runtime/x.ts', "import { startHubDouble } from '../../tests/support/hubDouble';")).toEqual(['../../tests/support/hubDouble']);
  });

  it('outside src/: the support imports no benchmark or spec, and nothing imports a test file', () => {
    const relativeImports = (folder: string) =>
      sourceFiles(join(ROOT, folder)).flatMap((file) =>
        importedSpecifiers(readFileSync(file, 'utf8'))
          .filter((specifier) => specifier.startsWith('.'))
          .map((specifier) => ({ file: relative(ROOT, file), target: relative(ROOT, join(file, '..', specifier)) })),
      );
    const all = SCRIPT_FOLDERS.flatMap(relativeImports);
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter(({ target }) => /\.test(\.ts)?$/.test(target)).map(({ file, target }) => `${file} imports ${target}`)).toEqual([]);
    const fromSupport = relativeImports('tests/support').filter(({ target }) => target.startsWith('bench/') || target.startsWith('e2e/'));
    expect(fromSupport.map(({ file, target }) => `${file} imports ${target}`)).toEqual([]);
  });

  it('the worker folder holds only worker entry points and their protocols', () => {
    const others = readdirSync(join(SRC, 'worker')).filter((name) => !/(\.worker|Protocol)\.ts$/.test(name));
    expect(others).toEqual([]);
  });

  it('docs/architecture.md draws every layer, and every folder of src/ is a layer', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.sort()).toEqual(Object.keys(ALLOWED).sort());
    const doc = readFileSync(join(SRC, '..', 'docs', 'architecture.md'), 'utf8');
    expect(Object.keys(ALLOWED).filter((layer) => !doc.includes(`src/${layer}/`))).toEqual([]);
  });
});
