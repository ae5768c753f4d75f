import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import { parsePlans } from '../../src/plan/refactorPlan';

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

  it('takes a mask mode of definition or body, and refuses another', () => {
    expect(parsePlans(JSON.stringify([{ filePath: 'a.py', editTargets: ['f'], intent: '', maskMode: 'body' }]))[0]!.maskMode).toBe('body');
    expect(planError([{ filePath: 'a.py', editTargets: ['f'], intent: '', maskMode: 'signature' }])).toContain('plans[0].maskMode must be "definition" or "body"');
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
