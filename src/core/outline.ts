import { CONTAINER_KINDS, DEFINITION_RULES, type DefinitionKind, type DefinitionMatch, type LanguageRules } from './definitionRules';
import type { LanguageId } from './languages';
import type { ParsedSource } from './syntaxParser';

/** A range of a JavaScript string: UTF-16 code units, end exclusive. */
export interface TextRange {
  start: number;
  end: number;
}

/** One definition of a file, as the `builder outline --json` contract prints it. */
export interface Definition {
  name: string;
  qualifiedName: string;
  kind: DefinitionKind;
  language: LanguageId;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** UTF-8 byte offsets, end exclusive. */
  startByte: number;
  endByte: number;
}

/** A definition with what editors and masking need besides: its ranges in the string. */
export interface OutlineEntry extends Definition {
  range: TextRange;
  /** What `body` masking replaces; null where the definition has no body. */
  bodyRange: TextRange | null;
}

export function toDefinition({ name, qualifiedName, kind, language, startLine, endLine, startByte, endByte }: OutlineEntry): Definition {
  return { name, qualifiedName, kind, language, startLine, endLine, startByte, endByte };
}

/** The whole definition: wrappers (decorators, `export`, templates) and leading attributes included. */
function definitionRange(match: DefinitionMatch, rules: LanguageRules): TextRange {
  let node = match.node;
  while (node.parent && rules.wrappers.has(node.parent.type)) node = node.parent;
  let start = node.startIndex;
  for (let previous = node.previousNamedSibling; previous && rules.leading.has(previous.type); previous = previous.previousNamedSibling) {
    start = previous.startIndex;
  }
  return { start, end: node.endIndex };
}

interface Enclosing {
  depth: number;
  name: string;
  kind: DefinitionKind;
}

/**
 * Every function, method, class and kin in the file, in source order, nested ones included.
 * Walks with a tree cursor, which creates no node objects except where a definition is found.
 */
export function outline(parsed: ParsedSource): OutlineEntry[] {
  const rules = DEFINITION_RULES[parsed.language];
  const { source } = parsed;
  const entries: OutlineEntry[] = [];
  const enclosing: Enclosing[] = [];
  const cursor = parsed.tree.walk();
  let depth = 0;
  try {
    for (;;) {
      const matcher = rules.definitions.get(cursor.nodeType);
      const match = matcher?.(cursor.currentNode);
      if (match) {
        const parent = enclosing.at(-1);
        const kind = match.kind === 'function' && parent && CONTAINER_KINDS.has(parent.kind) ? 'method' : match.kind;
        const qualifiedName = [...enclosing.map((e) => e.name), ...(match.scope ? [match.scope] : []), match.name].join('.');
        const range = definitionRange(match, rules);
        entries.push({
          name: match.name,
          qualifiedName,
          kind,
          language: parsed.language,
          startLine: source.position(range.start).line,
          endLine: source.lastLine(range.start, range.end),
          startByte: source.byteOffset(range.start),
          endByte: source.byteOffset(range.end),
          range,
          bodyRange: match.body ? { start: match.body.startIndex, end: match.body.endIndex } : null,
        });
        enclosing.push({ depth, name: [...(match.scope ? [match.scope] : []), match.name].join('.'), kind });
      }
      if (cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return entries.sort((a, b) => a.range.start - b.range.start || b.range.end - a.range.end);
        depth--;
      }
      while (enclosing.length > 0 && enclosing.at(-1)!.depth >= depth) enclosing.pop();
    }
  } finally {
    cursor.delete();
  }
}
