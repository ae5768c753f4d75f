import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface ServedRequest {
  path: string;
  range: string | null;
}

export interface FolderServerFaults {
  /** Paths whose first answer stops after this many bytes, the socket destroyed. */
  cutAfter?: Map<string, number>;
  /** Paths whose first answer stops after this many bytes and then hangs, the socket left open. */
  stallAfter?: Map<string, number>;
  /** Answer Range requests with the whole file (200), as some servers do. */
  ignoreRange?: boolean;
  /** Paths answered with 503 this many times before the real answer. */
  unavailable?: Map<string, number>;
  /** Paths served with one byte changed. */
  corrupt?: Set<string>;
  /** Serve manifest.json with this id in place of the folder's. */
  manifestId?: string;
}

/**
 * A model folder over HTTP on a free localhost port, with the faults a real connection has:
 * dropped connections, servers that ignore Range, 503s, corrupt bytes. Records every request.
 */
export async function serveModelFolder(dir: string, faults: FolderServerFaults = {}): Promise<{ url: string; requests: ServedRequest[]; close(): Promise<void> }> {
  const requests: ServedRequest[] = [];
  const cutsLeft = new Map(faults.cutAfter);
  const stallsLeft = new Map(faults.stallAfter);
  const unavailableLeft = new Map(faults.unavailable);
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url!, 'http://x').pathname.slice(1));
    const range = request.headers.range ?? null;
    requests.push({ path, range });
    let body: Buffer;
    try {
      body = readFileSync(join(dir, path));
    } catch {
      response.writeHead(404).end();
      return;
    }
    if (path === 'manifest.json' && faults.manifestId) body = Buffer.from(JSON.stringify({ ...JSON.parse(body.toString('utf8')), id: faults.manifestId }));
    if (faults.corrupt?.has(path)) body = Buffer.concat([body.subarray(0, 10), Buffer.from([body[10]! ^ 0x20]), body.subarray(11)]);
    const unavailable = unavailableLeft.get(path) ?? 0;
    if (unavailable > 0) {
      unavailableLeft.set(path, unavailable - 1);
      response.writeHead(503).end();
      return;
    }
    const start = range && !faults.ignoreRange ? Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? 0) : 0;
    const part = body.subarray(start);
    response.writeHead(start > 0 ? 206 : 200, {
      'content-length': part.length,
      ...(start > 0 ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    const stall = stallsLeft.get(path);
    if (stall !== undefined) {
      stallsLeft.delete(path);
      response.write(part.subarray(0, stall));
      return;
    }
    const cut = cutsLeft.get(path);
    if (cut === undefined) return response.end(part);
    cutsLeft.delete(path);
    response.write(part.subarray(0, cut), () => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
