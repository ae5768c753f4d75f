import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import { type GenerationPath, parsePlans, type RiskInput, riskFactors, riskScore } from '../../src/plan/refactorPlan';

/** The message of the InputError that parsing `plans` (as JSON) throws. */
function planError(plans: unknown): string {
  try {
    parsePlans(JSON.stringify(plans), 'plans.json');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

const minimal = { filePath: 'src/shapes.py', editTargets: ['area'], intent: 'make it iterative' };

describe('parsePlans', () => {
  it('reads plans with every field, and with the required ones only', () => {
    const full = { ...minimal, editTargets: ['Shape.area', 'perimeter@12'], condition: 'keep the signature', context: ['def helper(): ...'], language: 'python', priority: 2 };
    expect(parsePlans(JSON.stringify([full, minimal]))).toEqual([full, minimal]);
  });

  it('takes an empty intent (unconditional generation) and an empty list of plans', () => {
    expect(parsePlans(JSON.stringify([{ ...minimal, intent: '' }]))[0]!.intent).toBe('');
    expect(parsePlans('[]')).toEqual([]);
  });

  it("takes the planner's context mapping as it is written, its unknown keys kept", () => {
    const contexts = [
      {},
      {
        relevant_files: ['src/util.py', { path: 'src/types.py', content: 'class Shape: ...' }, { text: 'def helper(): ...' }],
        compressed_context: 'Shapes compute their own area.',
        dependencies: ['math'],
      },
      { relevant_files: null, planner_version: 3, ranking: { 'src/util.py': 0.9 } },
    ];
    for (const context of contexts) expect(parsePlans(JSON.stringify([{ ...minimal, context }]))[0]!.context).toEqual(context);
  });

  it('drops keys that are not plan fields, and treats null as absent', () => {
    const [plan] = parsePlans(JSON.stringify([{ ...minimal, id: 'task-7', notes: { by: 'planner' }, priority: null, condition: null }]));
    expect(plan).toEqual(minimal);
  });

  it('says when the file is not JSON or not a list', () => {
    expect(() => parsePlans('[{', 'plans.json')).toThrow(/^plans\.json is not valid JSON \(.+\)\.$/);
    expect(() => parsePlans(JSON.stringify(minimal), 'plans.json')).toThrow('plans.json must be a JSON array of plans, each with "filePath", "editTargets" and "intent".');
  });

  // [field, a wrong value (undefined: left out), the message's ending]
  const FIELD_PROBLEMS: [string, unknown, string][] = [
    ['filePath', undefined, 'filePath is missing (it must be a file path)'],
    ['filePath', '', 'filePath must be a file path'],
    ['filePath', 5, 'filePath must be a file path'],
    ['editTargets', undefined, 'editTargets is missing (it must be a non-empty list of definition names)'],
    ['editTargets', [], 'editTargets must be a non-empty list of definition names'],
    ['editTargets', ['area', ''], 'editTargets must be a non-empty list of definition names'],
    ['editTargets', 'area', 'editTargets must be a non-empty list of definition names'],
    ['intent', undefined, 'intent is missing (it must be a string, empty for unconditional generation)'],
    ['intent', 42, 'intent must be a string, empty for unconditional generation'],
    ['condition', ['x'], 'condition must be a string'],
    ['context', 'other file', "context must be a mapping ({}, relevant_files, compressed_context, dependencies) or a list of the related files' text"],
    ['context', [1], "context must be a mapping ({}, relevant_files, compressed_context, dependencies) or a list of the related files' text"],
    ['context', { relevant_files: 'src/util.py' }, 'context.relevant_files must be a list of paths or of { path, content } objects'],
    ['context', { relevant_files: ['src/util.py', { lines: [1, 2] }] }, 'context.relevant_files[1] must be a path or an object with a "path" and/or its text as "content"'],
    ['context', { compressed_context: ['x'] }, 'context.compressed_context must be text'],
    ['context', { dependencies: 'numpy' }, 'context.dependencies must be a list'],
    ['language', '', 'language must be a language id'],
    ['priority', '1', 'priority must be a number'],
  ];

  for (const [field, value, message] of FIELD_PROBLEMS) {
    it(`names the plan and field: ${field} = ${JSON.stringify(value)}`, () => {
      const plan: Record<string, unknown> = { ...minimal, [field]: value };
      if (value === undefined) delete plan[field];
      expect(planError([minimal, plan])).toBe(`plans.json has invalid plans: plans[1].${message}.`);
    });
  }

  it('lists the problems of several plans together, up to five', () => {
    expect(planError([{ ...minimal, intent: 1 }, 'not a plan', { ...minimal, filePath: '' }])).toBe(
      'plans.json has invalid plans: plans[0].intent must be a string, empty for unconditional generation; plans[1] must be an object; plans[2].filePath must be a file path.',
    );
    const message = planError(Array.from({ length: 8 }, () => ({})));
    expect(message.startsWith('plans.json has invalid plans: plans[0].filePath is missing (it must be a file path); ')).toBe(true);
    expect(message.endsWith('; plans[1].editTargets is missing (it must be a non-empty list of definition names) (and 19 more).')).toBe(true);
  });
});

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
