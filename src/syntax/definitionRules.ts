import type { Node } from 'web-tree-sitter';
import type { LanguageId } from './languages';

/** What a definition is, in words common to every language. */
export type DefinitionKind = 'function' | 'method' | 'constructor' | 'class' | 'interface' | 'struct' | 'enum' | 'trait' | 'impl' | 'module' | 'type';

/** Kinds that make the functions defined directly inside them methods. */
export const CONTAINER_KINDS: ReadonlySet<DefinitionKind> = new Set(['class', 'interface', 'struct', 'enum', 'trait', 'impl', 'module', 'type']);

export interface DefinitionMatch {
  kind: DefinitionKind;
  name: string;
  /** Enclosing type named by the definition itself, as in C++ `Foo::bar` or a Go receiver. */
  scope?: string;
  /** The node whose range is the definition, before wrappers such as decorators are added. */
  node: Node;
  /** The part kept by `body` masking is everything before this node. */
  body: Node | null;
}

type Matcher = (node: Node) => DefinitionMatch | null;

export interface LanguageRules {
  /** Definitions by tree-sitter node type. */
  definitions: ReadonlyMap<string, Matcher>;
  /** Parent node types that belong to the definition they wrap: decorators, `export`, templates. */
  wrappers: ReadonlySet<string>;
  /** Sibling node types just before a definition that belong to it: decorators, attributes. */
  leading: ReadonlySet<string>;
}

const field = (node: Node, name: string): Node | null => node.childForFieldName(name);

/** The plain name of a type expression: `Foo` for `*Foo`, `Foo<T>`, `a::Foo`, `Foo[T]`. */
function typeName(node: Node | null): string | null {
  if (!node) return null;
  if (node.childCount === 0 || node.type.endsWith('identifier') || node.type === 'constant') {
    return node.type === 'scoped_type_identifier' ? typeName(field(node, 'name')) : node.text;
  }
  for (const inner of ['name', 'type']) {
    const found = typeName(field(node, inner));
    if (found) return found;
  }
  for (const child of node.namedChildren) {
    if (!child) continue;
    const found = typeName(child);
    if (found) return found;
  }
  return null;
}

/** A definition named by its `name` field, with its body in the `body` field. */
function named(kind: DefinitionKind, bodyField = 'body'): Matcher {
  return (node) => {
    const name = field(node, 'name');
    return name ? { kind, name: name.text, node, body: field(node, bodyField) } : null;
  };
}

/** A class-like definition only when it has a body, so forward declarations are skipped. */
function namedWithBody(kind: DefinitionKind): Matcher {
  return (node) => (field(node, 'body') ? named(kind)(node) : null);
}

/** JS/TS: `const f = () => ...`, `const f = function ...`, `const C = class ...`. */
function boundFunction(node: Node): DefinitionMatch | null {
  const name = field(node, 'name');
  const value = field(node, 'value');
  if (name?.type !== 'identifier' || !value) return null;
  let kind: DefinitionKind;
  if (['arrow_function', 'function_expression', 'function', 'generator_function'].includes(value.type)) kind = 'function';
  else if (value.type === 'class') kind = 'class';
  else return null;
  const declaration = node.parent;
  const whole = declaration && declaration.namedChildren.filter((c) => c?.type === 'variable_declarator').length === 1;
  return { kind, name: name.text, node: whole ? declaration : node, body: field(value, 'body') };
}

/** JS/TS class fields holding a function: `handle = () => { ... }`. */
function fieldFunction(node: Node): DefinitionMatch | null {
  const name = field(node, 'property') ?? field(node, 'name');
  const value = field(node, 'value');
  if (!name || !value || !['arrow_function', 'function_expression', 'function'].includes(value.type)) return null;
  return { kind: 'method', name: name.text, node, body: field(value, 'body') };
}

/**
 * JS/TS classes, and the function and class expressions of `export default`, which are named
 * `default` when anonymous. Other function expressions are callbacks, not definitions.
 */
function declarationOrDefaultExport(kind: DefinitionKind): Matcher {
  return (node) => {
    const exported = node.parent?.type === 'export_statement';
    if (!exported && node.type !== 'class_declaration') return null;
    const name = field(node, 'name')?.text ?? (exported ? 'default' : null);
    return name ? { kind, name, node, body: field(node, 'body') } : null;
  };
}

