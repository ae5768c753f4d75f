import { describe, expect, it } from 'vitest';
import { contextPriorities } from '../../src/prompt/contextPriorities';
import { resolveTargets } from '../../src/syntax/targets';
import { analyze } from '../support/parser';

const PYTHON = `"""A module."""
import os
from typing import (
    List,
)


def helper(x):
    return x * 2


def unrelated():
    return 0


class Shape:
    """A shape."""

    def area(self):
        return helper(self.size)

    def describe(self):
        return f"{self.area():.2f}"


def report(shape):
    return shape.area()
`;

const lines = (text: string, group: { first: number; last: number }) =>
  text
    .split('\n')
    .slice(group.first, group.last + 1)
    .join('\n');

describe('contextPriorities', () => {
  it("puts the enclosing header first, then the imports, the callees' and the callers' signatures", async () => {
    const analyzed = await analyze(PYTHON, 'shapes.py');
    try {
      const targets = resolveTargets(analyzed.outline, analyzed.parsed.source, ['Shape.area']);
      const groups = contextPriorities(analyzed.parsed, analyzed.outline, targets).map((group) => lines(PYTHON, group));
      expect(groups).toEqual(['class Shape:', 'import os', 'from typing import (\n    List,\n)', 'def helper(x):', '    def describe(self):', 'def report(shape):']);
    } finally {
      analyzed.parsed.delete();
    }
  });

  it('finds imports by call in Ruby and by type in Rust, and a block namespace by its header line', async () => {
    const ruby = await analyze('require "json"\nrequire_relative "x"\nputs "hi"\n\ndef run\n  1\nend\n', 'a.rb');
    const rust = await analyze('use std::fmt;\n\nfn run() -> u8 {\n    1\n}\n', 'a.rs');
    const php = await analyze('<?php\nnamespace App {\n    use Foo\\Bar;\n\n    function run() {\n        return 1;\n    }\n}\n', 'a.php');
    try {
      for (const [analyzed, expected] of [
        [
          ruby,
          [
            { first: 0, last: 0 },
            { first: 1, last: 1 },
          ],
        ],
        [rust, [{ first: 0, last: 0 }]],
        [
          php,
          [
            { first: 1, last: 1 },
            { first: 2, last: 2 },
          ],
        ],
      ] as const) {
        const targets = resolveTargets(analyzed.outline, analyzed.parsed.source, ['run']);
        expect(contextPriorities(analyzed.parsed, analyzed.outline, targets)).toEqual(expected);
      }
    } finally {
      for (const analyzed of [ruby, rust, php]) analyzed.parsed.delete();
    }
  });
});
