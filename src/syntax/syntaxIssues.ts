import type { Node } from 'web-tree-sitter';
import type { TextRange } from './outline';
import type { ParsedSource } from './syntaxParser';

/** A place where tree-sitter could not make sense of the code. */
export interface SyntaxIssue {
  kind: 'error' | 'missing';
  /** 1-based; the column counts UTF-16 code units, as editors do. */
  line: number;
  column: number;
  startByte: number;
  endByte: number;
  range: TextRange;
  message: string;
  /** Whether it touches one of the spans asked about: issues outside them were there before. */
  insideSpans: boolean;
}

function describe(node: Node): string {
  if (node.isMissing) return `missing ${JSON.stringify(node.type)}`;
  const text = node.text.trim().split('\n')[0] ?? '';
  return text ? `unexpected ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}` : 'unexpected input';
}

function overlaps(range: TextRange, spans: readonly TextRange[]): boolean {
  // An empty range (a missing token) touches a span when it sits inside or at its edges.
  return spans.some((span) => range.start <= span.end && range.end >= span.start && (range.start < span.end || range.start === range.end));
}

/** Every ERROR and MISSING node of the tree, in source order; only subtrees that hold errors are visited. */
export function syntaxIssues(parsed: ParsedSource, spans: readonly TextRange[] = []): SyntaxIssue[] {
  const issues: SyntaxIssue[] = [];
  const visit = (node: Node): void => {
    if (node.isError || node.isMissing) {
      const range = { start: node.startIndex, end: node.endIndex };
      const { line, column } = parsed.source.position(range.start);
      issues.push({
        kind: node.isMissing ? 'missing' : 'error',
        line,
        column,
        startByte: parsed.source.byteOffset(range.start),
        endByte: parsed.source.byteOffset(range.end),
        range,
        message: describe(node),
        insideSpans: overlaps(range, spans),
      });
      if (node.isMissing) return;
    }
    for (const child of node.children) if (child && (child.hasError || child.isMissing)) visit(child);
  };
  if (parsed.tree.rootNode.hasError) visit(parsed.tree.rootNode);
  return issues;
}
