import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CodeTokenizer, codeTokenizerFor } from '../../src/runtime/codeTokenizer';
import { fixturePath, readFixture } from '../support/parser';
import { runProperty } from './runProperty';
import { type PropertyRun, recordTrustReport } from './trustReport';

// The demo model's tokenizer (the real Qwen BPE vocabulary), as `npm install` generates it.
const MODEL = 'public/models/tiny-diffusion';

const REAL_FILES = readdirSync(fixturePath('real'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) => readdirSync(fixturePath(`real/${folder.name}`)).map((name) => `real/${folder.name}/${name}`));

let tokenizer: CodeTokenizer;
const runs: PropertyRun[] = [];

beforeAll(() => {
  tokenizer = codeTokenizerFor(readFileSync(`${MODEL}/tokenizer.json`, 'utf8'), readFileSync(`${MODEL}/tokenizer_config.json`, 'utf8'));
});
afterAll(() => recordTrustReport('tokenizer-properties', { properties: runs }));

function roundTrips(text: string): void {
  expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
}

// Code-like pieces (indentation, CRLF, tabs, trailing spaces, escapes, non-ASCII identifiers) mixed
// with any Unicode scalar value; lone surrogates are left out, since no decoded file holds one.
const piece = fc.oneof(
  fc.constantFrom(
    '    ',
    '\t',
    '\n',
    '\r\n',
    '\r',
    ' ',
    '  \n',
    'def f(x):',
    'return x',
    '}',
    '{',
    '=>',
    '//',
    '#',
    '"""',
    "'",
    '\\n',
    '\\',
    '\u00a0',
    '\u200b',
    '\ufeff',
    'naïve',
    'é',
    '中文',
    '😀',
    '👩‍💻',
    '\u0000',
    '\u001b[0m',
  ),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);
const codeLike = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(''));

describe('the tokenizer round-trips code exactly (fast-check)', () => {
  it('random Unicode and code-like strings', async () => {
    // Found by this property: the tokenizer's NFC normaliser changed these.
    for (const text of ['cafe\u0301', '\u{2F800}', 'A\u030A', '\uFB01']) roundTrips(text);
    await runProperty(runs, 'tokenizer: decode(encode(s)) === s for random Unicode and code-like strings', fc.property(codeLike, roundTrips), { numRuns: 1000, seed: 424_242 });
  });

  it('every real file whole, and random slices of them', async () => {
    const texts = REAL_FILES.map(readFixture);
    for (const text of texts) roundTrips(text);
    const slice = fc.record({ file: fc.nat({ max: texts.length - 1 }), from: fc.nat(), length: fc.integer({ min: 1, max: 600 }) }).map(({ file, from, length }) => {
      const characters = [...texts[file]!];
      const start = from % characters.length;
      return characters.slice(start, start + length).join('');
    });
    await runProperty(runs, `tokenizer: real files (${texts.length} whole, then random slices at character boundaries)`, fc.property(slice, roundTrips), { numRuns: 300, seed: 7_331 });
  });
});
