import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { InputError } from '../errors/inputErrors';
import type { TaskResult } from '../eval/evalResults';

/** A run's results so far, one JSON line per task after a line saying what run it is. */
export interface EvalLog {
  /** The tasks already scored, by id. */
  done: Map<string, TaskResult>;
  append(result: TaskResult): void;
}

function parsed(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

/** The run a log's first line names; nothing where it names none. */
function runOf(line: string): Record<string, unknown> {
  return (parsed(line) as { run?: Record<string, unknown> } | null)?.run ?? {};
}

/**
 * Opens the log at `path` for the run `run` (its data, model and settings): a new one, or the one
 * an interrupted run of the same settings left, which the run continues. A half-written last line
 * (the run killed mid-write) is dropped; a log of other settings is refused, not mixed in.
 */
export function openEvalLog(path: string, run: Record<string, unknown>): EvalLog {
  const header = JSON.stringify({ run });
  const done = new Map<string, TaskResult>();
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    const [first, ...lines] = complete.split('\n').filter((line) => line !== '');
    if (first !== header) {
      const before = first === undefined ? {} : runOf(first);
      const differing = Object.keys({ ...before, ...run }).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(run[key]));
      throw new InputError(`${path} holds a run with other settings (${differing.join(', ') || 'its first line'}); delete it or pick another --out.`);
    }
    lines.forEach((line, i) => {
      const result = parsed(line) as TaskResult | null;
      if (typeof result?.taskId !== 'string') throw new InputError(`${path} line ${i + 2} is not a task's result; delete the file or pick another --out.`);
      done.set(result.taskId, result);
    });
    if (complete !== text) writeFileSync(path, complete);
  } else {
    writeFileSync(path, `${header}\n`);
  }
  return {
    done,
    append(result) {
      appendFileSync(path, `${JSON.stringify(result)}\n`);
      done.set(result.taskId, result);
    },
  };
}
