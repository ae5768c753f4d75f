import { listFiles } from '@huggingface/hub';
import type { HubEndpoint } from './hubEndpoint';
import { HubError } from './hubErrors';
import { hubGet } from './hubRequest';

/** One file of a repository at a commit, as the tree API lists it. */
export interface RepoFile {
  path: string;
  bytes: number;
  /** An LFS file's `lfs.oid`: the sha256 of its content. Null for a file kept in git itself. */
  sha256: string | null;
  /** The git blob id (sha1 of `blob {size}\0` + content), which every file has. */
  gitOid: string;
}

/**
 * Every file of `repo` at `commit`, through the tree API (`GET /api/models/{repo}/tree/{revision}?recursive=true`,
 * following `Link: rel="next"` page by page). @huggingface/hub's listFiles does the paging
 * (huggingface/huggingface.js packages/hub/src/lib/list-files.ts, utils/parseLinkHeader.ts); its
 * requests go through hubGet, so the token, the 429 back-off and the typed errors are ours (its
 * own HubApiError keeps the status but drops X-Error-Code).
 */
export async function listRepository(endpoint: HubEndpoint, repo: string, commit: string, signal?: AbortSignal): Promise<RepoFile[]> {
  const files: RepoFile[] = [];
  const entries = listFiles({
    repo: { type: 'model', name: repo },
    revision: commit,
    recursive: true,
    hubUrl: endpoint.url,
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      hubGet(endpoint, String(input instanceof Request ? input.url : input), {
        repo,
        what: `the file list at ${commit}`,
        headers: { accept: 'application/json' },
        retryDrops: true,
        signal: signal ?? init?.signal ?? undefined,
      }),
  });
  for await (const entry of entries) {
    if (entry.type !== 'file') continue;
    if (typeof entry.path !== 'string' || !Number.isSafeInteger(entry.size) || typeof entry.oid !== 'string') {
      throw new HubError(`The Hub's file list of ${repo} has an entry without a path, size or oid.`);
    }
    const sha256 = entry.lfs?.oid ?? null;
    if (sha256 !== null && !/^[0-9a-f]{64}$/.test(sha256)) throw new HubError(`The Hub's file list of ${repo} gives ${entry.path} an lfs.oid that is not a sha256.`);
    files.push({ path: entry.path, bytes: entry.lfs?.size ?? entry.size, sha256, gitOid: entry.oid });
  }
  return files;
}
