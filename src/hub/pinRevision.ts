import type { HubEndpoint } from './hubEndpoint';
import { HubError } from './hubErrors';
import { hubGet } from './hubRequest';

/** A revision pinned to the commit it named when asked, and what the model card says of the licence. */
export interface PinnedRevision {
  repo: string;
  revision: string;
  /** 40 hex digits: every later request reads this commit, so a push mid-download cannot mix two versions. */
  commit: string;
  /** The model card's `license` (e.g. apache-2.0, cc-by-nc-4.0); null where the card names none. */
  license: string | null;
  gated: boolean;
}

/**
 * Resolves a branch, tag or commit to its commit with `GET /api/models/{repo}/revision/{revision}`,
 * whose `sha` is the commit (huggingface/huggingface.js packages/hub/src/lib/model-info.ts asks
 * the same URL). The API rather than resolve's X-Repo-Commit: in a browser the 302 of a resolve
 * is followed before its headers can be read.
 */
export async function pinRevision(endpoint: HubEndpoint, repo: string, revision: string, signal?: AbortSignal): Promise<PinnedRevision> {
  const url = `${endpoint.url}/api/models/${repo}/revision/${encodeURIComponent(revision)}`;
  const response = await hubGet(endpoint, url, { repo, what: revision, headers: { accept: 'application/json' }, retryDrops: true, signal });
  const info = (await response.json().catch(() => null)) as { sha?: unknown; cardData?: { license?: unknown }; gated?: unknown } | null;
  const commit = info?.sha;
  if (typeof commit !== 'string' || !/^[0-9a-f]{40}$/.test(commit)) throw new HubError(`The Hub's answer for ${repo}@${revision} names no commit.`);
  const license = info?.cardData?.license;
  return { repo, revision, commit, license: typeof license === 'string' ? license : null, gated: info?.gated !== undefined && info.gated !== false };
}
