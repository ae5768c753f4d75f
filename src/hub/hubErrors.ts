import { InputError } from '../errors/inputErrors';

/**
 * The Hub's failures by name, so the app and the CLI can say what to do about each. The Hub names
 * its own errors in the `X-Error-Code` header (GatedRepo, RepoNotFound, RevisionNotFound,
 * EntryNotFound: huggingface/huggingface.js packages/hub/src/lib/file-download-info.ts reads
 * EntryNotFound from it); a 401 without one means a private or missing repository, which the Hub
 * does not tell apart so as not to reveal that a private one exists.
 * All are InputErrors: the CLI exits 2 with the message.
 */
export class HubError extends InputError {
  override name = 'HubError';
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export class GatedRepoError extends HubError {
  override name = 'GatedRepoError';
}

export class RepoNotFoundError extends HubError {
  override name = 'RepoNotFoundError';
}

export class RevisionNotFoundError extends HubError {
  override name = 'RevisionNotFoundError';
}

export class EntryNotFoundError extends HubError {
  override name = 'EntryNotFoundError';
}

export class RateLimitedError extends HubError {
  override name = 'RateLimitedError';
}

export class ConnectionDroppedError extends HubError {
  override name = 'ConnectionDroppedError';
}

export class FileHashMismatchError extends HubError {
  override name = 'FileHashMismatchError';
}

/** The typed error for a response that is not ok; `what` names the request in the message. */
export function hubErrorFor(response: Response, repo: string, what: string): HubError {
  const code = response.headers.get('X-Error-Code');
  const status = response.status;
  if (code === 'GatedRepo') {
    return new GatedRepoError(`${repo} is gated: accept its licence on its Hugging Face page, then give a token with access (HF_TOKEN) and try again.`, status);
  }
  if (code === 'RevisionNotFound') return new RevisionNotFoundError(`${repo} has no revision "${what}".`, status);
  if (code === 'EntryNotFound') return new EntryNotFoundError(`${repo} has no file ${what}.`, status);
  if (code === 'RepoNotFound' || status === 401) {
    return new RepoNotFoundError(`${repo} was not found on the Hub: check the name, or, if it is private, give a token with access (HF_TOKEN).`, status);
  }
  if (status === 403) return new GatedRepoError(`${repo} refused access (403): the token has no access to it.`, status);
  if (status === 404) return new EntryNotFoundError(`${repo}: ${what} was not found (404).`, status);
  return new HubError(`The Hub answered ${status} ${response.statusText} for ${what} of ${repo}.`, status);
}
