import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builderIn, expectUsageError, REPO, type Run } from '../support/cli';
import { type InputOutcome, recordTrustReport } from './trustReport';

const SHAPES = 'def area(radius):\n    return 3.14159 * radius ** 2\n\n\nclass Shape:\n    def describe(self):\n        return "shape"\n';
// Lines end in LF and CRLF alike, as in a file edited on two systems.
const MIXED = 'def area(radius):\r\n    return 3.14159 * radius ** 2\n\r\n\r\ndef double(x):\r\n    return 2 * x\n';
const LONG_PROMPT = 'make it faster and add input validation; '.repeat(2500).slice(0, 100 * 1024);

/** Every file the case may touch: its bytes are compared before and after the run. */
interface Case {
  input: string;
  args: string[];
  /** Exit 2 cases: the one line on stderr must match this. */
  refused?: RegExp;
  /** Cases that run: checks the outcome and returns the message shown. */
  ran?: (run: Run) => string;
  /** Files the command writes only when it succeeds. */
  outputs?: string[];
}

let work: string;
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const outcomes: InputOutcome[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'builder-trust-inputs-'));
  writeFileSync(join(work, 'shapes.py'), SHAPES);
  writeFileSync(join(work, 'mixed.py'), MIXED);
  writeFileSync(join(work, 'empty.py'), '');
  writeFileSync(join(work, 'image.py'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]));
  writeFileSync(join(work, 'huge.py'), Buffer.alloc(5 * 1024 * 1024, 'a'));
  writeFileSync(join(work, 'latin1.py'), Buffer.from('def greet():\n    return "caf\xe9"\n', 'latin1'));
  writeFileSync(join(work, 'broken.py'), 'def (((:\n  ]]] return ))) {{{\n))) ((( ]]]\n');
  writeFileSync(join(work, 'notes.xyz'), 'Dear team,\nthe meeting moved to Tuesday.\n');
  writeFileSync(join(work, 'malformed-plans.json'), '[{"filePath": "shapes.py", "editTargets": ["area"],');
  writeFileSync(
    join(work, 'missing-file-plans.json'),
    JSON.stringify([
      { filePath: 'shapes.py', editTargets: ['area'], intent: 'x' },
      { filePath: 'gone.py', editTargets: ['f'], intent: 'y' },
    ]),
  );
  copyFileSync(join(REPO, 'fixtures/real/python/default.py'), join(work, 'default.py'));
});

afterAll(() => {
  const order = CASES.map((c) => c.input);
  recordTrustReport('cli-inputs', { inputs: outcomes.sort((a, b) => order.indexOf(a.input) - order.indexOf(b.input)) });
  rmSync(work, { recursive: true, force: true });
});

const patch = (...args: string[]) => ['patch', '--no-fallback', '--steps', '2', '--seed', '3', ...args];

