import { InputError } from '../errors/inputErrors';
import { findRelatedCode, RELATED_CONTEXT_CHARS, type RelatedCodeOptions, type RelatedDefinition, relatedContext } from '../repository/relatedCode';
import type { RepositoryIndex } from '../repository/repositoryIndex';
import { SourceText } from '../syntax/sourceText';
import { resolveTargets, type TargetSpec, targetKeys } from '../syntax/targets';
import type { RefactorPlan } from './refactorPlan';

/** Targets in one file of the folder, as the user named or ticked them. */
export interface FileTargets {
  path: string;
  targets: TargetSpec[];
}

/** A plan for one file, with the related code put in its context, for the provenance. */
export interface RepositoryPlan {
  /** Builder's own plans carry their context in the list form. */
  plan: RefactorPlan & { context?: string[] };
  /** What went into `plan.context`, in order. */
  related: RelatedDefinition[];
  /** Related code that did not fit the budget. */
  leftOut: number;
}

/**
 * One plan per file (all of its targets in one sequence), each with the code of other files tied
 * to its targets as context, within `budget` characters per plan. Targets are written as target
 * keys (targetKeys), so each names one definition even where names repeat, and still does after
 * edits that move it to other lines.
 */
export async function repositoryPlans(index: RepositoryIndex, files: readonly FileTargets[], intent: string, options: RelatedCodeOptions & { budget?: number } = {}): Promise<RepositoryPlan[]> {
  const grouped = new Map<string, TargetSpec[]>();
  for (const { path, targets } of files) grouped.set(path, [...(grouped.get(path) ?? []), ...targets]);
  const plans: RepositoryPlan[] = [];
  for (const [path, specs] of grouped) {
    if (!index.paths.has(path)) throw new InputError(`${path} is not a file of the opened folder (or it is ignored, vendored, binary or too large).`);
    const file = await index.file(path);
    if (!file) {
      const why = index.unreadable.find((u) => u.path === path)?.message ?? 'it is not in a language Builder outlines';
      throw new InputError(`${path} cannot be targeted: ${why}`);
    }
    const entries = resolveTargets(file.outline, new SourceText(file.text), specs);
    // A definition two targets both use is given once, under the first.
    const items = new Map<string, RelatedDefinition>();
    for (const entry of entries) {
      for (const definition of await findRelatedCode(index, path, entry, options)) {
        const key = `${definition.relation} ${definition.path} ${definition.startLine}`;
        if (!items.has(key)) items.set(key, definition);
      }
    }
    const { context, included } = relatedContext([...items.values()], options.budget ?? RELATED_CONTEXT_CHARS);
    const keys = targetKeys(file.outline);
    const plan: RepositoryPlan['plan'] = { filePath: path, editTargets: entries.map((e) => keys[file.outline.indexOf(e)]!), intent, language: file.language };
    if (context.length > 0) plan.context = context;
    plans.push({ plan, related: included, leftOut: items.size - included.length });
  }
  return plans;
}
