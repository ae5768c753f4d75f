import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Presses Download patch and returns the file the page gave. Read through the download's stream:
 * the specs drive a shared Chromium over a connection, where Playwright gives no local path.
 */
export async function downloadedPatch(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download patch' }).click()]);
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Presses Download patch and runs `git apply` (or `git apply --check`) on what the page gave, in a
 * new git repository holding `files` (name in the repository: its text), as a user's would.
 * Returns the repository; `git apply` throwing fails the test with git's own message.
 */
export async function applyDownloadedPatch(page: Page, files: Record<string, string>, how: 'apply' | 'check' = 'apply'): Promise<string> {
  const repo = mkdtempSync(join(tmpdir(), 'builder-e2e-repo-'));
  execFileSync('git', ['init', '-q'], { cwd: repo });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(repo, name), text);
  writeFileSync(join(repo, 'change.patch'), await downloadedPatch(page));
  execFileSync('git', ['apply', ...(how === 'check' ? ['--check'] : []), 'change.patch'], { cwd: repo });
  return repo;
}
