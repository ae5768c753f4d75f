import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RESULTS = 'test-results';
const PARTS = join(RESULTS, 'trust');

/** One row of the inputs table: what was tried, where, and what came of it. */
export interface InputOutcome {
  input: string;
  surface: 'cli' | 'app';
  /** The message the person saw, or the exit code's meaning. */
  message: string;
  exitCode: number | null;
  /** What was checked to be intact afterwards, e.g. "file on disk unchanged". */
  dataKept: string;
}

export interface PropertyRun {
  property: string;
  /** Cases fast-check ran, as it reports them. */
  cases: number;
  seed: number;
  milliseconds: number;
}

interface Part {
  inputs?: InputOutcome[];
  properties?: PropertyRun[];
  writtenAt: string;
}

/**
 * Writes one test file's share of the trust report and renders the whole report from every share
 * on disk, so whichever test file finishes last leaves the complete test-results/trust-report.md
 * and .json behind.
 */
export function recordTrustReport(name: string, part: Omit<Part, 'writtenAt'>): void {
  mkdirSync(PARTS, { recursive: true });
  writeFileSync(join(PARTS, `${name}.json`), `${JSON.stringify({ ...part, writtenAt: new Date().toISOString() }, null, 2)}\n`);
  const parts = readdirSync(PARTS)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(PARTS, file), 'utf8')) as Part);
  const inputs = parts.flatMap((p) => p.inputs ?? []);
  const properties = parts.flatMap((p) => p.properties ?? []);
  const totalCases = properties.reduce((sum, p) => sum + p.cases, 0);
  const lost = inputs.filter((row) => !row.dataKept.startsWith('yes')).length;
  writeFileSync(join(RESULTS, 'trust-report.json'), `${JSON.stringify({ inputs, properties, totalPropertyCases: totalCases, casesWhereDataWasLost: lost }, null, 2)}\n`);
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    '# Trust report',
    '',
    `Written by the test run (tests/trust). ${inputs.length} inputs and faults tried, ${lost} where the user's data was not kept; ${totalCases} property-test cases.`,
    '',
    '| input or fault | where | outcome (message shown) | exit code | data kept |',
    '|---|---|---|---|---|',
    ...inputs.map((row) => `| ${cell(row.input)} | ${row.surface} | ${cell(row.message)} | ${row.exitCode ?? ''} | ${cell(row.dataKept)} |`),
    '',
    '| property | cases | seed | time |',
    '|---|---|---|---|',
    ...properties.map((p) => `| ${cell(p.property)} | ${p.cases} | ${p.seed} | ${(p.milliseconds / 1000).toFixed(1)} s |`),
    '',
  ];
  writeFileSync(join(RESULTS, 'trust-report.md'), lines.join('\n'));
}
