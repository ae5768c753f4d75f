import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builderRun,
  caseInput,
  firstDifference,
  type PreparedFamily,
  prepareFamily,
  REFERENCE_FAMILIES,
  referenceRun,
  SELECTION_MARGIN,
  TOKEN_MARGIN,
} from '../support/authorsSamplers/referenceCases';

/**
 * Issue 24's reference tests: for each family, the authors' sampler ported independently
 * (tests/support/authorsSamplers/, from the authors' files) on the float64 reference forward pass of the family's
 * tiny checkpoint, against `builder sample` on its fp32 export, at temperature 0 and the authors' settings: the same
 * final tokens, and the same positions revealed with the same tokens in every pass.
 */

const root = mkdtempSync(join(tmpdir(), 'builder-authors-reference-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.each(REFERENCE_FAMILIES.map((family) => [family.title, family] as const))('%s', (_, family) => {
  let prepared: PreparedFamily;
  beforeAll(async () => {
    prepared = await prepareFamily(root, family.folder);
  }, 120_000);

  it.each(family.cases.map((c) => [c.name, c] as const))(
    "%s: Builder writes the authors' tokens in the authors' order",
    async (_, c) => {
      const input = caseInput(c, prepared.maskId);
      const reference = referenceRun(c, prepared, input);
      // Every choice of the reference far from a tie, so float32 against float64 cannot flip one.
      expect(reference.tokenMargin, 'the reference run has a near-tie between tokens').toBeGreaterThan(TOKEN_MARGIN);
      expect(reference.selectionMargin, 'the reference run has a near-tie between positions').toBeGreaterThan(SELECTION_MARGIN);
      const sample = await builderRun(prepared.modelDir, input, join(root, 'runs'), `${family.folder}-${c.seed}`);
      expect(sample.trace.promptTokens).toEqual(input.tokens);
      expect(firstDifference(c, reference, sample)).toBeNull();
    },
    300_000,
  );
});
