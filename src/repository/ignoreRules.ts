import ignore, { type Ignore } from 'ignore';

interface ScopedRules {
  /** The folder whose `.gitignore` these are, '' for the root. */
  base: string;
  rules: Ignore;
}

/**
 * The `.gitignore` files met on the way down a folder, each applying to the paths below its own
 * folder, as git reads them: a deeper file's rule overrides a shallower one's (a `!keep` in a
 * sub-folder un-ignores what the root ignored), and the last matching rule of a file wins. The
 * `ignore` package does git's pattern matching within one file.
 */
export class IgnoreRules {
  private constructor(private readonly scopes: readonly ScopedRules[]) {}

  static none(): IgnoreRules {
    return new IgnoreRules([]);
  }

  /** These rules plus the `.gitignore` text of the folder `base`. */
  with(base: string, gitignoreText: string): IgnoreRules {
    return new IgnoreRules([...this.scopes, { base, rules: ignore().add(gitignoreText) }]);
  }

  /** Whether a path (a folder's with `isDirectory`) is ignored. Folders already ignored are never descended, so their contents are not asked about. */
  ignores(path: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const { base, rules } of this.scopes) {
      if (base !== '' && !path.startsWith(`${base}/`)) continue;
      const relative = (base === '' ? path : path.slice(base.length + 1)) + (isDirectory ? '/' : '');
      const result = rules.test(relative);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  }
}
