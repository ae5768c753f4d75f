/**
 * Faithfulness to the authors' samplers (issue 24), per family, on the reference cases of
 * tests/generate/authorsReference/ (each family's tiny checkpoint converted to fp32, `builder sample`
 * through the CLI): the share of filled tokens equal to the authors' sampler ported (tests/support/authorsSamplers/)
 * at the authors' settings and temperature 0, which must be all; then, on each family's first case, Builder's own
 * sampler exact and with the approximate options (the context cache at intervals 2, 4 and 8; the parallel threshold
 * at 0.9 and 0.7): the share of tokens equal to the authors' exact run, and forward passes per filled token.
 * Run: npm run bench:faithfulness   (with --docs FILE it rewrites its section of the benchmarks page).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLine, writeBenchmarkSection } from '../src/measure/benchmarksDoc';
import { machineInfo } from '../src/measure/machineInfo';
import {
  BuilderRefusal,
  builderRun,
  caseInput,
  equalFilled,
  prepareFamily,
  REFERENCE_FAMILIES,
  referenceRun,
  type SampleInput,
  type SampleOutput,
} from '../tests/support/authorsSamplers/referenceCases';

const { values: options } = parseArgs({ options: { docs: { type: 'string' }, family: { type: 'string' } } });
const log = (line: string) => process.stderr.write(`bench:faithfulness: ${line}\n`);
const scratch = mkdtempSync(join(tmpdir(), 'faithfulness-bench-'));

// Builder's own sampler (the seed's schedule), which alone takes the approximate options, first exact.
const APPROXIMATE: [string, Record<string, unknown>][] = [
  ["Builder's sampler, exact (no cache, no threshold)", { cacheInterval: 0, parallelThreshold: 0 }],
  ["Builder's sampler, context cache interval 2", { cacheInterval: 2 }],
  ["Builder's sampler, context cache interval 4", { cacheInterval: 4 }],
  ["Builder's sampler, context cache interval 8", { cacheInterval: 8 }],
  ["Builder's sampler, parallel threshold 0.9", { cacheInterval: 0, parallelThreshold: 0.9 }],
  ["Builder's sampler, parallel threshold 0.7", { cacheInterval: 0, parallelThreshold: 0.7 }],
];

interface Row {
  setting: string;
  against: string;
  equal: string;
  passesPerToken: string;
}

const passesPerToken = (input: SampleInput, sample: SampleOutput) => (sample.trace.passes.length / input.fill.length).toFixed(2);

/** Builder's run, or the one line it refused the settings with. */
async function attempt(run: () => Promise<SampleOutput>): Promise<SampleOutput | string> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof BuilderRefusal) return error.message.split('\n').at(-1)!;
    throw error;
  }
}

const sections: string[] = [];
try {
  for (const family of REFERENCE_FAMILIES.filter((f) => options.family === undefined || f.title.includes(options.family))) {
    const prepared = await prepareFamily(scratch, family.folder);
    const rows: Row[] = [];
    let equal = 0;
    let filled = 0;
    let passes = 0;
    const exact: { input: SampleInput; sample: SampleOutput }[] = [];
    for (const c of family.cases) {
      const input = caseInput(c, prepared.maskId);
      const reference = referenceRun(c, prepared, input);
      const sample = await attempt(() => builderRun(prepared.modelDir, input, join(scratch, 'runs'), `${family.folder}-${c.seed}`));
      if (typeof sample === 'string') {
        rows.push({ setting: `${c.name} (${c.sampler})`, against: "the authors' sampler", equal: `refused: ${sample}`, passesPerToken: '' });
        continue;
      }
      exact.push({ input, sample });
      const same = equalFilled(input, sample.tokens, reference.tokens);
      equal += same;
      filled += input.fill.length;
      passes += sample.trace.passes.length;
      rows.push({ setting: `${c.name} (${c.sampler}, ${c.steps} steps)`, against: "the authors' sampler", equal: `${same}/${input.fill.length}`, passesPerToken: passesPerToken(input, sample) });
    }
    log(`${family.title}: ${equal}/${filled} equal to the authors' sampler`);
    rows.unshift({ setting: "authors' settings, all cases", against: "the authors' sampler", equal: `${equal}/${filled}`, passesPerToken: filled ? (passes / filled).toFixed(2) : '' });
    const first = exact[0];
    if (first !== undefined) {
      for (const [setting, extra] of APPROXIMATE) {
        const { steps, temperature, topP } = first.input.settings;
        const input = { ...first.input, settings: { sampler: 'builder', steps, temperature, ...(topP === undefined ? {} : { topP }), ...extra } };
        const sample = await attempt(() => builderRun(prepared.modelDir, input, join(scratch, 'runs'), `${family.folder}-${setting.replace(/\W+/g, '-')}`));
        rows.push(
          typeof sample === 'string'
            ? { setting, against: "the authors' exact run", equal: `refused: ${sample}`, passesPerToken: '' }
            : { setting, against: "the authors' exact run", equal: `${equalFilled(input, sample.tokens, first.sample.tokens)}/${input.fill.length}`, passesPerToken: passesPerToken(input, sample) },
        );
        log(`${family.title}, ${setting}: ${rows.at(-1)!.equal}`);
      }
    }
    sections.push(
      [
        `### ${family.title} (\`${family.folder}\`)`,
        '',
        '| setting | compared with | filled tokens equal | forward passes per token |',
        '| --- | --- | ---: | ---: |',
        ...rows.map((r) => `| ${r.setting} | ${r.against} | ${r.equal} | ${r.passesPerToken} |`),
      ].join('\n'),
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const body = [
  runLine(machineInfo(2, null)),
  '',
  "Temperature 0. The approximate options run with Builder's own sampler (settings.sampler \"builder\", the only one that takes them) on each family's first case, at its steps and top-p, against Builder's run of the authors' sampler; `refused` quotes `builder sample` where it does not take a setting.",
  ...(options.family === undefined ? [] : ['', `Only the families whose name holds "${options.family}" (\`--family\`).`]),
  '',
  ...sections.flatMap((s) => [s, '']),
].join('\n');
process.stdout.write(`${body}\n`);
if (options.docs) writeBenchmarkSection(options.docs, 'faithfulness', body);
