import { describe, expect, it } from 'vitest';
import { checkProgram, isExactMatch } from '../../src/eval/checkProgram';
import { summarize, summaryTable, type TaskResult } from '../../src/eval/evalResults';
import type { InfillingTask } from '../../src/eval/infillingTasks';

const task: InfillingTask = { taskId: 't', prompt: 'def f(x):\n', suffix: '    return y\n', canonicalSolution: '    y = x + 1\n', test: 'def check(c):\n    assert c(1) == 2', entryPoint: 'f' };

const result = (overrides: Partial<TaskResult>): TaskResult => ({
  taskId: 't',
  passed: false,
  result: 'failed: AssertionError',
  middle: '',
  source: 'diffusion',
  exactMatch: false,
  syntaxValid: true,
  tokens: 10,
  forwardPasses: 5,
  generationMs: 1000,
  executionMs: 100,
  ...overrides,
});

describe('checkProgram', () => {
  it("is execution.py's program: prompt, middle, suffix, the tests and check(entry_point)", () => {
    expect(checkProgram(task, '    y = x + 1\n')).toBe('def f(x):\n    y = x + 1\n    return y\n\ndef check(c):\n    assert c(1) == 2\ncheck(f)');
  });

  it('counts a middle as an exact match but for whitespace at its ends', () => {
    expect(isExactMatch(task, '    y = x + 1')).toBe(true);
    expect(isExactMatch(task, '    y = x+1\n')).toBe(false);
  });
});

describe('summarize', () => {
  it('gives pass@1 as the share passed, and the speed over the tokens the models wrote', () => {
    const summary = summarize('single-line', [
      result({ passed: true, exactMatch: true }),
      result({ source: 'fallback', syntaxValid: false, tokens: 30, forwardPasses: 35, generationMs: 3000 }),
      result({ source: 'error', syntaxValid: false, tokens: 0, forwardPasses: 0, generationMs: 0 }),
      result({ passed: true }),
    ]);
    expect(summary).toMatchObject({ set: 'single-line', tasks: 4, passAt1: 0.5, exactMatch: 0.25, syntaxValid: 0.5, fallback: 0.25 });
    expect(summary.passesPerToken).toBeCloseTo(45 / 50);
    expect(summary.tokensPerSecond).toBeCloseTo(50 / 5);
    expect(summary.secondsPerTask).toBeCloseTo((1.1 + 3.1 + 0.1 + 1.1) / 4);
  });

  it('leaves the model figures out where no model wrote the middles', () => {
    const summary = summarize('multi-line', [result({ source: 'oracle', syntaxValid: null, passed: true, tokens: 0, forwardPasses: 0, generationMs: 0 })]);
    expect(summary).toMatchObject({ passAt1: 1, syntaxValid: null, fallback: null, passesPerToken: null, tokensPerSecond: null });
  });
});

describe('summaryTable', () => {
  it('prints one row per set, as markdown or padded columns', () => {
    const rows = [summarize('single-line', [result({ passed: true })]), summarize('random-span-light', [result({})])];
    const markdown = summaryTable(rows, true).trimEnd().split('\n');
    expect(markdown).toHaveLength(4);
    expect(markdown[0]).toMatch(/^\| set +\| tasks \| pass@1 \|/);
    expect(markdown[1]).toMatch(/^\| -+ \| -+: \|/);
    expect(markdown[2]).toMatch(/^\| single-line +\| +1 \| 100\.0% \|/);
    const plain = summaryTable(rows, false).trimEnd().split('\n');
    expect(plain[3 - 1]).toMatch(/^random-span-light +1 +0\.0%/);
    expect(plain.every((l) => !l.includes('|'))).toBe(true);
  });
});
