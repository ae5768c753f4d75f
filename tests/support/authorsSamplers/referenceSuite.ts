import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builderRun, caseInput, firstDifference, type PreparedFamily, prepareFamily, REFERENCE_FAMILIES, type ReferenceCase, referenceRun, SELECTION_MARGIN, TOKEN_MARGIN } from './referenceCases';

/**
 * Issue 24's reference tests for the families named: for each, the authors' sampler ported independently (this
 * folder, from the authors' files) on the float64 reference forward pass of the family's tiny checkpoint, against
 * `builder sample` on its fp32 export, at temperature 0 and the authors' settings: the same final tokens, and the
 * same positions revealed with the same tokens in every pass. One file per few families (tests/generate/authorsReference/),
 * so that no one file holds a test worker for minutes while the other has nothing left to run.
 */
export function describeAuthorsReference(titles: readonly string[], include: (c: ReferenceCase) => boolean = () => true): void {
  const families = titles.map((title) => {
    const family = REFERENCE_FAMILIES.find((f) => f.title === title);
    if (family === undefined) throw new Error(`no reference family titled ${title}`);
    return family;
  });
  const root = mkdtempSync(join(tmpdir(), 'builder-authors-reference-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  describe.each(families.map((family) => [family.title, family] as const))('%s', (_, family) => {
    let prepared: PreparedFamily;
    beforeAll(async () => {
      prepared = await prepareFamily(root, family.folder);
    }, 120_000);

    it.each(family.cases.filter(include).map((c) => [c.name, c] as const))(
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
}
