import type { InfillingTask } from './infillingTasks';

/**
 * The program that judges a middle, built as openai/human-eval-infilling builds it
 * (human_eval_infilling/execution.py, `unsafe_execute`): prompt + completion + suffix, a newline,
 * the tests, a newline and `check(entry_point)`.
 */
export function checkProgram(task: InfillingTask, middle: string): string {
  return `${task.prompt}${middle}${task.suffix}\n${task.test}\ncheck(${task.entryPoint})`;
}

/**
 * Whether a middle is the benchmark's own, but for whitespace at either end (a model may end a
 * line's middle without its newline, which the suffix's indentation makes no matter).
 */
export function isExactMatch(task: InfillingTask, middle: string): boolean {
  return middle.trim() === task.canonicalSolution.trim();
}
