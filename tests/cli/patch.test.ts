import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builder, builderIn, expectUsageError } from '../support/cli';
import { tinyModel } from '../support/tinyModels';

const SOURCE = 'def area(radius):\n    return 3.14159 * radius ** 2\n\n\ndef double(x):\n    return 2 * x\n';

let work: string;
let model: string;
let fallbackModel: string;
let file: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'builder-cli-patch-'));
  file = join(work, 'shapes.py');
  writeFileSync(file, SOURCE);
  model = (await tinyModel('diffusion')).modelDir;
  fallbackModel = (await tinyModel('autoregressive')).modelDir;
});

const patch = (...args: string[]) => builder('patch', '--file', file, '--model', model, '--no-fallback', '--steps', '2', ...args);

describe('builder patch', () => {
  it('writes the patch and the GeneratedPatch JSON; exit 3 when the result does not parse, and the patch still applies', async () => {
    const out = join(work, 'change.patch');
    const json = join(work, 'change.json');
    // Run from the file's folder, as a user would from their repository: the patch names it relatively.
    const run = await builderIn(
      work,
      'patch',
      '--file',
      'shapes.py',
      '--model',
      model,
      '--no-fallback',
      '--steps',
      '2',
      '--target',
      'area',
      '--prompt',
      'use math.pi',
      '--seed',
      '4',
      '--out',
      out,
      '--json',
      json,
    );
    const generated = JSON.parse(readFileSync(json, 'utf8'));
    expect(run.code, run.stderr).toBe(generated.canApply ? 0 : 3);
    for (const key of [
      'filePath',
      'originalCode',
      'generatedCode',
      'unifiedDiff',
      'maskedSpans',
      'sample',
      'plan',
      'isValidSyntax',
      'validationErrors',
      'generationTimestamp',
      'riskScore',
      'canApply',
      'model',
    ]) {
      expect(generated, key).toHaveProperty(key);
    }
    expect(generated.sample).toMatchObject({ numSteps: 2, seed: 4, path: 'diffusion' });
    expect(generated.filePath).toBe('shapes.py');
    expect(readFileSync(out, 'utf8')).toBe(generated.unifiedDiff);
    const repo = mkdtempSync(join(tmpdir(), 'builder-cli-apply-'));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    writeFileSync(join(repo, generated.filePath), SOURCE);
    execFileSync('git', ['apply', out], { cwd: repo });
    expect(readFileSync(join(repo, generated.filePath), 'utf8')).toBe(generated.generatedCode);
  });

  // No target, no prompt and invalid settings are in the trust report's table (tests/trust/inputs.test.ts).
  it('regenerates only the body with --mode body, and refuses another mode before any model loads', async () => {
    const json = join(work, 'body.json');
    const run = await patch('--target', 'area', '--prompt', 'x', '--mode', 'body', '--json', json);
    expect(run.code, run.stderr).not.toBe(2);
    const generated = JSON.parse(readFileSync(json, 'utf8'));
    expect(generated.plan.maskMode).toBe('body');
    expect(generated.maskedSpans.map((span: { mode: string }) => span.mode)).toEqual(['body']);
    expect(generated.generatedCode.startsWith('def area(radius):\n')).toBe(true);
    expectUsageError(
      await builder('patch', '--file', file, '--model', join(work, 'no-model'), '--target', 'area', '--prompt', 'x', '--mode', 'signature'),
      /--mode takes definition or body; got "signature"/,
    );
  });

  it('refuses an unknown target once the models are loaded', async () => {
    expectUsageError(await patch('--target', 'aera', '--prompt', 'x'), /No definition named "aera". Closest: area/);
  });

  it('refuses a model of the wrong kind', async () => {
    expectUsageError(await builder('patch', '--file', file, '--model', fallbackModel, '--target', 'area', '--prompt', 'x'), /autoregressive model; --model needs a diffusion model/);
  });

  it('says how to get a preset model that is not there', async () => {
    expectUsageError(await builder('patch', '--file', file, '--preset', 'quality', '--target', 'area', '--prompt', 'x'), /builder pull JetLM\/SDAR-1\.7B-Chat --out \S+sdar-1\.7b-chat --family sdar/);
  });
});

describe('builder batch', () => {
  it('refuses a malformed plans file', async () => {
    const plans = join(work, 'bad-plans.json');
    writeFileSync(plans, '[{"filePath": "a.py", "editTargets": "area"}]');
    expectUsageError(await builder('batch', '--plans', plans, '--model', model), /plans\[0\]/);
  });

  it('writes a patch per plan by priority; a plan on an unknown target gives an error patch and exit 3', async () => {
    const plans = join(work, 'plans.json');
    const outDir = join(work, 'patches');
    writeFileSync(
      plans,
      JSON.stringify([
        { filePath: file, editTargets: ['double'], intent: 'x', priority: 1 },
        { filePath: file, editTargets: ['triple'], intent: 'y', priority: 2 },
      ]),
    );
    const run = await builder('batch', '--plans', plans, '--model', model, '--no-fallback', '--steps', '2', '--out-dir', outDir);
    expect(run.code, run.stderr).toBe(3);
    const first = JSON.parse(readFileSync(join(outDir, '01-shapes.py.json'), 'utf8'));
    const second = JSON.parse(readFileSync(join(outDir, '02-shapes.py.json'), 'utf8'));
    expect(first.sample.path).toBe('error');
    expect(first.validationErrors[0]).toMatch(/triple/);
    expect(second.sample.path).toBe('diffusion');
  });
});
