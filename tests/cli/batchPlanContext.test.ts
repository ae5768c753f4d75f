import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GeneratedPatch } from '../../src/plan/refactorPlan';
import { builder, builderIn } from '../support/cli';
import { tinyModel } from '../support/tinyModels';

const SHAPES = 'import math\n\n\ndef area(radius):\n    return math.pi * radius ** 2\n';
const UTIL = 'def square(x):\n    return x * x\n';

let root: string;
let model: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'builder-plan-context-'));
  writeFileSync(join(root, 'shapes.py'), SHAPES);
  writeFileSync(join(root, 'util.py'), UTIL);
  model = (await tinyModel('diffusion')).modelDir;
});

const plan = { filePath: 'shapes.py', editTargets: ['area'], intent: 'use the helper' };

describe("builder batch --plans with the planner's context mapping", () => {
  it('runs plans with {}, with relevant files read from where the batch runs, and with unknown keys kept in the provenance', async () => {
    const work = mkdtempSync(join(tmpdir(), 'builder-plan-context-run-'));
    const unknown = { planner_run: { id: 7, model: 'planner-x' }, ranking: [0.9, 0.1] };
    writeFileSync(
      join(work, 'plans.json'),
      JSON.stringify([
        { ...plan, context: {} },
        { ...plan, context: { relevant_files: ['util.py', 'gone.py'] } },
        { ...plan, context: { compressed_context: 'Areas are in square metres.', ...unknown } },
      ]),
    );
    const outDir = join(work, 'out');
    const run = await builderIn(root, 'batch', '--plans', join(work, 'plans.json'), '--model', model, '--no-fallback', '--steps', '2', '--out-dir', outDir);
    expect([0, 3], run.stderr).toContain(run.code);
    expect(run.stderr).toContain(`${join(work, 'plans.json')}: the plan for shapes.py names the relevant file gone.py, which is not a file in the current folder; that plan runs without it.\n`);
    expect(run.stderr).not.toContain('util.py');
    const [empty, related, kept] = [1, 2, 3].map((i) => JSON.parse(readFileSync(join(outDir, `0${i}-shapes.py.json`), 'utf8')) as GeneratedPatch);
    expect(empty!.plan.context).toEqual({});
    expect(empty!.notes.some((note) => note.includes('related context'))).toBe(false);
    // The file's text made the sequence longer by at least its own tokens (the sampler's test reads the prompt itself).
    expect(related!.context!.tokens).toBeGreaterThan(empty!.context!.tokens + 10);
    expect(related!.notes).toContain(`The prompt's related context: util.py (relevant_files, ${`# util.py\n${UTIL}`.length} characters).`);
    expect(related!.notes).toContain("The plan's relevant file gone.py could not be read (No such file: gone.py); the prompt went without it.");
    expect(kept!.plan.context).toEqual({ compressed_context: 'Areas are in square metres.', ...unknown });
    expect(kept!.notes).toContain("The prompt's related context: compressed_context (27 characters).");
  }, 180_000);

  it('reads relevant files from --root, shows them in the provenance, and names the ones it does not find there before any model loads', async () => {
    const work = mkdtempSync(join(tmpdir(), 'builder-plan-context-root-'));
    writeFileSync(join(work, 'plans.json'), JSON.stringify([{ ...plan, context: { relevant_files: ['util.py', { path: '../outside.py' }, 'gone.py'] } }]));
    const json = join(work, 'provenance.json');
    const run = await builder('batch', '--plans', join(work, 'plans.json'), '--root', root, '--model', model, '--no-fallback', '--steps', '2', '--out', join(work, 'all.patch'), '--json', json);
    expect([0, 3], run.stderr).toContain(run.code);
    const warnings = run.stderr.split('\n').filter((line) => line.includes('names the relevant file'));
    expect(warnings).toEqual([
      `${join(work, 'plans.json')}: the plan for shapes.py names the relevant file ../outside.py, which is not a file in ${root}; that plan runs without it.`,
      `${join(work, 'plans.json')}: the plan for shapes.py names the relevant file gone.py, which is not a file in ${root}; that plan runs without it.`,
    ]);
    const [file] = (JSON.parse(readFileSync(json, 'utf8')) as { files: { patch: GeneratedPatch }[] }).files;
    expect(file!.patch.notes).toContain(`The prompt's related context: util.py (relevant_files, ${`# util.py\n${UTIL}`.length} characters).`);
  }, 180_000);

  it('refuses a context that is neither shape, in one line naming the plan', async () => {
    const work = mkdtempSync(join(tmpdir(), 'builder-plan-context-bad-'));
    writeFileSync(join(work, 'plans.json'), JSON.stringify([{ ...plan, context: { relevant_files: 'util.py' } }]));
    const run = await builderIn(root, 'batch', '--plans', join(work, 'plans.json'), '--model', model);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`builder: ${join(work, 'plans.json')} has invalid plans: plans[0].context.relevant_files must be a list of paths or of { path, content } objects.\n`);
  });
});
