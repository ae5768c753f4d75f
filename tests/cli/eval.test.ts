import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EvalFlags, evalCommand, taskLogPath } from '../../src/cli/evalCommand';
import { InputError } from '../../src/errors/inputErrors';
import type { EvalSummary, TaskResult } from '../../src/eval/evalResults';
import { builder, expectUsageError, REPO } from '../support/cli';

/** HumanEval-Infilling as github openai/human-eval-infilling ships it, where the checkout has shared/ beside it (docs/cli.md). */
const DATA = join(REPO, '..', 'shared', 'eval', 'human-eval-infilling');
const SETS = ['SingleLineInfilling', 'MultiLineInfilling', 'RandomSpanInfilling', 'RandomSpanInfillingLight'];
const hasData = existsSync(join(DATA, 'HumanEval-SingleLineInfilling.jsonl.gz'));

const dir = mkdtempSync(join(tmpdir(), 'builder-eval-test-'));

interface Written {
  summary: EvalSummary;
  results: TaskResult[];
  run: Record<string, unknown>;
}

/** Runs `builder eval` in this process, its table and progress kept out of the test's output. */
async function evaluate(flags: EvalFlags): Promise<{ written: Written; table: string; progress: string }> {
  let table = '';
  let progress = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
    table += String(text);
    return true;
  });
  try {
    await evalCommand(flags, {
      write: (text: string) => {
        progress += text;
      },
    });
  } finally {
    stdout.mockRestore();
  }
  return { written: JSON.parse(readFileSync(flags.out!, 'utf8')) as Written, table, progress };
}

describe.skipIf(!hasData)('builder eval against HumanEval-Infilling itself (skipped where ../shared/eval/human-eval-infilling is absent; docs/cli.md says where to get it)', () => {
  for (const set of SETS) {
    it(`${set}: the canonical middles pass every test of 20 tasks, empty middles far fewer`, async () => {
      const data = join(DATA, `HumanEval-${set}.jsonl.gz`);
      const oracle = await evaluate({ data, oracle: true, limit: '20', out: join(dir, `${set}-oracle.json`) });
      expect(oracle.written.summary.tasks).toBe(20);
      expect(oracle.written.results.filter((r) => !r.passed).map((r) => `${r.taskId}: ${r.result}`)).toEqual([]);
      expect(oracle.written.summary.passAt1).toBe(1);
      const empty = await evaluate({ data, 'empty-middle': true, limit: '20', out: join(dir, `${set}-empty.json`) });
      expect(empty.written.summary.passAt1).toBeLessThanOrEqual(0.2);
    }, 120_000);
  }
});

/** A task whose canonical middle is `middle`: with --oracle, the program that runs is the one given. */
function task(id: string, middle: string) {
  return { task_id: `Sandbox/${id}`, prompt: 'def f():\n', canonical_solution: middle, suffix: '    return 1\n', test: 'def check(candidate):\n    assert candidate() == 1\n', entry_point: 'f' };
}

