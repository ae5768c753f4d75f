import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/builder.js ...args` from the repository root. */
export function builder(...args: string[]): Promise<Run> {
  return builderIn(REPO, ...args);
}

/** Runs the builder command from another working directory. */
export function builderIn(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [`${REPO}bin/builder.js`, ...args], { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, BUILDER_DEBUG: '' } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Exit 2, nothing on stdout, exactly one line on stderr and no stack trace. */
export function expectUsageError(run: Run, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
  expect(run.stderr).not.toContain('    at ');
  expect(run.stderr).toMatch(/^builder: /);
  expect(run.stderr).toMatch(pattern);
}
