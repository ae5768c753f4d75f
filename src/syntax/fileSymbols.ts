import type { Node } from 'web-tree-sitter';
import { DEFINITION_RULES } from './definitionRules';
import type { ParsedSource } from './syntaxParser';

/** A name a file imports: `from .io import read as load` binds `load` to `read` of module `.io`. */
export interface ImportBinding {
  /** The name in the importing file. */
  local: string;
  /** The name in the module; '*' for the module itself (`import os`, `import * as ns`, `require`), 'default' for a default export. */
  imported: string;
  /** The module as written: `.io`, `pkg.io`, `./io.js`. */
  module: string;
}

/** `export { a as b } from './x'` (exported b, imported a) and `export * from './x'` (both '*'). */
export interface ReExport {
  exported: string;
  imported: string;
  module: string;
}

/** One use of a name in the code: `area` in `area(1)`, `join` with object `os.path` in `os.path.join(p)`. */
export interface Reference {
  name: string;
  /** The expression the name is a member of, as written; null for a bare name. */
  object: string | null;
  /** UTF-16 offsets of the name. */
  start: number;
  end: number;
}

export interface FileSymbols {
  imports: ImportBinding[];
  reExports: ReExport[];
  /** Every use of a name outside import and export lists and definitions' own names, in source order. */
  references: Reference[];
}

/** Node types that name something, across the grammars Builder ships. */
const NAME_TYPES = ['identifier', 'type_identifier', 'property_identifier', 'field_identifier', 'constant', 'name', 'simple_identifier', 'shorthand_property_identifier', 'namespace_identifier'];
/** The fields that hold the member in a member access, and those that hold what it is a member of. */
const MEMBER_FIELDS = ['attribute', 'property', 'field', 'name', 'method'];
const OBJECT_FIELDS = ['object', 'module', 'operand', 'value', 'path', 'argument', 'receiver', 'expression', 'scope'];
/** Ancestors whose names are not uses: the lists of imports and exports. */
const IMPORT_LISTS = new Set([
  'import_statement',
  'import_from_statement',
  'future_import_statement',
  'import_declaration',
  'import_spec',
  'use_declaration',
  'using_directive',
  'export_clause',
  'namespace_use_declaration',
]);
/** How far up an identifier sits inside an import list (`from a import (b as c)`: 3). */
const IMPORT_DEPTH = 4;

