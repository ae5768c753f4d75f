import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Presses Download patch and runs `git apply` (or `git apply --check`) on what the page gave, in a
 * new git repository holding `files` (name in the repository: its text), as a user's would.
 * Returns the repository; `git apply` throwing fails the test with git's own message.
 */
export async function applyDownloadedPatch(page: Page, files: Record<string, string>, how: 'apply' | 'check' = 'apply'): Promise<string> {
  const repo = mkdtempSync(join(tmpdir(), 'builder-e2e-repo-'));
  execFileSync('git', ['init', '-q'], { cwd: repo });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(repo, name), text);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download patch' }).click();
  await (await download).saveAs(join(repo, 'change.patch'));
  execFileSync('git', ['apply', ...(how === 'check' ? ['--check'] : []), 'change.patch'], { cwd: repo });
  return repo;
}
