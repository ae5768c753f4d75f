import type { Node } from 'web-tree-sitter';
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

const isComment = (node: Node) => node.type.includes('comment');

/**
 * Where a node's code ends, not counting comments after its last statement, which indentation
 * languages (Python) fold into the block.
 */
function codeEnd(node: Node): number {
  let last = node.lastChild;
  // tree-sitter finds a previous sibling by scanning from the first, so walk back only past comments.
  if (last && isComment(last)) last = node.children.findLast((child) => child !== null && !isComment(child)) ?? null;
  if (!last) return node.endIndex;
  return last.childCount > 0 ? codeEnd(last) : last.endIndex;
}

/** The whole definition: wrappers (decorators, `export`, templates) and leading attributes included. */
function definitionRange(match: DefinitionMatch, rules: LanguageRules): TextRange {
  let node = match.node;
  while (node.parent && rules.wrappers.has(node.parent.type)) node = node.parent;
  let start = node.startIndex;
  if (rules.leading.size === 0) return { start, end: codeEnd(node) };
  for (let previous = node.previousNamedSibling; previous; previous = previous.previousNamedSibling) {
    if (rules.leading.has(previous.type)) start = previous.startIndex;
    else if (!isComment(previous)) break;
  }
  return { start, end: codeEnd(node) };
}

interface Enclosing {
  /** Where the matched node ends: definitions starting before it are nested inside. */
  end: number;
  name: string;
  kind: DefinitionKind;
}

/**
 * Every function, method, class and kin in the file, in source order, nested ones included.
 * tree-sitter finds the candidate nodes inside WASM in one call; only those cross into JavaScript.
 */
export function outline(parsed: ParsedSource): OutlineEntry[] {
  const rules = DEFINITION_RULES[parsed.language];
  const { source } = parsed;
  const entries: OutlineEntry[] = [];
  const enclosing: Enclosing[] = [];
  const candidates = parsed.tree.rootNode
    .descendantsOfType([...rules.definitions.keys()])
    .filter((node) => node !== null)
    .sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  for (const node of candidates) {
    const match = rules.definitions.get(node.type)!(node);
    if (!match) continue;
    while (enclosing.length > 0 && enclosing.at(-1)!.end <= node.startIndex) enclosing.pop();
    const parent = enclosing.at(-1);
    const kind = match.kind === 'function' && parent && CONTAINER_KINDS.has(parent.kind) ? 'method' : match.kind;
    const ownName = match.scope ? `${match.scope}.${match.name}` : match.name;
    const range = definitionRange(match, rules);
    entries.push({
      name: match.name,
      qualifiedName: [...enclosing.map((e) => e.name), ownName].join('.'),
      kind,
      language: parsed.language,
      startLine: source.position(range.start).line,
      endLine: source.lastLine(range.start, range.end),
      startByte: source.byteOffset(range.start),
      endByte: source.byteOffset(range.end),
      range,
      bodyRange: match.body ? { start: match.body.startIndex, end: codeEnd(match.body) } : null,
    });
    enclosing.push({ end: node.endIndex, name: ownName, kind });
  }
  return entries.sort((a, b) => a.range.start - b.range.start || b.range.end - a.range.end);
}