const stringContent = (node: Node | null): string | null => {
  if (!node) return null;
  const fragment = node.namedChildren.find((c) => c?.type === 'string_fragment' || c?.type === 'string_content');
  return fragment ? fragment.text : node.text.replace(/^['"`]|['"`]$/g, '');
};

const sameNode = (a: Node | null, b: Node) => a !== null && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;

function pythonImports(root: Node): ImportBinding[] {
  const bindings: ImportBinding[] = [];
  for (const statement of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (!statement) continue;
    const from = statement.type === 'import_from_statement' ? statement.childForFieldName('module_name')?.text : undefined;
    if (from !== undefined && statement.namedChildren.some((c) => c?.type === 'wildcard_import')) {
      bindings.push({ local: '*', imported: '*', module: from });
      continue;
    }
    for (const name of statement.childrenForFieldName('name')) {
      if (!name) continue;
      const aliased = name.type === 'aliased_import';
      const imported = aliased ? name.childForFieldName('name')!.text : name.text;
      const local = aliased ? name.childForFieldName('alias')!.text : imported;
      if (from === undefined) bindings.push({ local, imported: '*', module: imported });
      else bindings.push({ local, imported, module: from });
    }
  }
  return bindings;
}

function scriptImports(root: Node): { imports: ImportBinding[]; reExports: ReExport[] } {
  const imports: ImportBinding[] = [];
  const reExports: ReExport[] = [];
  for (const statement of root.descendantsOfType(['import_statement', 'export_statement'])) {
    if (!statement) continue;
    const module = stringContent(statement.childForFieldName('source'));
    if (module === null) continue;
    if (statement.type === 'export_statement') {
      const clause = statement.namedChildren.find((c) => c?.type === 'export_clause');
      if (!clause) {
        if (!statement.namedChildren.some((c) => c?.type === 'namespace_export')) reExports.push({ exported: '*', imported: '*', module });
        continue;
      }
      for (const specifier of clause.namedChildren) {
        if (specifier?.type !== 'export_specifier') continue;
        const imported = specifier.childForFieldName('name')!.text;
        reExports.push({ exported: specifier.childForFieldName('alias')?.text ?? imported, imported, module });
      }
      continue;
    }
    const clause = statement.namedChildren.find((c) => c?.type === 'import_clause');
    for (const part of clause?.namedChildren ?? []) {
      if (!part) continue;
      if (part.type === 'identifier') imports.push({ local: part.text, imported: 'default', module });
      else if (part.type === 'namespace_import') {
        const local = part.namedChildren.find((c) => c?.type === 'identifier');
        if (local) imports.push({ local: local.text, imported: '*', module });
      } else if (part.type === 'named_imports') {
        for (const specifier of part.namedChildren) {
          if (specifier?.type !== 'import_specifier') continue;
          const imported = specifier.childForFieldName('name')!.text;
          imports.push({ local: specifier.childForFieldName('alias')?.text ?? imported, imported, module });
        }
      }
    }
  }
  // CommonJS: `const m = require('./m')`, `const { a, b: c } = require('./m')`.
  for (const declarator of root.descendantsOfType('variable_declarator')) {
    const value = declarator?.childForFieldName('value');
    if (!declarator || value?.type !== 'call_expression' || value.childForFieldName('function')?.text !== 'require') continue;
    const module = stringContent(value.childForFieldName('arguments')?.namedChildren[0] ?? null);
    const name = declarator.childForFieldName('name');
    if (!module || !name) continue;
    if (name.type === 'identifier') imports.push({ local: name.text, imported: '*', module });
    else if (name.type === 'object_pattern') {
      for (const part of name.namedChildren) {
        if (part?.type === 'shorthand_property_identifier_pattern') imports.push({ local: part.text, imported: part.text, module });
        else if (part?.type === 'pair_pattern') {
          const key = part.childForFieldName('key')?.text;
          const local = part.childForFieldName('value');
          if (key && local?.type === 'identifier') imports.push({ local: local.text, imported: key, module });
        }
      }
    }
  }
  return { imports, reExports };
}

function insideImportList(node: Node): boolean {
  let ancestor = node.parent;
  for (let depth = 0; ancestor && depth < IMPORT_DEPTH; depth++, ancestor = ancestor.parent) {
    if (IMPORT_LISTS.has(ancestor.type)) return true;
  }
  return false;
}

/** The imports, re-exports and uses of names of a parsed file, read from its tree. */
export function fileSymbols(parsed: ParsedSource): FileSymbols {
  const root = parsed.tree.rootNode;
  const definitionTypes = DEFINITION_RULES[parsed.language].definitions;
  const references: Reference[] = [];
  for (const node of root.descendantsOfType(NAME_TYPES)) {
    if (!node) continue;
    const parent = node.parent;
    if (!parent) continue;
    if (definitionTypes.has(parent.type) && sameNode(parent.childForFieldName('name'), node)) continue;
    if (insideImportList(node)) continue;
    let object: string | null = null;
    if (MEMBER_FIELDS.some((f) => sameNode(parent.childForFieldName(f), node))) {
      for (const f of OBJECT_FIELDS) {
        const holder = parent.childForFieldName(f);
        if (holder && !sameNode(holder, node)) {
          object = holder.text;
          break;
        }
      }
    }
    references.push({ name: node.text, object, start: node.startIndex, end: node.endIndex });
  }
  references.sort((a, b) => a.start - b.start);
  if (parsed.language === 'python') return { imports: pythonImports(root), reExports: [], references };
  if (parsed.language === 'typescript' || parsed.language === 'tsx' || parsed.language === 'javascript') return { ...scriptImports(root), references };
  return { imports: [], reExports: [], references };
}
