import { RELATED_CONTEXT_CHARS } from '../repository/relatedCode';

/**
 * A plan's `context` as the planning stage writes it (docs/architecture.md, "Contracts", a
 * contract): `{}` when it has nothing; `relevant_files`, the files the edit depends on, each a
 * path (read from the batch root or the opened folder) or an object with `path` and/or the text
 * as `content` or `text`; `compressed_context`, text written for the model; `dependencies`. Any
 * other key is the planner's own and stays in the plan as it came.
 */
export interface PlannerContext {
  relevant_files?: RelevantFile[];
  compressed_context?: string;
  dependencies?: unknown[];
  [key: string]: unknown;
}

export type RelevantFile = string | { path?: string; content?: string; text?: string; [key: string]: unknown };

/** The mapping above, or Builder's own shape: the related code's texts, each given as it is. */
export type PlanContext = string[] | PlannerContext;

/** One text the prompt got from a plan's context, and where in the context it came from. */
export interface ContextPart {
  from: 'context' | 'relevant_files' | 'compressed_context' | 'dependencies';
  /** The related file's path, where the part is one. */
  path?: string;
  text: string;
}

/** What the prompt got from a plan's context, and in words (for the patch's notes) what it got, what it left out and why. */
export interface ResolvedContext {
  parts: ContextPart[];
  notes: string[];
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function relevantFileProblem(entry: unknown): boolean {
  if (isString(entry)) return entry.trim() === '';
  if (!isObject(entry)) return true;
  const { path, content, text } = entry;
  if ([path, content, text].some((value) => value !== undefined && value !== null && !isString(value))) return true;
  return !isString(content) && !isString(text) && !(isString(path) && path.trim() !== '');
}

export const PLAN_CONTEXT_REQUIREMENT = "must be a mapping ({}, relevant_files, compressed_context, dependencies) or a list of the related files' text";

/** Why `value` is not a plan context Builder reads, as what follows `plans[0].context` in the message; null when it is one. */
export function planContextProblem(value: unknown): string | null {
  if (Array.isArray(value)) return value.every(isString) ? null : ` ${PLAN_CONTEXT_REQUIREMENT}`;
  if (!isObject(value)) return ` ${PLAN_CONTEXT_REQUIREMENT}`;
  const { relevant_files: files, compressed_context: compressed, dependencies } = value;
  if (files !== undefined && files !== null) {
    if (!Array.isArray(files)) return '.relevant_files must be a list of paths or of { path, content } objects';
    const bad = files.findIndex(relevantFileProblem);
    if (bad !== -1) return `.relevant_files[${bad}] must be a path or an object with a "path" and/or its text as "content"`;
  }
  if (compressed !== undefined && compressed !== null && !isString(compressed)) return '.compressed_context must be text';
  if (dependencies !== undefined && dependencies !== null && !Array.isArray(dependencies)) return '.dependencies must be a list';
  return null;
}

/**
 * The texts a plan's context gives the prompt, in order: `compressed_context`; each relevant file
 * under a `# PATH` header line, its text as given or read with `read`, as many as fit in `budget`
 * characters (Builder's own related code has the same share); the string dependencies on one
 * line. A list context is given as it is. A relevant file that cannot be read is left out with a
 * note naming it, as is one over the budget: the plan's own file is what is edited, and its
 * patch is judged on its own, so a stale path in the planner's list costs context, not the patch.
 */
export async function resolvePlanContext(context: PlanContext | undefined, read: (path: string) => Promise<string>, budget = RELATED_CONTEXT_CHARS): Promise<ResolvedContext> {
  if (context === undefined) return { parts: [], notes: [] };
  if (Array.isArray(context))
    return described(
      context.map((text) => ({ from: 'context', text })),
      [],
    );
  const parts: ContextPart[] = [];
  const notes: string[] = [];
  if (isString(context.compressed_context) && context.compressed_context.trim() !== '') parts.push({ from: 'compressed_context', text: context.compressed_context });
  let used = 0;
  for (const entry of context.relevant_files ?? []) {
    const path = isString(entry) ? entry : entry.path;
    const given = isString(entry) ? undefined : (entry.content ?? entry.text);
    let text: string;
    if (isString(given)) {
      text = given;
    } else {
      try {
        text = await read(path!);
      } catch (error) {
        notes.push(`The plan's relevant file ${path} could not be read (${(error as Error).message}); the prompt went without it.`);
        continue;
      }
    }
    const entryText = path ? `# ${path}\n${text}` : text;
    if (used + entryText.length > budget) {
      notes.push(`The plan's relevant file ${path ?? `number ${parts.length + 1}`} was left out: the related files' share of the prompt is ${budget} characters.`);
      continue;
    }
    used += entryText.length;
    parts.push({ from: 'relevant_files', ...(path ? { path } : {}), text: entryText });
  }
  const named = (context.dependencies ?? []).filter(isString);
  if (named.length > 0) parts.push({ from: 'dependencies', text: `Dependencies: ${named.join(', ')}` });
  return described(parts, notes);
}

/** The parts with a first note saying which reached the prompt, from where, and how long each is. */
function described(parts: ContextPart[], notes: string[]): ResolvedContext {
  if (parts.length === 0) return { parts, notes };
  const each = parts.map((part) => (part.path ? `${part.path} (${part.from}, ${part.text.length} characters)` : `${part.from} (${part.text.length} characters)`));
  return { parts, notes: [`The prompt's related context: ${each.join('; ')}.`, ...notes] };
}

/** The relevant files a plan's context names by path alone: to be read from the root, so checked before a batch runs. */
export function relevantFilePaths(context: PlanContext | undefined): string[] {
  if (context === undefined || Array.isArray(context)) return [];
  return (context.relevant_files ?? []).flatMap((entry) => (isString(entry) ? [entry] : isString(entry.path) && !isString(entry.content ?? entry.text) ? [entry.path] : []));
}
