import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dllmTransferCounts } from '../../src/generate/authors/revealCounts';
import { builder, expectUsageError } from '../support/cli';
import { tinyModel } from '../support/tinyModels';

let work: string;
let model: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'builder-cli-sample-'));
  model = (await tinyModel('diffusion')).modelDir;
});

interface SampleOutput {
  tokens: number[];
  trace: { promptTokens: number[]; passes: { positions: number[]; tokens: number[]; remasked?: number[] }[] };
  sampler: string;
  settings: Record<string, unknown>;
  model: { maskTokenId: number; graphVersion: number };
}

/** Runs `builder sample` on `input`; returns the run and its parsed output. */
async function sample(input: unknown) {
  const inputFile = join(work, `input-${Math.random().toString(36).slice(2)}.json`);
  const outFile = `${inputFile}.out.json`;
  writeFileSync(inputFile, JSON.stringify(input));
  const run = await builder('sample', '--model', model, '--input', inputFile, '--json', outFile);
  return { run, output: run.code === 0 ? (JSON.parse(readFileSync(outFile, 'utf8')) as SampleOutput) : null };
}

const TOKENS = Array.from({ length: 24 }, (_, i) => 300 + 17 * i);
const FILL = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17];

/** The prompt with every pass's reveals applied in order. */
function replay(output: SampleOutput): number[] {
  const tokens = [...output.trace.promptTokens];
  for (const pass of output.trace.passes) {
    for (const p of pass.remasked ?? []) tokens[p] = output.model.maskTokenId;
    pass.positions.forEach((p, i) => (tokens[p] = pass.tokens[i]!));
  }
  return tokens;
}

describe('builder sample', () => {
  it('writes the final ids and a trace that replays to them, one pass per forward pass, each position revealed once', async () => {
    const { run, output } = await sample({ tokens: TOKENS, fill: FILL, settings: { sampler: 'mdlm', steps: 4, blockLength: 8 } });
    expect(run.code, run.stderr).toBe(0);
    const mask = output!.model.maskTokenId;
    expect(output!.trace.promptTokens).toEqual(TOKENS.map((id, p) => (FILL.includes(p) ? mask : id)));
    expect(replay(output!)).toEqual(output!.tokens);
    expect(output!.trace.passes.flatMap((p) => p.positions).sort((a, b) => a - b)).toEqual(FILL);
    // Infill over blocks [0, 8), [8, 16), [16, 24): ceil(4 / 3) = 2 steps each; the first block has no masks.
    expect(output!.trace.passes.length).toBe(dllmTransferCounts(8, 2).length + dllmTransferCounts(2, 2).length);
    expect(output!.settings).toMatchObject({ sampler: 'mdlm', steps: 4, blockLength: 8, temperature: 0, cfgScale: 0 });
    expect(output!.model.graphVersion).toBe(2);
  });

  it.each(['dream', 'p2', 'builder'])(
    'runs the %s sampler, its trace replaying to the final ids',
    async (sampler) => {
      const { run, output } = await sample({ tokens: TOKENS, fill: FILL, settings: { sampler, steps: 5 } });
      expect(run.code, run.stderr).toBe(0);
      expect(output!.sampler).toBe(sampler);
      expect(replay(output!)).toEqual(output!.tokens);
      expect(FILL.every((p) => output!.tokens[p] !== output!.model.maskTokenId)).toBe(true);
    },
    60_000,
  );

  it('refuses a bad input in one line, exit 2', async () => {
    expectUsageError((await sample({ tokens: TOKENS, fill: [30] })).run, /fill\[0\] is 30/);
    expectUsageError((await sample({ tokens: TOKENS, fill: FILL, settings: { steps: 0 } })).run, /settings.steps must be/);
    expectUsageError((await sample({ tokens: TOKENS, fill: FILL, settings: { sampler: 'mdlm', cacheInterval: 4 } })).run, /use sampler "builder"/);
    expectUsageError((await sample({ tokens: TOKENS, fill: FILL, extra: 1 })).run, /"extra" is not a field/);
  });
});