/**
 * JS functions assigned to properties: `View.prototype.render = function () {}` (a method of
 * View), `this.render = ...` (a method of the enclosing function), `exports.run = ...` and
 * `module.exports = function createApp() {}` (plain functions).
 */
function assignedFunction(node: Node): DefinitionMatch | null {
  const left = field(node, 'left');
  const right = field(node, 'right');
  if (left?.type !== 'member_expression' || !right || !['arrow_function', 'function_expression', 'function'].includes(right.type)) return null;
  const statement = node.parent?.type === 'expression_statement' ? node.parent : node;
  const body = field(right, 'body');
  if (left.text === 'module.exports') {
    return { kind: 'function', name: field(right, 'name')?.text ?? 'module.exports', node: statement, body };
  }
  const name = field(left, 'property')?.text;
  const object = field(left, 'object')?.text.replace(/\.prototype$/, '');
  if (!name || !object) return null;
  if (object === 'this') return { kind: 'method', name, node: statement, body };
  const scope = object !== 'exports' && object !== 'module.exports' && /^[\w$.]+$/.test(object) ? object : undefined;
  return { kind: scope ? 'method' : 'function', name, scope, node: statement, body };
}

const definitions = (matchers: Record<string, Matcher>): ReadonlyMap<string, Matcher> => new Map(Object.entries(matchers));

/** Declarator nodes that only wrap the declarator holding the name. */
const WRAPPING_DECLARATORS = new Set(['function_declarator', 'pointer_declarator', 'reference_declarator', 'parenthesized_declarator', 'attributed_declarator']);

/**
 * C and C++ functions: the name sits inside nested declarators (pointers, references, a returned
 * function pointer's parentheses), possibly qualified (`Foo::bar`) or templated (`f<int>`).
 */
function cFunction(node: Node): DefinitionMatch | null {
  let target = field(node, 'declarator');
  let isFunction = false;
  while (target && WRAPPING_DECLARATORS.has(target.type)) {
    isFunction ||= target.type === 'function_declarator';
    target = field(target, 'declarator') ?? target.namedChildren.find((c) => c?.type.includes('declarator')) ?? target.namedChildren.at(-1) ?? null;
  }
  if (!target || !isFunction) return null;
  const parts: string[] = [];
  while (target?.type === 'qualified_identifier') {
    const scope = field(target, 'scope');
    if (scope) parts.push(typeName(scope) ?? scope.text);
    target = field(target, 'name');
  }
  if (target?.type === 'template_function') target = field(target, 'name');
  if (!target) return null;
  const scope = parts.join('.') || undefined;
  return { kind: scope ? 'method' : 'function', name: target.text, scope, node, body: field(node, 'body') };
}

const pythonRules: LanguageRules = {
  definitions: definitions({ function_definition: named('function'), class_definition: named('class') }),
  wrappers: new Set(['decorated_definition']),
  leading: new Set(),
};

const javascriptDefinitions: Record<string, Matcher> = {
  function_declaration: named('function'),
  generator_function_declaration: named('function'),
  function_expression: declarationOrDefaultExport('function'),
  function: declarationOrDefaultExport('function'),
  arrow_function: declarationOrDefaultExport('function'),
  class_declaration: declarationOrDefaultExport('class'),
  class: declarationOrDefaultExport('class'),
  method_definition: named('method'),
  variable_declarator: boundFunction,
  field_definition: fieldFunction,
  assignment_expression: assignedFunction,
};

const javascriptRules: LanguageRules = {
  definitions: definitions(javascriptDefinitions),
  wrappers: new Set(['export_statement']),
  leading: new Set(['decorator']),
};

const typescriptRules: LanguageRules = {
  definitions: definitions({
    ...javascriptDefinitions,
    abstract_class_declaration: named('class'),
    interface_declaration: named('interface'),
    enum_declaration: named('enum'),
    public_field_definition: fieldFunction,
  }),
  wrappers: new Set(['export_statement']),
  leading: new Set(['decorator']),
};

