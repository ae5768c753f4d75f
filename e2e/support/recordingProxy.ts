import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it left the browser: what a network observer would see. */
export interface ProxiedRequest {
  method: string;
  /** The absolute URL, or `CONNECT host:port` for a tunnel (HTTPS), whose content stays unseen. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RecordingProxy {
  /** `http://127.0.0.1:PORT`, for a browser context's `proxy.server`. */
  server: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy that records every request passing through it, bodies included, and forwards only
 * plain HTTP to loopback hosts. A browser context pointed at it (loopback proxied too, which
 * Playwright arranges) sends it everything: the page's, every worker's and the browser's own
 * requests, independently of what Playwright's request events report. Tunnels (HTTPS) to anywhere
 * are recorded and refused, so nothing reaches the internet.
 */
export async function startRecordingProxy(): Promise<RecordingProxy> {
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = incoming.url ?? '';
      requests.push({ method: incoming.method ?? '', url, headers: incoming.headers, body });
      const target = URL.canParse(url) ? new URL(url) : null;
      if (target?.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(target.hostname)) {
        outgoing.writeHead(403).end('the recording proxy forwards to loopback only');
        return;
      }
      const forwarded = httpRequest(target, { method: incoming.method, headers: incoming.headers }, (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      });
      forwarded.on('error', () => outgoing.writeHead(502).end());
      forwarded.end(body);
    });
  });
  server.on('connect', (incoming, socket) => {
    requests.push({ method: 'CONNECT', url: `CONNECT ${incoming.url ?? ''}`, headers: incoming.headers, body: Buffer.alloc(0) });
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
