import { applyPatch, formatPatch, structuredPatch } from 'diff';

/** Git's default, so the patch looks like one `git diff` would write. */
const CONTEXT_LINES = 3;

/**
 * A patch from `original` to `updated` that `git apply` accepts against the original file:
 * `diff --git a/PATH b/PATH`, `--- a/PATH`, `+++ b/PATH`, hunks with three lines of context and
 * `\ No newline at end of file` where a side ends without one. `filePath` is the file's path
 * relative to the repository root, with forward slashes.
 *
 * Lines are split at "\n" only, as git does, so a line ending in "\r\n" keeps its "\r" in the
 * patch and CRLF files come through byte for byte; text is never re-encoded, so non-ASCII text is
 * kept as it is. An unchanged file gives the empty string: there is nothing to apply.
 */
export function unifiedDiff(filePath: string, original: string, updated: string): string {
  const patch = structuredPatch(`a/${filePath}`, `b/${filePath}`, original, updated, undefined, undefined, { context: CONTEXT_LINES });
  if (patch.hunks.length === 0) return '';
  // isGit makes the diff package write git's `diff --git` header and quote odd paths git's way.
  return formatPatch({ ...patch, isGit: true });
}

/**
 * Applies a patch made by unifiedDiff to the text it was made from, exactly: no fuzz, and no
 * line-ending conversion, which would hide a patch that git would refuse.
 */
export function applyUnifiedDiff(original: string, patch: string): string {
  if (patch === '') return original;
  const result = applyPatch(original, patch, { autoConvertLineEndings: false });
  if (result === false) throw new Error('The patch does not apply to this text: a line it changes or keeps is not where the patch expects it.');
  return result;
}
