import type { DefinitionKind } from '../syntax/definitionRules';
import type { ImportBinding } from '../syntax/fileSymbols';
import type { LanguageId } from '../syntax/languages';
import type { OutlineEntry } from '../syntax/outline';
import { RESOLVED_LANGUAGES, resolveImport } from './importResolution';
import type { IndexedFile, NamedDefinition, RepositoryIndex } from './repositoryIndex';

/** Code of another file that a target is tied to: a definition it uses, or a place that calls it. */
export interface RelatedDefinition {
  path: string;
  /** The definition's qualified name; for code outside any definition, `<module>`. */
  qualifiedName: string;
  kind: DefinitionKind | 'module code';
  /** 1-based, inclusive: the lines of `text`, which may be a window of a long definition. */
  startLine: number;
  endLine: number;
  /** `uses`: the target uses this definition; `calls`: this code uses the target. */
  relation: 'uses' | 'calls';
  /** The qualified name of the target it is related to. */
  target: string;
  /** How it was found: an import followed to its file, or a name matched across the folder. */
  via: 'import' | 'name';
  text: string;
}

export interface RelatedCodeOptions {
  /** A name defined in more places than this is too common to match by name alone (`get`, `run`). */
  maxNameMatches?: number;
  /** The most related definitions kept per target. */
  maxResults?: number;
  /** Longer definitions are cut to this many lines: their head when used, the lines around the call when calling. */
  maxLines?: number;
}

const DEFAULTS: Required<RelatedCodeOptions> = { maxNameMatches: 3, maxResults: 12, maxLines: 40 };

/** Receivers that name the enclosing class: its members are in the target's own file. */
const SELF_NAMES = new Set(['self', 'this', 'cls', 'super', 'Self', 'me']);

/** Languages that import each other's files: Python with Python, the script languages among themselves. */
const family = (language: LanguageId) => (language === 'python' ? 'python' : language === 'typescript' || language === 'tsx' || language === 'javascript' ? 'script' : language);

