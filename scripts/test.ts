/**
 * `npm test` after the build: the unit and the end-to-end projects in two vitest processes side by
 * side. Vitest runs a project whose files may not run in parallel (e2e: one Chromium at a time) in
 * a group of its own, after the others, and on two cores it gives the unit files one worker; so in
 * one process each project would leave a core idle while the other runs. Here each has one file
 * at a time, both at once.
 *
 * Arguments go to both processes (a file filter, a reporter). `--outputFile.json=PATH` is the one
 * exception: each process writes its own report next to PATH, and PATH gets their sum, the report
 * a single `vitest run --reporter=json` would have written.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const PROJECTS = ['unit', 'e2e'] as const;
const JSON_OUTPUT = /^--outputFile\.json=(.+)$/;

interface VitestReport {
  success: boolean;
  startTime: number;
  testResults: unknown[];
  [count: `num${string}`]: number;
}

const args = process.argv.slice(2);
const jsonPath = args.map((arg) => JSON_OUTPUT.exec(arg)?.[1]).find((path) => path !== undefined);
const passedOn = args.filter((arg) => !JSON_OUTPUT.test(arg));
const reportOf = (project: string) => `${jsonPath}.${project}.json`;

/** Runs one project, its output lines prefixed with its name so the two can be told apart. */
function runProject(project: (typeof PROJECTS)[number]): Promise<number> {
  const own = jsonPath ? [`--outputFile.json=${reportOf(project)}`] : [];
  // A file filter that names only e2e specs leaves the unit project without files, and that is no failure.
  const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', project, '--passWithNoTests', ...passedOn, ...own], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const [stream, sink] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    createInterface({ input: stream }).on('line', (line) => sink.write(`[${project}] ${line}\n`));
  }
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

/** The sum of the projects' reports; a project that wrote none is left out, and its exit code already fails the run. */
function mergeReports(path: string): void {
  const reports: VitestReport[] = [];
  for (const project of PROJECTS) {
    try {
      reports.push(JSON.parse(readFileSync(reportOf(project), 'utf8')) as VitestReport);
      rmSync(reportOf(project));
    } catch {
      console.error(`the ${project} project wrote no report to ${reportOf(project)}`);
    }
  }
  if (reports.length === 0) return;
  const merged: VitestReport = {
    ...reports[0]!,
    success: reports.every((r) => r.success),
    startTime: Math.min(...reports.map((r) => r.startTime)),
    testResults: reports.flatMap((r) => r.testResults),
  };
  for (const key of Object.keys(merged)) {
    if (key.startsWith('num')) merged[key as `num${string}`] = reports.reduce((sum, r) => sum + (r[key as `num${string}`] ?? 0), 0);
  }
  writeFileSync(path, JSON.stringify(merged));
}

const codes = await Promise.all(PROJECTS.map(runProject));
if (jsonPath) mergeReports(jsonPath);
PROJECTS.forEach((project, i) => console.log(`${project}: ${codes[i] === 0 ? 'passed' : `failed (exit ${codes[i]})`}`));
process.exit(codes.some((code) => code !== 0) ? 1 : 0);
