import type { PatchedFile } from '../../plan/repositoryPatch';
import { unifiedDiff } from '../../plan/unifiedDiff';
import { type HunkDecision, reviewedText, reviewOf } from '../review/reviewHunks';

/** A file of a folder run as the user's per-change decisions leave it (all of the result where none was made). */
export function reviewedFileText(file: PatchedFile, decisions: readonly HunkDecision[] | undefined): string {
  if (!decisions) return file.patch.generatedCode;
  return reviewedText(reviewOf(file.patch.originalCode, file.patch.generatedCode), decisions);
}

/**
 * The folder's one patch with only the changes the user kept: each file that can apply, diffed
 * against its text as read, so the files still join by concatenation and `git apply` takes them at
 * the root; a file with every change rejected is left out.
 */
export function reviewedRepositoryDiff(files: readonly PatchedFile[], decisions: Readonly<Record<string, HunkDecision[]>>): string {
  return files
    .filter((file) => file.verdict === 'applies')
    .map((file) => unifiedDiff(file.path, file.patch.originalCode, reviewedFileText(file, decisions[file.path])))
    .filter((diff) => diff !== '')
    .map((diff) => (diff.endsWith('\n') ? diff : `${diff}\n`))
    .join('');
}
