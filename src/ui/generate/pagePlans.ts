import type { EnginePlan } from '../../plan/engine';
import type { RefactorPlan } from '../../plan/refactorPlan';
import type { MaskMode } from '../../syntax/maskSpans';
import type { PageFiles } from '../../worker/engineProtocol';

/** Whether a plan's path names the editor's file: the editor knows a file by its name, a plans file by its path in the repository. */
const isEditorFile = (path: string, editorFile: string) => path === editorFile || path.endsWith(`/${editorFile}`);

/**
 * The plans as the engine takes them, each with its file's text and the mask mode chosen in the
 * app (where the plan sets none), and the files the page holds for the related files they name.
 * With a folder open (`folder`: its texts by path) a plan's text is the folder's file of its path;
 * without, the editor's text goes to the plans that name its file. A plan left without text is
 * refused by the engine, for that plan, in words that say why.
 */
export function pagePlans(plans: readonly RefactorPlan[], editor: { file: string; text: string }, mode: MaskMode, folder?: Record<string, string>): { plans: EnginePlan[]; files: PageFiles } {
  const files: PageFiles = folder ? { sources: folder } : { sources: { [editor.file]: editor.text }, editorFile: editor.file };
  const textOf = (path: string): string | undefined => {
    if (folder) return Object.hasOwn(folder, path) ? folder[path] : undefined;
    return isEditorFile(path, editor.file) ? editor.text : undefined;
  };
  return {
    plans: plans.map((plan) => {
      const text = textOf(plan.filePath);
      return { ...plan, maskMode: plan.maskMode ?? mode, ...(text === undefined ? {} : { text }) };
    }),
    files,
  };
}
