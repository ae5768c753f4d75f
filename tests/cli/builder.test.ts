import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toDefinition } from '../../src/syntax/outline';
import { builder, expectUsageError } from '../support/cli';
import { analyze, fixturePath } from '../support/parser';

const CONTRACT_KEYS = ['endByte', 'endLine', 'kind', 'language', 'name', 'qualifiedName', 'startByte', 'startLine'];

describe.concurrent('builder --help', () => {
  it('lists the subcommands of the contract and exits 0', async () => {
    const run = await builder('--help');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    for (const line of [
      'builder outline FILE [--language LANG] --json',
      'builder mask FILE --target NAME[,NAME...] [--mode definition|body] --json',
      'builder tiny-model --kind diffusion|autoregressive --out DIR [--seed N]',
      'builder convert --from HF_DIR --out DIR [--quant q4|q8|fp16|fp32] [--kind diffusion|autoregressive]',
      'builder patch --file FILE --target NAME[,NAME...] --prompt TEXT --model DIR',
      'builder batch --plans PLANS.json --model DIR [--out-dir DIR]',
      'builder pull REPO[@REVISION] --out DIR [--quant auto|q4|q8|fp16|fp32] [--family NAME]',
      'builder bench [--json FILE]',
      'builder sample --model DIR --input FILE.json [--json OUT.json]',
      'builder eval --model DIR --data FILE.jsonl[.gz] [--limit N] [--oracle',
    ]) {
      expect(run.stdout).toContain(line);
    }
    for (const option of ['[--fallback-model DIR]', '[--preset demo|fast|balanced|quality]', '[--schedule linear|cosine|sqrt]', '[--out FILE.patch] [--json FILE.json]']) {
      expect(run.stdout).toContain(option);
    }
  });
});

describe.concurrent('builder outline', () => {
  it('prints the contract JSON for a real Python file, equal to the library outline, with UTF-8 byte offsets', async () => {
    const run = await builder('outline', 'fixtures/real/python/_urls.py', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const printed = JSON.parse(run.stdout) as { qualifiedName: string; startByte: number; endByte: number }[];
    expect(Array.isArray(printed)).toBe(true);
    for (const entry of printed) expect(Object.keys(entry).sort()).toEqual(CONTRACT_KEYS);
    expect(printed).toContainEqual({
      name: '__init__',
      qualifiedName: 'URL.__init__',
      kind: 'method',
      language: 'python',
      startLine: 77,
      endLine: 124,
      startByte: expect.any(Number),
      endByte: expect.any(Number),
    });
    const bytes = readFileSync(fixturePath('real/python/_urls.py'));
    const analyzed = await analyze(bytes.toString('utf8'), '_urls.py');
    try {
      expect(printed).toEqual(analyzed.outline.map(toDefinition));
    } finally {
      analyzed.parsed.delete();
    }
    // The file holds non-ASCII text (müller.de) before these definitions, so UTF-16 offsets would be off.
    const init = printed.find((e) => e.qualifiedName === 'URL.__init__')!;
    expect(bytes.subarray(init.startByte, init.endByte).toString('utf8')).toMatch(/^def __init__\(self, url: URL \| str = ""[\s\S]*\)$/);
    const host = printed.find((e) => e.qualifiedName === 'URL.host')!;
    expect(bytes.subarray(host.startByte, host.endByte).toString('utf8')).toMatch(/^@property\n {4}def host\(self\) -> str:/);
  });
});

describe.concurrent('builder mask', () => {
  it('prints the spans of several comma-separated targets as JSON, in source order', async () => {
    const run = await builder('mask', 'fixtures/real/go/errors.go', '--target', 'errorMsgs.String,Error.JSON', '--json');
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ file: 'fixtures/real/go/errors.go', language: 'go', mode: 'definition', notes: [], syntaxIssuesInSpans: [] });
    expect(report.spans.map((s: { target: string; kind: string; startLine: number; endLine: number }) => [s.target, s.kind, s.startLine, s.endLine])).toEqual([
      ['Error.JSON', 'method', 55, 74],
      ['errorMsgs.String', 'method', 161, 173],
    ]);
    const bytes = readFileSync(fixturePath('real/go/errors.go'));
    const [json] = report.spans as { startByte: number; endByte: number }[];
    expect(bytes.subarray(json!.startByte, json!.endByte).toString('utf8')).toMatch(/^func \(msg \*Error\) JSON\(\) any \{[\s\S]*\n\}$/);
  });

  it('keeps the signature in --mode body', async () => {
    const run = await builder('mask', 'fixtures/real/python/_urls.py', '--target', 'URL.__init__', '--mode', 'body', '--json');
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.mode).toBe('body');
    expect(report.spans).toHaveLength(1);
    const [span] = report.spans;
    expect(span).toMatchObject({ target: 'URL.__init__', kind: 'method', mode: 'body', startLine: 78, endLine: 124 });
    // What stays before the masked body is the signature line and the body's indentation.
    const bytes = readFileSync(fixturePath('real/python/_urls.py'));
    const signatureStart = bytes.lastIndexOf(Buffer.from('def __init__'), span.startByte);
    expect(bytes.subarray(signatureStart, span.startByte).toString('utf8')).toBe('def __init__(self, url: URL | str = "", **kwargs: typing.Any) -> None:\n        ');
    expect(bytes.subarray(span.startByte, span.endByte).toString('utf8')).toMatch(/^if kwargs:\n[\s\S]*\)$/);
  });

  it('accepts --target twice, NAME@LINE and merges a nested target with a note', async () => {
    const run = await builder('mask', 'fixtures/real/javascript/AxiosHeaders.js', '--target', 'AxiosHeaders.set', '--target', 'setHeader@82', '--json');
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.spans.map((s: { target: string }) => s.target)).toEqual(['AxiosHeaders.set']);
    expect(report.notes).toEqual(['AxiosHeaders.set.setHeader lies inside AxiosHeaders.set, so it is regenerated as part of it.']);
  });

  it('targets the innermost definition around --at LINE:COLUMN', async () => {
    const run = await builder('mask', 'fixtures/real/javascript/view.js', '--at', '140:5', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).spans.map((s: { target: string }) => s.target)).toEqual(['View.render']);
  });
});

// Bad files, languages and targets are in the trust report's table (tests/trust/inputs.test.ts).
describe.concurrent('builder: bad input exits 2 with one line and no stack trace', () => {
  it('a missing file', async () => {
    expectUsageError(await builder('outline', 'no/such/file.py', '--json'), /No such file: no\/such\/file\.py/);
  });

  it('an ambiguous target, with the candidates', async () => {
    expectUsageError(
      await builder('mask', 'fixtures/real/go/errors.go', '--target', 'JSON', '--json'),
      /"JSON" names 2 definitions: Error\.JSON \(method, line 55\), errorMsgs\.JSON \(method, line 141\)/,
    );
  });

  it('an unknown option', async () => {
    expectUsageError(await builder('outline', 'fixtures/real/go/errors.go', '--bogus'), /Unknown option '--bogus'/);
  });

  it('no FILE', async () => {
    expectUsageError(await builder('outline', '--json'), /builder outline takes one FILE/);
  });

  it('an unknown command', async () => {
    expectUsageError(await builder('frobnicate'), /Unknown command "frobnicate"/);
  });
});
