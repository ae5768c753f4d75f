import { describe, expect, it } from 'vitest';
import { errorRisk, patchRisk, type RiskInput, riskFactors, riskScore } from '../../src/plan/patchRisk';
import type { Verdict } from '../../src/plan/patchVerdict';
import type { GenerationPath } from '../../src/plan/refactorPlan';

describe('riskScore', () => {
  const base: RiskInput = { isValidSyntax: true, newSyntaxErrors: 0, changedLines: 0, totalLines: 100, path: 'diffusion' };

  it('follows its formula', () => {
    expect(riskScore(base)).toBe(0);
    expect(riskScore({ ...base, changedLines: 10 })).toBeCloseTo(0.05, 12);
    expect(riskScore({ ...base, changedLines: 250 })).toBeCloseTo(0.5, 12);
    expect(riskScore({ ...base, path: 'fallback' })).toBeCloseTo(0.1, 12);
    expect(riskScore({ ...base, isValidSyntax: false, newSyntaxErrors: 1 })).toBeCloseTo(1 - 0.2 * 0.9, 12);
    // Invalid, 3 errors, 20 of 100 lines changed (size 0.1), from the fallback (0.1).
    expect(riskScore({ isValidSyntax: false, newSyntaxErrors: 3, changedLines: 20, totalLines: 100, path: 'fallback' })).toBeCloseTo(1 - 0.2 * 0.9 ** 3 * 0.9 * 0.9, 12);
  });

  it('says which facts made it, and an empty, vanished or cut-off target raises it', () => {
    expect(riskFactors(base)).toEqual([]);
    const input: RiskInput = { ...base, isValidSyntax: false, newSyntaxErrors: 1, changedLines: 10, path: 'fallback', emptySpans: 1, vanishedTargets: 1, cutOffSpans: 1 };
    expect(riskFactors(input).map((factor) => factor.fact)).toEqual([
      'the patched file parses worse than the original',
      '1 new syntax error',
      '10 changed lines of 100',
      'the fallback model wrote code',
      '1 target came out empty',
      '1 target no longer defined',
      "1 span cut off by the fallback's token budget",
    ]);
    expect(riskScore(input)).toBeCloseTo(1 - riskFactors(input).reduce((safe, f) => safe * (1 - f.risk), 1), 12);
    for (const fact of ['emptySpans', 'vanishedTargets', 'cutOffSpans'] as const) expect(riskScore({ ...base, [fact]: 1 })).toBeGreaterThanOrEqual(0.5);
  });

  it('is 1 for an error patch', () => {
    expect(riskScore({ ...base, path: 'error' })).toBe(1);
  });

  it('stays in [0, 1], is at least 0.8 for invalid syntax, and only rises with errors, size and the fallback', () => {
    const paths: GenerationPath[] = ['diffusion', 'fallback'];
    for (const isValidSyntax of [true, false]) {
      for (const path of paths) {
        for (const totalLines of [0, 1, 10, 1000]) {
          for (let errors = 0; errors <= 20; errors++) {
            for (const changedLines of [0, 1, 5, 50, 500, 5000]) {
              const input = { isValidSyntax, newSyntaxErrors: errors, changedLines, totalLines, path };
              const risk = riskScore(input);
              expect(risk >= 0 && risk <= 1).toBe(true);
              if (!isValidSyntax) expect(risk).toBeGreaterThanOrEqual(0.8);
              expect(riskScore({ ...input, newSyntaxErrors: errors + 1 })).toBeGreaterThanOrEqual(risk);
              expect(riskScore({ ...input, changedLines: changedLines + 1 })).toBeGreaterThanOrEqual(risk);
              expect(riskScore({ ...input, path: 'fallback' })).toBeGreaterThanOrEqual(risk);
              expect(riskScore({ ...input, isValidSyntax: false })).toBeGreaterThanOrEqual(risk);
            }
          }
        }
      }
    }
    expect(riskScore({ ...base, newSyntaxErrors: 2 })).toBeGreaterThan(riskScore({ ...base, newSyntaxErrors: 1 }));
    expect(riskScore({ ...base, changedLines: 40 })).toBeGreaterThan(riskScore({ ...base, changedLines: 4 }));
  });

  it('refuses counts that are not counts', () => {
    for (const bad of [{ newSyntaxErrors: -1 }, { changedLines: 1.5 }, { totalLines: Number.NaN }]) {
      expect(() => riskScore({ ...base, ...bad })).toThrow(RangeError);
    }
  });
});

describe('patchRisk', () => {
  const clean: Verdict = { isValidSyntax: true, newIssues: [], vanishedTargets: [], emptySpans: [], cutOffSpans: [], faultySpans: [], errors: [], canApply: true };
  const diff = ['--- a/x.py', '+++ b/x.py', '@@ -1,2 +1,2 @@', ' def f():', '-    return 1', '+    return 2', ''].join('\n');

  it("counts the diff's changed lines, not its file headers, and takes the verdict's facts", () => {
    expect(patchRisk(clean, diff, 4, 'diffusion')).toEqual({
      riskScore: riskScore({ isValidSyntax: true, newSyntaxErrors: 0, changedLines: 2, totalLines: 4, path: 'diffusion' }),
      riskFactors: [{ fact: '2 changed lines of 4', risk: 0.25 }],
    });
    const faulty: Verdict = {
      ...clean,
      isValidSyntax: false,
      newIssues: [{ kind: 'error', message: 'x', line: 1, column: 1, startByte: 0, endByte: 1, range: { start: 0, end: 1 }, insideSpans: true }],
      emptySpans: ['f'],
      canApply: false,
    };
    expect(patchRisk(faulty, diff, 4, 'fallback').riskFactors.map((factor) => factor.fact)).toEqual([
      'the patched file parses worse than the original',
      '1 new syntax error',
      '2 changed lines of 4',
      'the fallback model wrote code',
      '1 target came out empty',
    ]);
  });

  it('gives a failed plan risk 1 and one fact', () => {
    expect(errorRisk()).toEqual({ riskScore: 1, riskFactors: [{ fact: 'the plan failed: there is no patch', risk: 1 }] });
  });
});
