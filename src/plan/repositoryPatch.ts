import type { GeneratedPatch } from './refactorPlan';

/** What happens to one file of a batch: whether its change goes into the patch and may be written. */
export type FileVerdict = 'applies' | 'invalid' | 'failed' | 'unchanged' | 'superseded';

export interface PatchedFile {
  path: string;
  verdict: FileVerdict;
  /** The result for the file; for a superseded file, the one left out. */
  patch: GeneratedPatch;
  /** The verdict in words, for the file list and the CLI. */
  message: string;
}

export interface RepositoryPatch {
  /** One patch over the folder: the file diffs that apply, by path; `git apply` takes it at the root. */
  diff: string;
  /** Every file of the batch, by path, with its verdict. */
  files: PatchedFile[];
}

function verdictOf(patch: GeneratedPatch): { verdict: FileVerdict; message: string } {
  if (patch.sample.path === 'error') return { verdict: 'failed', message: `failed: ${patch.validationErrors[0] ?? 'no reason given'}` };
  if (!patch.canApply) return { verdict: 'invalid', message: `left out: invalid syntax (${patch.validationErrors[0] ?? 'see the diff'})` };
  if (patch.unifiedDiff === '') return { verdict: 'unchanged', message: 'unchanged: the model wrote the same code' };
  return { verdict: 'applies', message: 'can apply' };
}

/**
 * The patches of a batch as one patch for the folder. Each file's diff is `git apply`-clean against
 * the file as read, so they join by concatenation; only files whose verdict allows it go in. Two
 * results for the same file cannot both apply to it: the first (the batch's priority order) is
 * kept and the other is marked superseded: put both targets in one plan to change them together.
 */
export function repositoryPatch(patches: readonly GeneratedPatch[]): RepositoryPatch {
  const files: PatchedFile[] = [];
  const taken = new Set<string>();
  for (const patch of patches) {
    const { verdict, message } = verdictOf(patch);
    if (verdict === 'applies' && taken.has(patch.filePath)) {
      files.push({ path: patch.filePath, verdict: 'superseded', patch, message: 'left out: an earlier plan of the batch already changes this file; give both targets to one plan' });
      continue;
    }
    if (verdict === 'applies') taken.add(patch.filePath);
    files.push({ path: patch.filePath, verdict, patch, message });
  }
  const ordered = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const diff = ordered
    .filter((f) => f.verdict === 'applies')
    .map((f) => (f.patch.unifiedDiff.endsWith('\n') ? f.patch.unifiedDiff : `${f.patch.unifiedDiff}\n`))
    .join('');
  return { diff, files: ordered };
}
