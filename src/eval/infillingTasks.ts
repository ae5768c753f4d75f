import { InputError } from '../errors/inputErrors';

/**
 * One HumanEval-Infilling task, as openai/human-eval-infilling's data files hold it
 * (human_eval_infilling/data.py, `stream_jsonl`): the code before and after the middle, the
 * middle the benchmark's authors cut out, and the tests that judge a filled-in program.
 */
export interface InfillingTask {
  taskId: string;
  prompt: string;
  suffix: string;
  canonicalSolution: string;
  test: string;
  entryPoint: string;
}

const FIELDS = { taskId: 'task_id', prompt: 'prompt', suffix: 'suffix', canonicalSolution: 'canonical_solution', test: 'test', entryPoint: 'entry_point' } as const;

/**
 * The tasks of a decompressed JSONL file, in its order. Blank lines are skipped as data.py's
 * `stream_jsonl` skips them; a line that is not a task object is refused by its number.
 */
export function parseInfillingTasks(text: string, source: string): InfillingTask[] {
  const tasks: InfillingTask[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new InputError(`${source} line ${index + 1} is not JSON; --data takes a HumanEval-Infilling .jsonl or .jsonl.gz file.`);
    }
    const fields = record as Record<string, unknown>;
    const missing = Object.values(FIELDS).filter((name) => typeof fields?.[name] !== 'string');
    if (typeof record !== 'object' || record === null || missing.length > 0) {
      throw new InputError(`${source} line ${index + 1} lacks ${missing.join(', ')} (strings); --data takes a HumanEval-Infilling .jsonl or .jsonl.gz file.`);
    }
    const task = Object.fromEntries(Object.entries(FIELDS).map(([key, name]) => [key, fields[name]])) as unknown as InfillingTask;
    if (seen.has(task.taskId)) throw new InputError(`${source} line ${index + 1} repeats task ${task.taskId}.`);
    seen.add(task.taskId);
    tasks.push(task);
  });
  if (tasks.length === 0) throw new InputError(`${source} holds no tasks.`);
  return tasks;
}

/**
 * The set a task belongs to, from its id: `SingleLineInfilling/HumanEval/0/L0` is single-line,
 * `RandomSpanInfillingLight/...` random-span-light, as data.py's `read_problems` names the sets.
 */
export function infillingSetOf(taskId: string): string {
  const head = taskId.split('/')[0]!.replace(/Infilling/, '');
  return head.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}
