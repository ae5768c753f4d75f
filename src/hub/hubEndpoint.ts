import { InputError } from '../errors/inputErrors';

/**
 * Where the Hub is and how to talk to it. `url` stands in for huggingface.co the way HF_ENDPOINT
 * does for Hugging Face's own tools (huggingface.js passes it as `hubUrl`:
 * huggingface/huggingface.js packages/hub/src/lib/list-files.ts), so a mirror or a test double
 * can take its place.
 */
export interface HubEndpoint {
  /** Origin (and optional base path) of the Hub, without a trailing slash. */
  url: string;
  /** Sent as `Authorization: Bearer` for gated or private repositories (the CLI only: a page keeps no token). */
  token?: string;
  fetch?: typeof fetch;
  /** How long to wait, for the rate-limit back-off; tests pass a fast one. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** An endpoint URL from a setting (HF_ENDPOINT, a build-time variable): absolute http(s), no trailing slash. */
export function hubUrlFrom(setting: string | undefined): string {
  const value = setting?.trim() || DEFAULT_HUB_URL;
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw new InputError(`The Hub endpoint "${value}" is not an http(s) URL.`);
  return value.replace(/\/+$/, '');
}

/** A repository at a revision, as `builder pull` takes it: `owner/name` or `owner/name@revision`. */
export interface RepoReference {
  repo: string;
  revision: string;
}

const REPO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function parseRepoReference(text: string): RepoReference {
  const at = text.indexOf('@');
  const repo = at < 0 ? text : text.slice(0, at);
  const revision = at < 0 ? 'main' : text.slice(at + 1);
  if (!REPO_NAME.test(repo) || repo.includes('..')) throw new InputError(`"${text}" is not a Hugging Face repository: give it as owner/name or owner/name@revision.`);
  if (!revision || /\s/.test(revision) || revision.includes('..')) throw new InputError(`"${text}" has no valid revision after "@".`);
  return { repo, revision };
}

/** The URL of a file at a commit: `/{repo}/resolve/{commit}/{path}` (huggingface.js file-download-info.ts builds the same). */
export function resolveUrl(endpoint: HubEndpoint, repo: string, commit: string, path: string): string {
  return `${endpoint.url}/${repo}/resolve/${encodeURIComponent(commit)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}
