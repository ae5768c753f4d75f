import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTrained, KNOWN_ANSWER_CHECKPOINTS } from '../support/knownAnswerCheckpoints';

// One file per checkpoint keeps the test workers evenly loaded; this keeps a newly trained one from going untested.
describe('the known-answer files', () => {
  it('test every trained diffusion checkpoint, each in one file', () => {
    const files = readdirSync(import.meta.dirname).filter((name) => name.endsWith('.test.ts'));
    const described = files.flatMap((name) => [...readFileSync(`${import.meta.dirname}/${name}`, 'utf8').matchAll(/describeKnownAnswerFamily\('([^']+)'\)/g)].map((m) => m[1]!));
    const trained = KNOWN_ANSWER_CHECKPOINTS.filter((c) => c.kind === 'diffusion' && isTrained(c)).map((c) => c.folder);
    expect(described.sort()).toEqual(trained.sort());
  });
});