const lineOf = (text: string, offset: number): number => {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `text` holds `name` as a whole word; `$` counts as a word character for the script languages. */
const holdsWord = (text: string, name: string) => new RegExp(`(?<![\\w$])${escapeRegExp(name)}(?![\\w$])`).test(text);

/** The lines [first, last] (1-based) of a text. */
function linesOf(text: string, first: number, last: number): string {
  return text
    .split('\n')
    .slice(first - 1, last)
    .join('\n');
}

/** A definition's text, or a window of it: its head (a used definition's signature matters), or the lines around `focusLine` (a call). */
function excerpt(file: IndexedFile, entry: OutlineEntry, maxLines: number, focusLine?: number): { startLine: number; endLine: number; text: string } {
  const { startLine, endLine } = entry;
  if (endLine - startLine + 1 <= maxLines) return { startLine, endLine, text: file.text.slice(entry.range.start, entry.range.end) };
  const half = Math.floor(maxLines / 2);
  const first = focusLine === undefined ? startLine : Math.max(startLine, Math.min(focusLine - half, endLine - maxLines + 1));
  const last = first + maxLines - 1;
  return { startLine: first, endLine: last, text: `${linesOf(file.text, first, last)}\n…` };
}

function related(
  file: IndexedFile,
  entry: OutlineEntry,
  relation: RelatedDefinition['relation'],
  via: RelatedDefinition['via'],
  target: string,
  maxLines: number,
  focusLine?: number,
): RelatedDefinition {
  return { path: file.path, qualifiedName: entry.qualifiedName, kind: entry.kind, relation, via, target, ...excerpt(file, entry, maxLines, focusLine) };
}

/** The innermost definition of a file around an offset. */
function enclosing(file: IndexedFile, offset: number): OutlineEntry | null {
  let innermost: OutlineEntry | null = null;
  for (const entry of file.outline) {
    if (entry.range.start <= offset && offset < entry.range.end && (!innermost || entry.range.end - entry.range.start < innermost.range.end - innermost.range.start)) innermost = entry;
  }
  return innermost;
}

/**
 * Follows imports across the folder: what each import of a file names, by file and definition,
 * through re-exports (`from .io import read` in an `__init__.py`, `export { x } from './x'`).
 */
class ImportFollower {
  constructor(private readonly index: RepositoryIndex) {}

  private resolve(file: IndexedFile, module: string): string | null {
    return resolveImport(file.language, file.path, module, this.index.paths, this.index.pathsByDepth);
  }

  /** The file a binding makes available as a module (`import os`, `import * as ns`, `from . import io`), if any. */
  async moduleOf(file: IndexedFile, binding: ImportBinding): Promise<IndexedFile | null> {
    if (binding.imported === '*') {
      const path = this.resolve(file, binding.module);
      return path ? this.index.file(path) : null;
    }
    if (file.language !== 'python') return null;
    const separator = binding.module.endsWith('.') ? '' : '.';
    const path = this.resolve(file, `${binding.module}${separator}${binding.imported}`);
    return path ? this.index.file(path) : null;
  }

  /** The definition a binding names, if it is one (not a module). */
  async definitionOf(file: IndexedFile, binding: ImportBinding): Promise<NamedDefinition | null> {
    if (binding.imported === '*') return null;
    const path = this.resolve(file, binding.module);
    const module = path ? await this.index.file(path) : null;
    return module ? this.exported(module, binding.imported, 0) : null;
  }

  /** The top-level definition a module exports under a name, following re-exports a few levels. */
  async exported(module: IndexedFile, name: string, depth: number): Promise<NamedDefinition | null> {
    const own =
      name === 'default' ? module.outline.find((e) => !e.qualifiedName.includes('.') && module.text.startsWith('export default', e.range.start)) : module.outline.find((e) => e.qualifiedName === name);
    if (own) return { file: module, entry: own };
    if (depth >= 3) return null;
    const symbols = await this.index.symbols(module);
    for (const binding of symbols.imports) {
      if (binding.local !== name && binding.local !== '*') continue;
      const found = binding.local === '*' ? await this.starExport(module, binding.module, name, depth) : await this.definitionOf(module, binding);
      if (found) return found;
    }
    for (const reExport of symbols.reExports) {
      if (reExport.exported !== name && reExport.exported !== '*') continue;
      const found = await this.starExport(module, reExport.module, reExport.exported === '*' ? name : reExport.imported, depth);
      if (found) return found;
    }
    return null;
  }

  private async starExport(module: IndexedFile, specifier: string, name: string, depth: number): Promise<NamedDefinition | null> {
    const path = this.resolve(module, specifier);
    const target = path ? await this.index.file(path) : null;
    return target ? this.exported(target, name, depth + 1) : null;
  }
}

const sameDefinition = (a: NamedDefinition, path: string, entry: OutlineEntry) => a.file.path === path && a.entry.range.start === entry.range.start;

/**
 * The code of other files a target is tied to, found with tree-sitter: the definitions it uses and
 * the definitions that use it. Imports are followed to their files for Python and the script
 * languages (TypeScript, TSX, JavaScript); elsewhere, and for methods called on objects whose type
 * is unknown, names are matched across the folder, unless a name is defined in too many places to
 * tell. Code in the target's own file is left out: the model sees that file already.
 */
export async function findRelatedCode(index: RepositoryIndex, path: string, target: OutlineEntry, options: RelatedCodeOptions = {}): Promise<RelatedDefinition[]> {
  const { maxNameMatches, maxResults, maxLines } = { ...DEFAULTS, ...options };
  const file = await index.file(path);
  if (!file) return [];
  const follower = new ImportFollower(index);
  const resolved = RESOLVED_LANGUAGES.has(file.language);
  const found: RelatedDefinition[] = [];
  const seen = new Set<string>();
  const add = (definition: NamedDefinition, relation: RelatedDefinition['relation'], via: RelatedDefinition['via'], focusLine?: number) => {
    const key = `${relation} ${definition.file.path} ${definition.entry.range.start}`;
    if (definition.file.path === path || seen.has(key)) return;
    seen.add(key);
    found.push(related(definition.file, definition.entry, relation, via, target.qualifiedName, maxLines, focusLine));
  };
  const byName = async (name: string, onlyMethods: boolean): Promise<NamedDefinition[]> => {
    const named = (await index.definitionsNamed(name)).filter((d) => d.file.path !== path && family(d.file.language) === family(file.language));
    const fitting = onlyMethods ? named.filter((d) => d.entry.kind === 'method') : named;
    return fitting.length <= maxNameMatches ? fitting : [];
  };

  // What the target uses.
  const symbols = await index.symbols(file);
  const bindings = new Map(symbols.imports.map((b) => [b.local, b]));
  const starModules = symbols.imports.filter((b) => b.local === '*');
  const uses = symbols.references.filter((r) => r.start >= target.range.start && r.end <= target.range.end && !(r.object === null && r.name === target.name));
  const asked = new Set<string>();
  for (const reference of uses) {
    const key = `${reference.object ?? ''} ${reference.name}`;
    if (asked.has(key)) continue;
    asked.add(key);
    if (!resolved) {
      for (const definition of await byName(reference.name, false)) add(definition, 'uses', 'name');
      continue;
    }
    if (reference.object === null) {
      const binding = bindings.get(reference.name);
      const definition = binding ? await follower.definitionOf(file, binding) : null;
      if (definition) add(definition, 'uses', 'import');
      else if (!binding) {
        for (const star of starModules) {
          const fromStar = await follower.definitionOf(file, { ...star, imported: reference.name });
          if (fromStar) add(fromStar, 'uses', 'import');
        }
      }
      continue;
    }
    if (SELF_NAMES.has(reference.object)) continue;
    const binding = bindings.get(reference.object);
    if (binding) {
      const module = await follower.moduleOf(file, binding);
      const inModule = module ? await follower.exported(module, reference.name, 0) : null;
      if (inModule) {
        add(inModule, 'uses', 'import');
        continue;
      }
      // `Shape.create()` with Shape imported: the class's own method.
      const owner = await follower.definitionOf(file, binding);
      const member = owner?.file.outline.find((e) => e.qualifiedName === `${owner.entry.qualifiedName}.${reference.name}`);
      if (owner && member) {
        add({ file: owner.file, entry: member }, 'uses', 'import');
        continue;
      }
      if (module || owner) continue;
    }
    for (const definition of await byName(reference.name, true)) add(definition, 'uses', 'name');
  }

  // What uses the target.
  const isTopLevel = !target.qualifiedName.includes('.');
  const ambiguous = (await index.definitionsNamed(target.name)).length > maxNameMatches;
  // Without imports to follow, a name defined in many places (`dispose`, `get`) tells nothing:
  // its callers are not looked for at all, rather than parsing every file that mentions it.
  const callersByName = !(resolved && isTopLevel);
  for (const otherPath of callersByName && ambiguous ? [] : index.sourcePaths) {
    if (otherPath === path) continue;
    const other = await index.file(otherPath);
    if (!other || family(other.language) !== family(file.language) || !holdsWord(other.text, target.name)) continue;
    const otherSymbols = await index.symbols(other);
    let calls: typeof otherSymbols.references = [];
    let via: RelatedDefinition['via'] = 'name';
    if (resolved && isTopLevel) {
      const locals = new Set<string>();
      const namespaces = new Set<string>();
      for (const binding of otherSymbols.imports) {
        const definition = await follower.definitionOf(other, binding);
        if (definition && sameDefinition(definition, path, target)) locals.add(binding.local);
        else if ((await follower.moduleOf(other, binding))?.path === path) namespaces.add(binding.local);
      }
      calls = otherSymbols.references.filter((r) => (r.object === null && locals.has(r.name)) || (r.object !== null && namespaces.has(r.object) && r.name === target.name));
      via = 'import';
    } else if (!ambiguous) {
      calls = otherSymbols.references.filter((r) => r.name === target.name && (!resolved || r.object !== null));
    }
    for (const call of calls) {
      const line = lineOf(other.text, call.start);
      const caller = enclosing(other, call.start);
      if (caller) {
        add({ file: other, entry: caller }, 'calls', via, line);
        continue;
      }
      const key = `calls ${other.path} line ${line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const first = Math.max(1, line - 3);
      found.push({
        path: other.path,
        qualifiedName: '<module>',
        kind: 'module code',
        startLine: first,
        endLine: line + 3,
        relation: 'calls',
        via,
        target: target.qualifiedName,
        text: linesOf(other.text, first, line + 3),
      });
    }
  }
  // Followed imports first, then name matches; within each, what the target uses before its callers.
  const rank = (d: RelatedDefinition) => (d.via === 'import' ? 0 : 2) + (d.relation === 'uses' ? 0 : 1);
  return found
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
    .slice(0, maxResults)
    .map(({ d }) => d);
}

/** How a related definition is introduced to the model, and named in the provenance. */
export function describeRelated(definition: RelatedDefinition): string {
  const what = definition.relation === 'uses' ? `used by ${definition.target}` : `calls ${definition.target}`;
  return `${definition.path}:${definition.startLine}-${definition.endLine} ${definition.qualifiedName} (${definition.kind}, ${what})`;
}

/** The default share of the prompt given to related code, in characters (about 2,000 tokens of code). */
export const RELATED_CONTEXT_CHARS = 8_000;

/**
 * The plan's `context`: each related definition with a header line saying where it is from and
 * how it is tied to the target, in rank order, as many as fit in `budget` characters.
 */
export function relatedContext(items: readonly RelatedDefinition[], budget = RELATED_CONTEXT_CHARS): { context: string[]; included: RelatedDefinition[] } {
  const context: string[] = [];
  const included: RelatedDefinition[] = [];
  let used = 0;
  for (const definition of items) {
    const entry = `# ${describeRelated(definition)}\n${definition.text}`;
    if (used + entry.length > budget) continue;
    used += entry.length;
    context.push(entry);
    included.push(definition);
  }
  return { context, included };
}
