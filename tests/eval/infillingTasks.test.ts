import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import { infillingSetOf, parseInfillingTasks } from '../../src/eval/infillingTasks';

const line = (id: string) => JSON.stringify({ task_id: id, prompt: 'def f():\n', suffix: '', canonical_solution: '    return 1\n', test: 'def check(c):\n    assert c() == 1', entry_point: 'f' });

describe('parseInfillingTasks', () => {
  it('reads each line as a task, skipping blank lines as data.py does', () => {
    const tasks = parseInfillingTasks(`${line('SingleLineInfilling/HumanEval/0/L0')}\n\n${line('SingleLineInfilling/HumanEval/0/L1')}\n`, 'x.jsonl');
    expect(tasks.map((t) => t.taskId)).toEqual(['SingleLineInfilling/HumanEval/0/L0', 'SingleLineInfilling/HumanEval/0/L1']);
    expect(tasks[0]).toMatchObject({ prompt: 'def f():\n', canonicalSolution: '    return 1\n', entryPoint: 'f' });
  });

  it('refuses a line that is not JSON, lacks a field or repeats a task, naming the line', () => {
    expect(() => parseInfillingTasks(`${line('a')}\n{oops`, 'x.jsonl')).toThrow(/x.jsonl line 2 is not JSON/);
    expect(() => parseInfillingTasks(JSON.stringify({ task_id: 'a', prompt: '' }), 'x.jsonl')).toThrow(/line 1 lacks suffix, canonical_solution, test, entry_point/);
    expect(() => parseInfillingTasks(`${line('a')}\n${line('a')}`, 'x.jsonl')).toThrow(/line 2 repeats task a/);
    expect(() => parseInfillingTasks('\n', 'x.jsonl')).toThrow(InputError);
  });
});

describe('infillingSetOf', () => {
  it('names the four sets as read_problems does', () => {
    expect(infillingSetOf('SingleLineInfilling/HumanEval/0/L0')).toBe('single-line');
    expect(infillingSetOf('MultiLineInfilling/HumanEval/0/L0_L0')).toBe('multi-line');
    expect(infillingSetOf('RandomSpanInfilling/HumanEval/0/1')).toBe('random-span');
    expect(infillingSetOf('RandomSpanInfillingLight/HumanEval/0/1')).toBe('random-span-light');
  });
});
