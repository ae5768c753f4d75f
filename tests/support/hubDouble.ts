import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';

/**
 * A local stand-in for the Hugging Face Hub, speaking its HTTP as huggingface.js reads it
 * (huggingface/huggingface.js packages/hub/src/lib: list-files.ts, file-download-info.ts,
 * model-info.ts) and as the Hub documents it:
 * - `GET /api/models/{repo}/revision/{rev}`: `{ id, sha, cardData: { license }, gated }`.
 * - `GET /api/models/{repo}/tree/{rev}?recursive=true`: the files, a page at a time, the next page
 *   named by `Link: <...>; rel="next"`; LFS files carry `lfs: { oid (sha256), size, pointerSize }`,
 *   every file `oid`, git's blob id.
 * - `GET /{repo}/resolve/{rev}/{path}`: a git file answered here, an LFS file by a 302 to the CDN,
 *   a second server on another port, with `X-Repo-Commit`, `X-Linked-Size`, `X-Linked-Etag`; the
 *   CDN honours Range (206) and sends `Access-Control-Allow-Origin: *`.
 * - Errors as the Hub names them in `X-Error-Code`: 401 GatedRepo, 401 RepoNotFound (private or
 *   missing look the same), 404 RevisionNotFound, 404 EntryNotFound; 429 with `RateLimit` and
 *   `Retry-After` (https://huggingface.co/docs/hub/rate-limits).
 * It serves any folder of files as a repository, and on demand each fault a download meets.
 */

export interface DoubleFile {
  path: string;
  full: string;
  bytes: number;
  sha256: string;
  gitOid: string;
  lfs: boolean;
}

export interface DoubleRepo {
  name: string;
  commit: string;
  license: string | null;
  /** Gated: answered only to `Authorization: Bearer {token}`. */
  token: string | null;
  files: Map<string, DoubleFile>;
}

export interface HubRequestRecord {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  range: string | null;
  authorization: boolean;
}

/** Faults, each taken by the next request it matches (counts go down as they are served). */
export interface HubDoubleFaults {
  /** Requests answered 429 before the real answer, with `RateLimit: "api";r=0;t={waitSeconds}` and Retry-After. */
  rateLimited?: { count: number; waitSeconds: number };
  /** CDN answers for this file path whose socket is destroyed once this absolute byte is reached. */
  cutAt?: Map<string, number>;
  /** File paths whose content is served with one byte changed. */
  corrupt?: Set<string>;
}

export interface HubDouble {
  url: string;
  cdnUrl: string;
  requests: HubRequestRecord[];
  faults: HubDoubleFaults;
  repos: Map<string, DoubleRepo>;
  /** Serves `dir` as repository `name`; every file in it, recursively. */
  addRepo(name: string, dir: string, options?: { license?: string; token?: string }): Promise<DoubleRepo>;
  close(): Promise<void>;
}

// What a repository's .gitattributes sends to LFS on the Hub by default (*.safetensors, *.onnx,
// *.bin, ...), plus anything over 10 MB, which the Hub refuses to keep in git.
const LFS_PATTERN = /\.(safetensors|onnx|onnx_data|bin|pt|gguf)$/;
const LFS_MIN_BYTES = 10 * 1024 * 1024;

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'X-Repo-Commit, X-Error-Code, X-Error-Message, Link, Content-Range, Accept-Ranges, ETag, X-Linked-Size, X-Linked-Etag, RateLimit, Retry-After',
};

