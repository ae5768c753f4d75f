/**
 * How long a 429 asks us to wait, in seconds. The Hub sends the IETF draft's `RateLimit` header,
 * `"api";r=0;t=55`: r requests remain, t seconds until the window resets
 * (https://huggingface.co/docs/hub/rate-limits; huggingface_hub 1.2 waits exactly t before retrying).
 * `Retry-After` (seconds, or an HTTP date) is the older way and is read when RateLimit is absent.
 */
export function rateLimitWaitSeconds(headers: Headers, now = Date.now()): number | null {
  const reset = /(?:^|;)\s*t=(\d+)/.exec(headers.get('RateLimit') ?? '');
  if (reset) return Number(reset[1]);
  const retryAfter = headers.get('Retry-After')?.trim();
  if (!retryAfter) return null;
  if (/^\d+$/.test(retryAfter)) return Number(retryAfter);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}
