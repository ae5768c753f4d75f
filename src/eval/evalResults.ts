/** Where a middle came from: the diffusion model, the fallback, a failed generation, or no model at all. */
export type MiddleSource = 'diffusion' | 'fallback' | 'error' | 'oracle' | 'empty';

/** One task's record, a line of the run's JSONL: enough to resume the run and to recount its summary. */
export interface TaskResult {
  taskId: string;
  /** The tests passed: execution.py's result was "passed". */
  passed: boolean;
  /** execution.py's words: "passed", "timed out" or "failed: ..." (the exception, or how the process ended). */
  result: string;
  middle: string;
  source: MiddleSource;
  exactMatch: boolean;
  /** The verdict's isValidSyntax (tree-sitter); null where no model wrote the middle. */
  syntaxValid: boolean | null;
  /** The middle's tokens, by the diffusion model's tokenizer; 0 without a model. */
  tokens: number;
  /** Forward passes of both models for this middle. */
  forwardPasses: number;
  generationMs: number;
  executionMs: number;
  /** Why the generation failed, where it did. */
  error?: string;
}

/** A run's figures: rates are shares of the tasks, null where nothing measured them. */
export interface EvalSummary {
  set: string;
  tasks: number;
  passAt1: number;
  exactMatch: number;
  syntaxValid: number | null;
  /** Share of middles the fallback wrote. */
  fallback: number | null;
  passesPerToken: number | null;
  tokensPerSecond: number | null;
  secondsPerTask: number;
}

const share = (results: readonly TaskResult[], test: (r: TaskResult) => boolean) => results.filter(test).length / results.length;

/**
 * pass@1 with one sample per task: the share of tasks passed, which is what human-eval-infilling's
 * evaluation.py `estimate_pass_at_k` gives for n = 1, k = 1 (1 - comb(n-c, 1)/comb(n, 1) = c).
 */
export function summarize(set: string, results: readonly TaskResult[]): EvalSummary {
  if (results.length === 0) return { set, tasks: 0, passAt1: 0, exactMatch: 0, syntaxValid: null, fallback: null, passesPerToken: null, tokensPerSecond: null, secondsPerTask: 0 };
  const modelled = results.filter((r) => r.source !== 'oracle' && r.source !== 'empty');
  const judged = modelled.filter((r) => r.syntaxValid !== null);
  const tokens = modelled.reduce((sum, r) => sum + r.tokens, 0);
  const passes = modelled.reduce((sum, r) => sum + r.forwardPasses, 0);
  const generationMs = modelled.reduce((sum, r) => sum + r.generationMs, 0);
  return {
    set,
    tasks: results.length,
    passAt1: share(results, (r) => r.passed),
    exactMatch: share(results, (r) => r.exactMatch),
    syntaxValid: judged.length > 0 ? share(judged, (r) => r.syntaxValid === true) : null,
    fallback: modelled.length > 0 ? share(modelled, (r) => r.source === 'fallback') : null,
    passesPerToken: tokens > 0 ? passes / tokens : null,
    tokensPerSecond: generationMs > 0 ? tokens / (generationMs / 1000) : null,
    secondsPerTask: results.reduce((sum, r) => sum + r.generationMs + r.executionMs, 0) / results.length / 1000,
  };
}

const COLUMNS: readonly [string, (s: EvalSummary) => string][] = [
  ['set', (s) => s.set],
  ['tasks', (s) => String(s.tasks)],
  ['pass@1', (s) => percent(s.passAt1)],
  ['exact match', (s) => percent(s.exactMatch)],
  ['syntax valid', (s) => percent(s.syntaxValid)],
  ['fallback wrote', (s) => percent(s.fallback)],
  ['passes/token', (s) => (s.passesPerToken === null ? 'n/a' : s.passesPerToken.toFixed(2))],
  ['tokens/s', (s) => (s.tokensPerSecond === null ? 'n/a' : s.tokensPerSecond.toFixed(1))],
  ['s/task', (s) => s.secondsPerTask.toFixed(2)],
];

function percent(rate: number | null): string {
  return rate === null ? 'n/a' : `${(rate * 100).toFixed(1)}%`;
}

/** The summaries as a table: markdown for docs, else columns padded for a terminal. */
export function summaryTable(rows: readonly EvalSummary[], markdown: boolean): string {
  const cells = [COLUMNS.map(([name]) => name), ...rows.map((row) => COLUMNS.map(([, cell]) => cell(row)))];
  const widths = COLUMNS.map((_, c) => Math.max(...cells.map((line) => line[c]!.length)));
  const pad = (line: string[]) => line.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)));
  if (!markdown) return `${cells.map((line) => pad(line).join('  ')).join('\n')}\n`;
  const rule = widths.map((w, c) => (c === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`));
  const [head, ...body] = cells.map((line) => `| ${pad(line).join(' | ')} |`);
  return `${[head, `| ${rule.join(' | ')} |`, ...body].join('\n')}\n`;
}