async function hashFile(full: string, prefix: string, algorithm: 'sha256' | 'sha1'): Promise<string> {
  const hash = createHash(algorithm).update(prefix);
  for await (const chunk of createReadStream(full)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function listFolder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  const match = /^bytes=(\d+)-(\d*)$/.exec(header ?? '');
  if (!match) return null;
  const start = Number(match[1]);
  const end = match[2] ? Math.min(Number(match[2]) + 1, size) : size;
  return start < end ? { start, end } : null;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * `cdnLocation`: the origin resolve's 302 names (default: the CDN server's own); a browser test that
 * routes https://cdn-lfs.hf.co to the CDN server gives that, so the app's production policy applies.
 */
export async function startHubDouble(options: { pageSize?: number; cdnLocation?: string } = {}): Promise<HubDouble> {
  const pageSize = options.pageSize ?? 3;
  const repos = new Map<string, DoubleRepo>();
  const requests: HubRequestRecord[] = [];
  const faults: HubDoubleFaults = {};
  const byHash = new Map<string, DoubleFile>();
  let url = '';
  let cdnUrl = '';

  const record = (server: 'hub' | 'cdn', request: IncomingMessage) =>
    requests.push({ server, method: request.method ?? 'GET', path: request.url ?? '', range: request.headers.range ?? null, authorization: request.headers.authorization !== undefined });

  const fail = (response: ServerResponse, status: number, code: string | null, message: string) => {
    response.writeHead(status, { ...CORS, 'Content-Type': 'application/json', ...(code ? { 'X-Error-Code': code, 'X-Error-Message': message } : {}) });
    response.end(JSON.stringify({ error: message }));
  };

  const rateLimited = (response: ServerResponse): boolean => {
    const limit = faults.rateLimited;
    if (!limit || limit.count <= 0) return false;
    limit.count--;
    response.writeHead(429, {
      ...CORS,
      RateLimit: `"api";r=0;t=${limit.waitSeconds}`,
      'RateLimit-Policy': '"fixed window";"api";q=500;w=300',
      'Retry-After': String(limit.waitSeconds),
      'Content-Type': 'application/json',
    });
    response.end(JSON.stringify({ error: 'You have been rate-limited; you can retry this action later.' }));
    return true;
  };

  /** Sends [start, end) of a file, with the faults that apply to it. */
  const sendContent = (response: ServerResponse, file: DoubleFile, status: number, start: number, end: number, headers: Record<string, string | number>) => {
    response.writeHead(status, { ...CORS, 'Accept-Ranges': 'bytes', 'Content-Length': end - start, 'Content-Type': 'application/octet-stream', ...headers });
    if (end <= start) return response.end();
    const cut = faults.cutAt?.get(file.path);
    const stopAt = cut !== undefined && cut >= start && cut < end ? cut : end;
    if (stopAt < end) faults.cutAt!.delete(file.path);
    const corrupt = faults.corrupt?.has(file.path) ?? false;
    let position = start;
    const stream = createReadStream(file.full, { start, end: stopAt - 1 });
    stream.on('data', (data) => {
      const chunk = data as Buffer;
      // The byte at offset 10 (or the file's middle, for a short file) is flipped.
      const flip = Math.min(10, Math.floor(file.bytes / 2));
      if (corrupt && flip >= position && flip < position + chunk.length) chunk[flip - position]! ^= 0x20;
      position += chunk.length;
      response.write(chunk);
    });
    // The cut comes once what was written has left, so the client gets exactly the bytes up to it.
    stream.on('end', () => (stopAt < end ? response.write(Buffer.alloc(0), () => response.destroy()) : response.end()));
    stream.on('error', () => response.destroy());
  };

  const serveFile = (request: IncomingMessage, response: ServerResponse, file: DoubleFile, headers: Record<string, string | number>) => {
    if (request.headers.range) {
      const range = parseRange(request.headers.range, file.bytes);
      if (!range) {
        response.writeHead(416, { ...CORS, 'Content-Range': `bytes */${file.bytes}` });
        return response.end();
      }
      return sendContent(response, file, 206, range.start, range.end, { ...headers, 'Content-Range': `bytes ${range.start}-${range.end - 1}/${file.bytes}` });
    }
    sendContent(response, file, 200, 0, file.bytes, headers);
  };

  /** The repository a request names, checked for access; null once an error is sent. */
  const repoFor = (request: IncomingMessage, response: ServerResponse, name: string): DoubleRepo | null => {
    const repo = repos.get(name);
    if (!repo) {
      fail(response, 401, 'RepoNotFound', 'Repository not found');
      return null;
    }
    if (repo.token !== null && request.headers.authorization !== `Bearer ${repo.token}`) {
      fail(response, 401, 'GatedRepo', `Access to model ${name} is restricted. You must have access to it and be authenticated to access it. Please log in.`);
      return null;
    }
    return repo;
  };
  const revisionOk = (repo: DoubleRepo, revision: string) => revision === 'main' || revision === repo.commit;

  /** The origin the client asked for (a routed browser asks https://huggingface.co), for the Link header. */
  const publicUrl = (request: IncomingMessage) => (request.headers['x-forwarded-origin'] as string | undefined) ?? url;

  const hub = createServer((request, response) => {
    record('hub', request);
    if (request.method === 'OPTIONS') {
      response.writeHead(204, { ...CORS, 'Access-Control-Allow-Headers': 'Range, Authorization, Accept', 'Access-Control-Allow-Methods': 'GET, HEAD' });
      return response.end();
    }
    if (rateLimited(response)) return;
    const parsed = new URL(request.url ?? '/', url);
    const path = decodeURIComponent(parsed.pathname);
    const info = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/(.+)$/.exec(path);
    if (info) {
      const repo = repoFor(request, response, info[1]!);
      if (!repo) return;
      if (!revisionOk(repo, info[2]!)) return fail(response, 404, 'RevisionNotFound', `Invalid rev id: ${info[2]}`);
      response.writeHead(200, { ...CORS, 'Content-Type': 'application/json' });
      return response.end(JSON.stringify({ id: repo.name, sha: repo.commit, gated: repo.token === null ? false : 'manual', cardData: repo.license ? { license: repo.license } : {} }));
    }
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)$/.exec(path);
    if (tree) {
      const repo = repoFor(request, response, tree[1]!);
      if (!repo) return;
      if (!revisionOk(repo, tree[2]!)) return fail(response, 404, 'RevisionNotFound', `Invalid rev id: ${tree[2]}`);
      const all = [...repo.files.values()];
      const cursor = Number(parsed.searchParams.get('cursor') ?? 0);
      const page = all
        .slice(cursor, cursor + pageSize)
        .map((f) => ({ type: 'file', oid: f.gitOid, size: f.lfs ? 134 : f.bytes, path: f.path, ...(f.lfs ? { lfs: { oid: f.sha256, size: f.bytes, pointerSize: 134 } } : {}) }));
      const next = cursor + pageSize < all.length ? `<${publicUrl(request)}${parsed.pathname}?recursive=true&expand=false&cursor=${cursor + pageSize}>; rel="next"` : null;
      response.writeHead(200, { ...CORS, 'Content-Type': 'application/json', ...(next ? { Link: next } : {}) });
      return response.end(JSON.stringify(page));
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (resolve) {
      const repo = repoFor(request, response, resolve[1]!);
      if (!repo) return;
      if (!revisionOk(repo, resolve[2]!)) return fail(response, 404, 'RevisionNotFound', `Invalid rev id: ${resolve[2]}`);
      const file = repo.files.get(resolve[3]!);
      if (!file) return fail(response, 404, 'EntryNotFound', `${resolve[3]} does not exist on "${resolve[2]}"`);
      const headers = { 'X-Repo-Commit': repo.commit };
      if (!file.lfs) return serveFile(request, response, file, { ...headers, ETag: `"${file.gitOid}"` });
      response.writeHead(302, {
        ...CORS,
        ...headers,
        'X-Linked-Size': file.bytes,
        'X-Linked-Etag': `"${file.sha256}"`,
        ETag: `"${file.gitOid}"`,
        Location: `${options.cdnLocation ?? cdnUrl}/repos/${file.sha256}?response-content-disposition=attachment`,
      });
      return response.end();
    }
    fail(response, 404, null, 'Not found');
  });

  const cdn = createServer((request, response) => {
    record('cdn', request);
    if (request.method === 'OPTIONS') {
      response.writeHead(204, { ...CORS, 'Access-Control-Allow-Headers': 'Range', 'Access-Control-Allow-Methods': 'GET, HEAD' });
      return response.end();
    }
    const match = /^\/repos\/([0-9a-f]{64})$/.exec(new URL(request.url ?? '/', cdnUrl).pathname);
    const file = match ? byHash.get(match[1]!) : undefined;
    if (!file) {
      response.writeHead(403, CORS);
      return response.end('<Error><Code>AccessDenied</Code></Error>');
    }
    serveFile(request, response, file, { ETag: `"${file.sha256}"` });
  });

  url = await listen(hub);
  cdnUrl = await listen(cdn);

  return {
    url,
    cdnUrl,
    requests,
    faults,
    repos,
    async addRepo(name, dir, repoOptions = {}) {
      const files = new Map<string, DoubleFile>();
      const commit = createHash('sha1').update(name);
      for (const path of await listFolder(dir)) {
        const full = join(dir, path);
        const { size } = await stat(full);
        const file: DoubleFile = {
          path,
          full,
          bytes: size,
          sha256: await hashFile(full, '', 'sha256'),
          gitOid: await hashFile(full, `blob ${size}\0`, 'sha1'),
          lfs: LFS_PATTERN.test(path) || size >= LFS_MIN_BYTES,
        };
        files.set(path, file);
        if (file.lfs) byHash.set(file.sha256, file);
        commit.update(`${path}\0${file.sha256}\0`);
      }
      const repo: DoubleRepo = { name, commit: commit.digest('hex'), license: repoOptions.license ?? null, token: repoOptions.token ?? null, files };
      repos.set(name, repo);
      return repo;
    },
    close: async () => {
      await Promise.all([hub, cdn].map((server) => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())))));
    },
  };
}