const rustRules: LanguageRules = {
  definitions: definitions({
    function_item: named('function'),
    struct_item: named('struct'),
    enum_item: named('enum'),
    union_item: named('struct'),
    trait_item: named('trait'),
    impl_item: (node) => {
      const name = typeName(field(node, 'type'));
      return name ? { kind: 'impl', name, node, body: field(node, 'body') } : null;
    },
  }),
  wrappers: new Set(),
  leading: new Set(['attribute_item']),
};

const goRules: LanguageRules = {
  definitions: definitions({
    function_declaration: named('function'),
    method_declaration: (node) => {
      const name = field(node, 'name');
      if (!name) return null;
      const receiver = field(node, 'receiver')?.namedChildren.find((c) => c?.type === 'parameter_declaration');
      const scope = typeName(receiver ? field(receiver, 'type') : null) ?? undefined;
      return { kind: 'method', name: name.text, scope, node, body: field(node, 'body') };
    },
    type_alias: (node) => {
      const name = field(node, 'name');
      if (!name) return null;
      const declaration = node.parent;
      const whole = declaration?.type === 'type_declaration' && declaration.namedChildren.length === 1;
      return { kind: 'type', name: name.text, node: whole ? declaration : node, body: field(node, 'type') };
    },
    type_spec: (node) => {
      const name = field(node, 'name');
      const type = field(node, 'type');
      if (!name || !type) return null;
      const kind: DefinitionKind = type.type === 'struct_type' ? 'struct' : type.type === 'interface_type' ? 'interface' : 'type';
      const declaration = node.parent;
      const whole = declaration?.type === 'type_declaration' && declaration.namedChildren.length === 1;
      return { kind, name: name.text, node: whole ? declaration : node, body: type };
    },
  }),
  wrappers: new Set(),
  leading: new Set(),
};

const javaRules: LanguageRules = {
  definitions: definitions({
    class_declaration: named('class'),
    interface_declaration: named('interface'),
    enum_declaration: named('enum'),
    record_declaration: named('class'),
    annotation_type_declaration: named('interface'),
    method_declaration: named('method'),
    constructor_declaration: named('constructor'),
    compact_constructor_declaration: named('constructor'),
  }),
  wrappers: new Set(),
  leading: new Set(),
};

const csharpRules: LanguageRules = {
  definitions: definitions({
    class_declaration: named('class'),
    struct_declaration: named('struct'),
    interface_declaration: named('interface'),
    enum_declaration: named('enum'),
    record_declaration: named('class'),
    method_declaration: named('method'),
    constructor_declaration: named('constructor'),
    local_function_statement: named('function'),
  }),
  wrappers: new Set(),
  leading: new Set(),
};

const cRules: LanguageRules = {
  definitions: definitions({
    function_definition: cFunction,
    struct_specifier: namedWithBody('struct'),
    enum_specifier: namedWithBody('enum'),
  }),
  wrappers: new Set(),
  leading: new Set(),
};

const cppRules: LanguageRules = {
  definitions: definitions({
    function_definition: cFunction,
    class_specifier: namedWithBody('class'),
    struct_specifier: namedWithBody('struct'),
    enum_specifier: namedWithBody('enum'),
  }),
  wrappers: new Set(['template_declaration']),
  leading: new Set(),
};

const rubyRules: LanguageRules = {
  definitions: definitions({
    method: named('method'),
    singleton_method: named('method'),
    class: named('class'),
    module: named('module'),
  }),
  wrappers: new Set(),
  leading: new Set(),
};

const phpRules: LanguageRules = {
  definitions: definitions({
    function_definition: named('function'),
    method_declaration: named('method'),
    class_declaration: named('class'),
    interface_declaration: named('interface'),
    trait_declaration: named('trait'),
    enum_declaration: named('enum'),
  }),
  wrappers: new Set(),
  leading: new Set(),
};

const bashRules: LanguageRules = {
  definitions: definitions({ function_definition: named('function') }),
  wrappers: new Set(),
  leading: new Set(),
};

export const DEFINITION_RULES: Record<LanguageId, LanguageRules> = {
  python: pythonRules,
  typescript: typescriptRules,
  tsx: typescriptRules,
  javascript: javascriptRules,
  rust: rustRules,
  go: goRules,
  java: javaRules,
  c: cRules,
  cpp: cppRules,
  csharp: csharpRules,
  ruby: rubyRules,
  php: phpRules,
  bash: bashRules,
};
