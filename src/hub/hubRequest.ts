import type { HubEndpoint } from './hubEndpoint';
import { hubErrorFor, RateLimitedError } from './hubErrors';
import { rateLimitWaitSeconds } from './rateLimit';

/** 429s waited out per request before giving up, and the longest single wait taken. */
export const RATE_LIMIT_RETRIES = 3;
export const LONGEST_RATE_LIMIT_WAIT_S = 120;
/** Without a header saying how long, the first wait; each next one doubles. */
const DEFAULT_WAIT_S = 2;

export const sleepFor = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

export interface HubRequest {
  repo: string;
  /** Names the request in error messages: a file path, a revision. */
  what: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Ask again when the connection fails before an answer (the API calls; file reads resume by themselves). */
  retryDrops?: boolean;
}

/** Tries of an API call whose connection fails before any answer. */
export const DROPPED_CALL_TRIES = 3;

/**
 * One GET to the Hub: the token where there is one, 429 waited out as the Hub says (bounded: at
 * most RATE_LIMIT_RETRIES waits of at most LONGEST_RATE_LIMIT_WAIT_S each), any other failure as
 * its typed error. Redirects (resolve's 302 to the CDN) are followed by fetch, which drops the
 * Authorization header when the redirect leaves the origin (Fetch standard, "HTTP-redirect fetch").
 */
export async function hubGet(endpoint: HubEndpoint, url: string, request: HubRequest): Promise<Response> {
  const fetchFn = endpoint.fetch ?? fetch;
  const sleep = endpoint.sleep ?? sleepFor;
  const headers = { ...request.headers, ...(endpoint.token && url.startsWith(endpoint.url) ? { Authorization: `Bearer ${endpoint.token}` } : {}) };
  let drops = 0;
  for (let retry = 0; ; retry++) {
    let response: Response;
    try {
      response = await fetchFn(url, { headers, signal: request.signal, cache: 'no-store' });
    } catch (error) {
      if (!request.retryDrops || request.signal?.aborted || !(error instanceof TypeError) || ++drops >= DROPPED_CALL_TRIES) throw error;
      await sleep(500 * drops, request.signal);
      retry--;
      continue;
    }
    if (response.ok) return response;
    if (response.status !== 429) {
      await response.body?.cancel();
      throw hubErrorFor(response, request.repo, request.what);
    }
    await response.body?.cancel();
    const asked = rateLimitWaitSeconds(response.headers);
    const wait = asked ?? DEFAULT_WAIT_S * 2 ** retry;
    if (retry >= RATE_LIMIT_RETRIES || wait > LONGEST_RATE_LIMIT_WAIT_S) {
      throw new RateLimitedError(
        `The Hub is rate-limiting these downloads${asked === null ? '' : ` and asks to wait ${asked} s`}; try again later${endpoint.token ? '' : ', or with a Hugging Face token (HF_TOKEN), which gets a higher limit'}.`,
        429,
      );
    }
    await sleep(wait * 1000, request.signal);
  }
}
