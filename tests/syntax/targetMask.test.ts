import { describe, expect, it } from 'vitest';
import { UnknownTargetError } from '../../src/errors/inputErrors';
import { targetMask } from '../../src/syntax/targetMask';
import { targetKeys } from '../../src/syntax/targets';
import { analyze } from '../support/parser';

const SOURCE = 'def area(r):\n    return r\n\n\nclass Shape:\n    def area(self):\n        return 1\n';

describe('targetMask', () => {
  it("resolves the outline's keys (as the app sends them) and masks in the mode asked", async () => {
    const analyzed = await analyze(SOURCE, 'shapes.py');
    try {
      const { outline } = analyzed;
      const { source } = analyzed.parsed;
      const key = targetKeys(outline)[outline.findIndex((entry) => entry.qualifiedName === 'Shape.area')]!;
      const body = targetMask(outline, source, [key], 'body');
      expect(body.targets.map((entry) => entry.qualifiedName)).toEqual(['Shape.area']);
      expect(body.maskPlan.spans.map((span) => [span.target, span.mode, SOURCE.slice(span.range.start, span.range.end)])).toEqual([['Shape.area', 'body', 'return 1']]);
      expect(targetMask(outline, source, [key], 'definition').maskPlan.spans[0]!.mode).toBe('definition');
      expect(() => targetMask(outline, source, ['aera'], 'body')).toThrow(UnknownTargetError);
    } finally {
      analyzed.parsed.delete();
    }
  });
});
