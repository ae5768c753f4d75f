import { parsePatch } from 'diff';
import { InputError } from '../errors/inputErrors';

/** A patch file as read: its name for messages, and its text. */
export interface PatchText {
  name: string;
  text: string;
}

const FILE_HEADER = 'diff --git ';

/** A patch's file diffs, each from its `diff --git` line, by the path it changes (unquoted as git quotes odd names). */
function fileDiffs(patch: PatchText): { path: string; diff: string }[] {
  if (patch.text === '') return [];
  if (!patch.text.startsWith(FILE_HEADER)) throw new InputError(`${patch.name} is not a patch of builder batch --root: it does not start with a "diff --git" line.`);
  // Every line inside a hunk starts with a space, +, -, @ or \, so a line that starts a file diff is never part of one.
  const starts = [...patch.text.matchAll(/^diff --git /gm)].map((match) => match.index);
  return starts.map((start, i) => {
    const diff = patch.text.slice(start, starts[i + 1] ?? patch.text.length);
    const name = parsePatch(diff)[0]?.newFileName;
    if (!name?.startsWith('b/')) throw new InputError(`${patch.name} has a file diff without a "+++ b/PATH" line: ${diff.split('\n')[0]}`);
    return { path: name.slice(2), diff };
  });
}

/**
 * The patches of a batch's shards as the one patch of the unsharded run: its file diffs in path
 * order, as repositoryPatch orders them (core/repositoryPatch.ts), byte for byte. Shards change
 * disjoint files (planShards.ts), so a file in two of them means they are not one plans file's shards.
 */
export function mergePatches(patches: readonly PatchText[]): string {
  const byPath = new Map<string, { diff: string; from: string }>();
  for (const patch of patches) {
    for (const { path, diff } of fileDiffs(patch)) {
      const earlier = byPath.get(path);
      if (earlier) throw new InputError(`${earlier.from} and ${patch.name} both change ${path}: they are not shards of one plans file (one file's plans always go to one shard).`);
      byPath.set(path, { diff, from: patch.name });
    }
  }
  return [...byPath]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { diff }]) => diff)
    .join('');
}