describe('builder eval: programs that misbehave', () => {
  let server: Server;
  let connections = 0;
  let port = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      socket.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  it('scores a hang, a memory hog and a network call as failures within the time limit, and goes on', async () => {
    const tasks = [
      task('good-1', '    pass\n'),
      task('loop', '    while True:\n        pass\n'),
      task('sleep', '    import time\n    try:\n        time.sleep(60)\n    except BaseException:\n        time.sleep(60)\n'),
      task('memory', '    hog = []\n    while True:\n        hog.append(bytes(10**8))\n'),
      task('network', `    import socket\n    socket.create_connection(("127.0.0.1", ${port}), timeout=5).sendall(b"x")\n`),
      task('good-2', '    x = 1\n'),
    ];
    const data = join(dir, 'sandbox.jsonl.gz');
    writeFileSync(data, gzipSync(tasks.map((t) => JSON.stringify(t)).join('\n')));
    const { written } = await evaluate({ data, oracle: true, timeout: '3', out: join(dir, 'sandbox.json') });
    const byId = Object.fromEntries(written.results.map((r) => [r.taskId.split('/')[1], r]));
    expect(Object.keys(byId)).toEqual(['good-1', 'loop', 'sleep', 'memory', 'network', 'good-2']);
    expect(byId['good-1']!.passed && byId['good-2']!.passed).toBe(true);
    expect(byId.loop!.result).toBe('timed out');
    expect(byId.sleep!.result).toBe('timed out');
    expect(byId.memory!.result).toBe('failed: MemoryError');
    expect(byId.network!.passed).toBe(false);
    expect(connections).toBe(0);
    // The timer fires at 3 s, the kill a second later (execution.py: p.join(timeout=timeout + 1)); Python's start-up besides.
    for (const r of written.results) expect(r.executionMs, r.taskId).toBeLessThan(5500);
    expect(written.summary.passAt1).toBeCloseTo(2 / 6);
    expect(written.run.sandbox).toMatchObject({ timeoutSeconds: 3, memoryBytes: 2 ** 30 });
  }, 60_000);

  it('continues a stopped run where it stopped, and refuses to mix runs of other settings', async () => {
    const tasks = Array.from({ length: 5 }, (_, i) => task(`t${i}`, `    y = ${i}\n`));
    const data = join(dir, 'resume.jsonl');
    writeFileSync(data, tasks.map((t) => JSON.stringify(t)).join('\n'));
    const out = join(dir, 'resume.json');
    await evaluate({ data, oracle: true, limit: '2', out });
    const log = taskLogPath(out);
    const firstTwo = readFileSync(log, 'utf8');
    // A run killed while writing leaves half a line: it is dropped and that task scored again.
    writeFileSync(log, `${firstTwo}{"taskId":"Sandbox/t2","pas`);
    const { written, table, progress } = await evaluate({ data, oracle: true, out });
    const bars = progress.trimEnd().split('\n');
    expect(bars[0]).toMatch(/^eval sandbox \[#+-+\] 40% · 2\/5 tasks/);
    expect(bars.at(-1)).toMatch(/^eval sandbox \[#+\] 100% · 5\/5 tasks/);
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.slice(0, 3).join('\n')).toBe(firstTwo.trimEnd());
    expect(written.results.map((r) => r.taskId)).toEqual(tasks.map((t) => t.task_id));
    expect(table).toMatch(/^set +tasks +pass@1/);
    await expect(evaluate({ data, oracle: true, timeout: '2', out })).rejects.toThrow(/other settings \(sandbox\)/);
    await expect(evaluate({ data, 'empty-middle': true, out })).rejects.toThrow(InputError);
  }, 60_000);
});

describe('builder eval: bad input', () => {
  it('says what is missing or wrong in one line, exit 2', async () => {
    expectUsageError(await builder('eval', '--out', join(dir, 'x.json')), /--data FILE is required/);
    expectUsageError(await builder('eval', '--data', join(dir, 'none.jsonl.gz'), '--out', join(dir, 'x.json')), /No such file/);
    const data = join(dir, 'one.jsonl');
    writeFileSync(data, JSON.stringify(task('a', '    pass\n')));
    expectUsageError(await builder('eval', '--data', data, '--out', join(dir, 'x.json'), '--length', 'long'), /--length must be one of oracle, builder/);
    expectUsageError(await builder('eval', '--data', data, '--out', join(dir, 'x.json'), '--oracle', '--empty-middle'), /give one/);
    expectUsageError(await builder('eval', '--data', data, '--out', join(dir, 'x.json'), '--limit', '0'), /--limit must be a positive integer/);
    expectUsageError(await builder('eval', '--data', data, '--out', join(dir, 'x.json'), '--strength', '0.5'), /regenerates the whole middle; --strength does not apply/);
    writeFileSync(join(dir, 'bad.jsonl'), 'not json\n');
    expectUsageError(await builder('eval', '--data', join(dir, 'bad.jsonl'), '--out', join(dir, 'x.json'), '--oracle'), /line 1 is not JSON/);
  }, 60_000);
});
