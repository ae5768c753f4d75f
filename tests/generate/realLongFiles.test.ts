import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PatchPipeline } from '../../src/generate/patchPipeline';
import { createDiffusionConfig, PRESETS } from '../../src/models/diffusionConfig';
import type { DiffusionModel } from '../../src/runtime/diffusionModel';
import { loadModel } from '../../src/runtime/loadModel';
import { nodeModelReader } from '../../src/runtime/nodeModelReader';
import type { SyntaxParser } from '../../src/syntax/syntaxParser';
import { analyze, fixturePath, testParser } from '../support/parser';
import { tinyModel } from '../support/tinyModels';

// The long fixtures (fixtures/real/SOURCES.md, "Long files"): over 1,500 lines each, past the default context budget.
const LONG_FILES = ['real/typescript/runtime.ts', 'real/python/xcode_emulation.py'];

let parser: SyntaxParser;
let diffusion: DiffusionModel;

beforeAll(async () => {
  parser = await testParser();
  const loaded = await loadModel(nodeModelReader((await tinyModel('diffusion')).modelDir), 'q8', 'wasm');
  if (loaded.kind !== 'diffusion') throw new Error('the tiny diffusion model is not a diffusion model');
  diffusion = loaded.model;
});

/** The first, a middle and the last top-level definition of the file. */
async function firstMiddleLast(text: string, fileName: string): Promise<string[]> {
  const analyzed = await analyze(text, fileName);
  analyzed.parsed.delete();
  const topLevel = analyzed.outline.filter((entry) => !entry.qualifiedName.includes('.'));
  return [topLevel[0]!, topLevel[Math.floor(topLevel.length / 2)]!, topLevel.at(-1)!].map((entry) => `${entry.qualifiedName}@${entry.startLine}`);
}

describe('real long files with the tiny models', () => {
  for (const fixture of LONG_FILES) {
    it(`patches the first, a middle and the last definition of ${fixture}, within the default budget`, { timeout: 600_000 }, async () => {
      const original = readFileSync(fixturePath(fixture), 'utf8');
      expect(original.split('\n').length).toBeGreaterThan(1500);
      const fileName = basename(fixture);
      const builder = new PatchPipeline({
        parser,
        models: { diffusion, precision: 'q8' },
        config: createDiffusionConfig({ preset: 'demo', steps: 2, maxRemaskRounds: 0, fallback: false, seed: 5 }),
        readSource: async () => original,
      });
      const repo = mkdtempSync(join(tmpdir(), 'builder-long-file-'));
      execFileSync('git', ['init', '-q'], { cwd: repo });
      writeFileSync(join(repo, fileName), original);
      for (const target of await firstMiddleLast(original, fileName)) {
        const patch = await builder.generatePatch({ filePath: fileName, editTargets: [target], intent: 'add input validation' });
        expect(patch.sample.path, target).toBe('diffusion');
        // The model saw a window of the file, within the default budget, and the provenance says how much.
        expect(patch.context!.budget).toBe(PRESETS.demo.config.contextTokens);
        expect(patch.context!.tokens).toBeLessThanOrEqual(PRESETS.demo.config.contextTokens!);
        expect(patch.context!.keptLines).toBeLessThan(patch.context!.totalLines);
        expect(patch.context!.totalLines).toBe(original.endsWith('\n') ? original.split('\n').length - 1 : original.split('\n').length);
        // Only the span changed: the rest of the whole original file is there byte for byte.
        const [span] = patch.maskedSpans;
        const tail = original.length - span!.range.end;
        expect(patch.generatedCode.slice(0, span!.range.start)).toBe(original.slice(0, span!.range.start));
        expect(patch.generatedCode.slice(patch.generatedCode.length - tail)).toBe(original.slice(span!.range.end));
        writeFileSync(join(repo, 'change.patch'), patch.unifiedDiff);
        execFileSync('git', ['apply', '--check', 'change.patch'], { cwd: repo });
      }
    });
  }
});
