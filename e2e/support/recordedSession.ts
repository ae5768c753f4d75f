import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { type RecordingProxy, startRecordingProxy } from './recordingProxy';

interface Seen {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A browser context whose every request is recorded twice (a proxy, Playwright's events) and whose CSP violations are collected. */
export interface RecordedSession {
  context: BrowserContext;
  page: Page;
  proxy: RecordingProxy;
  /** What Playwright reports, page and workers. */
  seen: Seen[];
  /** Content-Security-Policy violations: events in the page, and messages from the page and its workers. */
  violations: string[];
  close(): Promise<void>;
}

export async function startRecordedSession(browser: Browser): Promise<RecordedSession> {
  const proxy = await startRecordingProxy();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, proxy: { server: proxy.server } });
  const seen: Seen[] = [];
  const violations: string[] = [];
  context.on('request', (request) => seen.push({ url: request.url(), headers: request.headers(), body: request.postDataBuffer()?.toString('latin1') ?? '' }));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`));
  });
  const page = await context.newPage();
  const onConsole = (message: { type(): string; text(): string }) => {
    if (/Content Security Policy|CSP violation/i.test(message.text())) violations.push(message.text());
  };
  page.on('console', onConsole);
  page.on('worker', (worker) => worker.on('console', onConsole));
  const close = async () => {
    await context.close();
    await proxy.close();
  };
  return { context, page, proxy, seen, violations, close };
}

/** Every request the browser sent, as the proxy saw it and as Playwright reported it, went to `origin`. */
export function expectOnlyOwnOrigin(session: RecordedSession, origin: string): void {
  const host = new URL(origin).host;
  const offProxy = session.proxy.requests.filter((r) => r.method === 'CONNECT' || new URL(r.url).host !== host);
  expect(offProxy.map((r) => r.url)).toEqual([]);
  const offPage = session.seen.filter(({ url }) => {
    const parsed = new URL(url);
    if (parsed.protocol === 'data:') return false;
    if (parsed.protocol === 'blob:') return new URL(parsed.pathname).origin !== origin;
    return parsed.origin !== origin;
  });
  expect(offPage.map((r) => r.url)).toEqual([]);
}

/** No request, by URL, header or body, carried any of `markers`. */
export function expectNoMarker(session: RecordedSession, markers: readonly string[]): void {
  const carriers = [
    ...session.proxy.requests.map((r) => ({ url: r.url, text: `${r.url}\n${JSON.stringify(r.headers)}\n${r.body.toString('latin1')}` })),
    ...session.seen.map((r) => ({ url: r.url, text: `${r.url}\n${JSON.stringify(r.headers)}\n${r.body}` })),
  ];
  for (const marker of markers)
    expect(
      carriers.filter((c) => c.text.includes(marker)).map((c) => c.url),
      marker,
    ).toEqual([]);
}