const CASES: Case[] = [
  { input: 'empty file', args: ['mask', 'empty.py', '--target', 'area', '--json'], refused: /empty\.py is empty/ },
  { input: 'binary file', args: ['mask', 'image.py', '--target', 'area', '--json'], refused: /image\.py looks binary/ },
  { input: '5 MB file', args: ['mask', 'huge.py', '--target', 'area', '--json'], refused: /huge\.py is 5\.0 MB; Builder edits files up to 2\.0 MB/ },
  { input: 'non-UTF-8 bytes (Latin-1)', args: ['mask', 'latin1.py', '--target', 'greet', '--json'], refused: /latin1\.py is not valid UTF-8 text; convert it to UTF-8 first/ },
  { input: 'code that does not parse', args: ['mask', 'broken.py', '--target', 'area', '--json'], refused: /broken\.py does not parse as Python: \d+% of it is syntax errors/ },
  { input: 'code in another language than the one given', args: ['outline', 'default.py', '--language', 'rust', '--json'], refused: /default\.py does not parse as Rust/ },
  { input: 'a language that cannot be told', args: ['outline', 'notes.xyz', '--json'], refused: /Cannot tell the language of notes\.xyz/ },
  { input: 'an unsupported --language', args: ['outline', 'shapes.py', '--language', 'cobol', '--json'], refused: /Unsupported language "cobol"/ },
  { input: 'no target', args: patch('--file', 'shapes.py', '--prompt', 'x', '--out', 'out.patch'), refused: /--target NAME is required/, outputs: ['out.patch'] },
  { input: 'unknown target', args: ['mask', 'shapes.py', '--target', 'aera', '--json'], refused: /No definition named "aera"\. Closest: area/ },
  {
    input: 'overlapping targets (one inside the other)',
    args: ['mask', 'shapes.py', '--target', 'Shape,Shape.describe', '--json'],
    ran: (run) => {
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as { spans: { target: string }[]; notes: string[] };
      expect(report.spans.map((s) => s.target)).toEqual(['Shape']);
      expect(report.notes).toEqual(['Shape.describe lies inside Shape, so it is regenerated as part of it.']);
      return report.notes[0]!;
    },
  },
  {
    input: 'no --prompt at all',
    args: patch('--file', 'shapes.py', '--target', 'area', '--out', 'out.patch'),
    refused: /--prompt TEXT is required \(it may be empty: --prompt ""\)/,
    outputs: ['out.patch'],
  },
  {
    input: 'empty prompt',
    args: patch('--file', 'shapes.py', '--target', 'area', '--prompt', '', '--json', 'empty-prompt.json', '--out', 'empty-prompt.patch'),
    ran: (run) => {
      const result = JSON.parse(readFileSync(join(work, 'empty-prompt.json'), 'utf8')) as { canApply: boolean; notes: string[] };
      expect(run.code, run.stderr).toBe(result.canApply ? 0 : 3);
      expect(result.notes).toContain('Empty prompt: generated without a condition.');
      return `${result.notes.join(' ')} (${run.stderr.trim()})`;
    },
  },
  {
    input: 'a 100 KB prompt',
    args: patch('--file', 'shapes.py', '--target', 'area', '--prompt', LONG_PROMPT, '--out', 'out.patch'),
    refused: /targets alone need \d+ tokens with the prompt, but the context budget is \d+ \(the model's positions\); .*shorten the prompt/,
    outputs: ['out.patch'],
  },
  {
    input: 'mixed line endings (LF and CRLF)',
    args: patch('--file', 'mixed.py', '--target', 'area', '--prompt', 'use math.pi', '--out', 'mixed.patch', '--json', 'mixed.json'),
    ran: (run) => {
      const result = JSON.parse(readFileSync(join(work, 'mixed.json'), 'utf8')) as { canApply: boolean; generatedCode: string };
      expect(run.code, run.stderr).toBe(result.canApply ? 0 : 3);
      // git takes the patch, and every line outside the span keeps its own ending.
      const repo = join(work, 'mixed-repo');
      mkdirSync(repo);
      execFileSync('git', ['init', '-q'], { cwd: repo });
      writeFileSync(join(repo, 'mixed.py'), MIXED);
      execFileSync('git', ['-c', 'core.autocrlf=false', 'apply', join(work, 'mixed.patch')], { cwd: repo });
      expect(readFileSync(join(repo, 'mixed.py'), 'utf8')).toBe(result.generatedCode);
      expect(result.generatedCode.endsWith('\r\n\r\ndef double(x):\r\n    return 2 * x\n')).toBe(true);
      return `patch written; git apply reproduces the generated file, CRLF and LF lines outside the span unchanged (${run.stderr.trim()})`;
    },
  },
  {
    input: 'invalid settings',
    args: patch('--file', 'shapes.py', '--target', 'area', '--prompt', 'x', '--steps=-1', '--cfg=-1', '--temperature=-0.5', '--strength', '1.5', '--out', 'out.patch'),
    refused: /steps.*cfgScale.*temperature.*strength/,
    outputs: ['out.patch'],
  },
  { input: 'malformed plans JSON', args: ['batch', '--plans', 'malformed-plans.json', '--steps', '2', '--out-dir', 'batch-out'], refused: /malformed-plans\.json/, outputs: ['batch-out'] },
  {
    input: 'a plan pointing at a missing file',
    args: ['batch', '--plans', 'missing-file-plans.json', '--steps', '2', '--out-dir', 'batch-out'],
    refused: /missing-file-plans\.json names gone\.py, which does not exist; nothing was generated/,
    outputs: ['batch-out'],
  },
];

describe.concurrent('every bad input to the CLI gets one clear line and exit 2, or runs and says what it did; nothing of the user is changed', () => {
  for (const testCase of CASES) {
    it(testCase.input, async () => {
      const inputs = testCase.args.filter((arg) => existsSync(join(work, arg)) && arg.includes('.'));
      const before = new Map(inputs.map((file) => [file, sha(join(work, file))]));
      const run = await builderIn(work, ...testCase.args);
      let message: string;
      if (testCase.refused) {
        expectUsageError(run, testCase.refused);
        message = run.stderr.trim();
      } else message = testCase.ran!(run);
      for (const [file, hash] of before) expect(sha(join(work, file)), `${file} changed`).toBe(hash);
      if (testCase.refused) for (const output of testCase.outputs ?? []) expect(existsSync(join(work, output)), `${output} was written`).toBe(false);
      const kept = [...before.keys()].join(', ');
      outcomes.push({
        input: testCase.input,
        surface: 'cli',
        message,
        exitCode: run.code,
        dataKept: `yes: ${kept || 'no file given'} unchanged${testCase.refused && testCase.outputs ? ', nothing written' : ''}`,
      });
    }, 240_000);
  }
});
