import type { Node } from 'web-tree-sitter';
import type { LanguageId } from '../syntax/languages';
import type { OutlineEntry } from '../syntax/outline';
import type { ParsedSource } from '../syntax/syntaxParser';
import type { LineGroup } from './contextWindow';

/**
 * What brings other code into a file, per grammar: tree-sitter node types, and for languages that
 * import by calling (Ruby's `require`, Bash's `source`) the names of those calls.
 */
const IMPORTS: Readonly<Record<LanguageId, { types: readonly string[]; calls?: readonly string[] }>> = {
  python: { types: ['import_statement', 'import_from_statement', 'future_import_statement'] },
  typescript: { types: ['import_statement'] },
  tsx: { types: ['import_statement'] },
  javascript: { types: ['import_statement'] },
  rust: { types: ['use_declaration', 'extern_crate_declaration'] },
  go: { types: ['package_clause', 'import_declaration'] },
  java: { types: ['package_declaration', 'import_declaration'] },
  c: { types: ['preproc_include'] },
  cpp: { types: ['preproc_include', 'using_declaration'] },
  csharp: { types: ['using_directive'] },
  ruby: { types: ['call'], calls: ['require', 'require_relative'] },
  php: { types: ['namespace_definition', 'namespace_use_declaration'] },
  bash: { types: ['command'], calls: ['source', '.'] },
};

/** Leaf node types that name something, across the grammars (PHP's `name`, Ruby's `constant`, Bash's `word`). */
const NAME_TYPES = ['identifier', 'property_identifier', 'field_identifier', 'type_identifier', 'shorthand_property_identifier', 'name', 'constant', 'word'];

/** A signature longer than this is cut: its first lines say what the definition is. */
const MAX_SIGNATURE_LINES = 4;

const contains = (outer: OutlineEntry, inner: { start: number; end: number }) => outer.range.start <= inner.start && inner.end <= outer.range.end;

function isImport(node: Node, calls: readonly string[] | undefined): boolean {
  if (!calls) return true;
  // The called name is the call's first child: `require` of `require "x"`, `source` of `source ./lib.sh`.
  const callee = node.firstNamedChild;
  return callee !== null && calls.includes(callee.text);
}

/**
 * The lines that say most about the targets beyond the code right around them, most important
 * first: the headers of the definitions that enclose each target (a method's class or impl), the
 * file's imports, the signatures of the definitions the targets use, then of those that use them.
 * Lines are 0-based for contextWindow.
 */
export function contextPriorities(parsed: ParsedSource, entries: readonly OutlineEntry[], targets: readonly OutlineEntry[]): LineGroup[] {
  const { source } = parsed;
  const lineAt = (index: number) => source.position(index).line - 1;
  const header = (entry: OutlineEntry): LineGroup => {
    const first = entry.startLine - 1;
    const bodyLine = entry.bodyRange ? lineAt(entry.bodyRange.start) : first;
    // A body that starts on a later line (Python's block) leaves the header the lines before it.
    const last = bodyLine > first ? bodyLine - 1 : first;
    return { first, last: Math.min(last, first + MAX_SIGNATURE_LINES - 1) };
  };
  const isTarget = new Set(targets);
  const enclosesTarget = (entry: OutlineEntry) => targets.some((target) => target !== entry && contains(entry, target.range));
  const insideTarget = (range: { start: number; end: number }) => targets.some((target) => contains(target, range));
  const groups: LineGroup[] = [];

  for (const target of targets) {
    const enclosing = entries.filter((entry) => entry !== target && contains(entry, target.range)).sort((a, b) => b.range.start - a.range.start);
    groups.push(...enclosing.map(header));
  }

  const functions = entries.filter((entry) => !isTarget.has(entry) && !enclosesTarget(entry));
  const imports = IMPORTS[parsed.language];
  for (const node of parsed.tree.rootNode.descendantsOfType([...imports.types])) {
    if (!node || !isImport(node, imports.calls)) continue;
    // An import inside a definition belongs to it, not to the file.
    if (functions.some((entry) => contains(entry, { start: node.startIndex, end: node.endIndex }))) continue;
    // A block (PHP's `namespace X { ... }`) holds the file: its header line is the import.
    const body = node.childForFieldName('body');
    groups.push({ first: node.startPosition.row, last: body ? body.startPosition.row : node.endPosition.row });
  }

  const names = parsed.tree.rootNode.descendantsOfType(NAME_TYPES).filter((node): node is Node => node !== null && node.childCount === 0);
  const used = new Set(names.filter((node) => insideTarget({ start: node.startIndex, end: node.endIndex })).map((node) => node.text));
  const callees = functions.filter((entry) => used.has(entry.name) && !insideTarget(entry.range));
  groups.push(...callees.map(header));

  const targetNames = new Set(targets.map((target) => target.name));
  const callers = new Set<OutlineEntry>();
  for (const node of names) {
    if (!targetNames.has(node.text)) continue;
    const at = { start: node.startIndex, end: node.endIndex };
    if (insideTarget(at)) continue;
    let innermost: OutlineEntry | undefined;
    for (const entry of functions) if (contains(entry, at) && (!innermost || entry.range.end - entry.range.start < innermost.range.end - innermost.range.start)) innermost = entry;
    if (innermost) callers.add(innermost);
  }
  groups.push(...[...callers].map(header));
  return groups;
}
