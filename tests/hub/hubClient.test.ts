import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hubByteSource, hubFolder } from '../../src/hub/hubByteSource';
import type { HubEndpoint } from '../../src/hub/hubEndpoint';
import { hubUrlFrom, parseRepoReference } from '../../src/hub/hubEndpoint';
import { ConnectionDroppedError, EntryNotFoundError, FileHashMismatchError, GatedRepoError, RateLimitedError, RepoNotFoundError, RevisionNotFoundError } from '../../src/hub/hubErrors';
import { listRepository, type RepoFile } from '../../src/hub/listRepository';
import { pinRevision } from '../../src/hub/pinRevision';
import { rateLimitWaitSeconds } from '../../src/hub/rateLimit';
import { readRepoFile, streamRange } from '../../src/hub/readRepoFile';
import { type HubDouble, startHubDouble } from '../support/hubDouble';

let hub: HubDouble;
let endpoint: HubEndpoint;
const waits: number[] = [];
const weights = randomBytes(300_000);
const config = JSON.stringify({ model_type: 'qwen2', hidden_size: 64 });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-client-'));
  mkdirSync(join(dir, 'onnx'));
  writeFileSync(join(dir, 'config.json'), config);
  writeFileSync(join(dir, 'tokenizer.json'), '{"model":{}}');
  writeFileSync(join(dir, 'tokenizer_config.json'), '{}');
  writeFileSync(join(dir, 'model.safetensors'), weights);
  writeFileSync(join(dir, 'onnx', 'model_q4.onnx'), randomBytes(1000));
  hub = await startHubDouble({ pageSize: 2 });
  await hub.addRepo('org/tiny', dir, { license: 'apache-2.0' });
  await hub.addRepo('org/gated', dir, { token: 'hf_secret' });
});
afterAll(() => hub.close());
beforeEach(() => {
  hub.requests.length = 0;
  waits.length = 0;
  delete hub.faults.rateLimited;
  endpoint = { url: hub.url, sleep: async (ms) => void waits.push(ms) };
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function pinned(repo = 'org/tiny') {
  const { commit } = await pinRevision(endpoint, repo, 'main');
  const files = await listRepository(endpoint, repo, commit);
  const file = (path: string) => files.find((f) => f.path === path)!;
  return { commit, files, file, at: (path: string) => ({ endpoint, repo, commit, file: file(path) }) };
}

describe('the Hub client against the double', () => {
  it('pins a revision to its commit and reads the licence', async () => {
    const pin = await pinRevision(endpoint, 'org/tiny', 'main');
    expect(pin.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(pin.commit).toBe(hub.repos.get('org/tiny')!.commit);
    expect(pin.license).toBe('apache-2.0');
  });

  it('lists every file across pages, with the LFS sha256 and size', async () => {
    const { files } = await pinned();
    expect(files.map((f) => f.path).sort()).toEqual(['config.json', 'model.safetensors', 'onnx/model_q4.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    const weightsEntry = files.find((f) => f.path === 'model.safetensors')!;
    expect(weightsEntry).toMatchObject({ bytes: weights.byteLength, sha256: sha256(weights) });
    expect(files.find((f) => f.path === 'config.json')!.sha256).toBeNull();
    // 5 files at 2 a page: 3 pages, each after the first found through Link: rel="next".
    expect(hub.requests.filter((r) => r.path.includes('/tree/')).length).toBe(3);
  });

  it('reads a range of an LFS file through the 302 to the CDN, and a git file directly, both hash-checked', async () => {
    const { at } = await pinned();
    const source = hubByteSource(at('model.safetensors'));
    expect(source.size).toBe(weights.byteLength);
    expect(Buffer.from(await source.read(1000, 5000))).toEqual(weights.subarray(1000, 6000));
    const cdn = hub.requests.filter((r) => r.server === 'cdn');
    expect(cdn.at(-1)!.range).toBe('bytes=1000-5999');
    expect(hub.requests.some((r) => r.server === 'hub' && r.path.includes('/resolve/') && r.path.includes(at('model.safetensors').commit))).toBe(true);
    expect(new TextDecoder().decode(await readRepoFile(at('config.json')))).toBe(config);
  });

  it('answers resolve with the headers the Hub sends', async () => {
    const { commit } = await pinned();
    const response = await fetch(`${hub.url}/org/tiny/resolve/main/model.safetensors`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('X-Repo-Commit')).toBe(commit);
    expect(response.headers.get('X-Linked-Size')).toBe(String(weights.byteLength));
    expect(response.headers.get('X-Linked-Etag')).toBe(`"${sha256(weights)}"`);
    expect(new URL(response.headers.get('Location')!).origin).toBe(hub.cdnUrl);
    const cdn = await fetch(response.headers.get('Location')!, { headers: { Range: 'bytes=0-9' } });
    expect(cdn.status).toBe(206);
    expect(cdn.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });

  it('gives a gated repository its own error, and reads it with the token', async () => {
    await expect(pinRevision(endpoint, 'org/gated', 'main')).rejects.toBeInstanceOf(GatedRepoError);
    endpoint.token = 'hf_secret';
    hub.requests.length = 0;
    const { at } = await pinned('org/gated');
    expect((await readRepoFile(at('config.json'))).byteLength).toBe(config.length);
    // The token goes to the Hub, never to the CDN.
    await hubByteSource(at('model.safetensors')).read(0, 10);
    expect(hub.requests.filter((r) => r.server === 'cdn').every((r) => !r.authorization)).toBe(true);
    expect(hub.requests.filter((r) => r.server === 'hub').every((r) => r.authorization)).toBe(true);
  });

  it('names a missing repository, revision and file', async () => {
    await expect(pinRevision(endpoint, 'org/nothing', 'main')).rejects.toBeInstanceOf(RepoNotFoundError);
    await expect(pinRevision(endpoint, 'org/tiny', 'v9')).rejects.toBeInstanceOf(RevisionNotFoundError);
    const { commit } = await pinned();
    const ghost: RepoFile = { path: 'missing.json', bytes: 4, sha256: null, gitOid: '0'.repeat(40) };
    await expect(readRepoFile({ endpoint, repo: 'org/tiny', commit, file: ghost })).rejects.toBeInstanceOf(EntryNotFoundError);
  });

  it('waits out a 429 as RateLimit says, and gives up when it lasts', async () => {
    hub.faults.rateLimited = { count: 2, waitSeconds: 7 };
    await pinRevision(endpoint, 'org/tiny', 'main');
    expect(waits).toEqual([7000, 7000]);
    hub.faults.rateLimited = { count: 10, waitSeconds: 1 };
    await expect(pinRevision(endpoint, 'org/tiny', 'main')).rejects.toBeInstanceOf(RateLimitedError);
    expect(waits.length).toBe(2 + 3);
    hub.faults.rateLimited = { count: 1, waitSeconds: 3600 };
    await expect(pinRevision(endpoint, 'org/tiny', 'main')).rejects.toThrow(/asks to wait 3600 s/);
  });

  it('resumes a dropped connection at the byte it reached', async () => {
    const { at } = await pinned();
    hub.faults.cutAt = new Map([['model.safetensors', 123_457]]);
    hub.requests.length = 0;
    const bytes = await hubByteSource(at('model.safetensors')).read(0, weights.byteLength);
    expect(Buffer.from(bytes)).toEqual(weights);
    const ranges = hub.requests.filter((r) => r.server === 'cdn').map((r) => r.range);
    expect(ranges).toEqual([`bytes=0-${weights.byteLength - 1}`, `bytes=123457-${weights.byteLength - 1}`]);
  });

  it('gives up on a connection that keeps dropping without a new byte', async () => {
    const { at } = await pinned();
    let calls = 0;
    const failing: HubEndpoint = { ...endpoint, fetch: async () => (calls++, Promise.reject(new TypeError('fetch failed'))) };
    await expect(streamRange({ ...at('model.safetensors'), endpoint: failing }, 0, 10, () => {})).rejects.toBeInstanceOf(ConnectionDroppedError);
    expect(calls).toBe(5);
  });

  it('refuses a file whose bytes do not hash to the listing', async () => {
    const { at } = await pinned();
    hub.faults.corrupt = new Set(['tokenizer.json']);
    await expect(readRepoFile(at('tokenizer.json'))).rejects.toBeInstanceOf(FileHashMismatchError);
    hub.faults.corrupt = new Set();
  });

  it('is a FileFolder the converter can read', async () => {
    const { commit, files } = await pinned();
    const folder = hubFolder(endpoint, 'org/tiny', commit, files);
    expect(await folder.exists('config.json')).toBe(true);
    expect(await folder.exists('model.bin')).toBe(false);
    expect(await folder.readText('config.json')).toBe(config);
    await expect(folder.open('nope')).rejects.toThrow(/has no file nope/);
  });
});

describe('settings', () => {
  it('parses owner/name@revision', () => {
    expect(parseRepoReference('Qwen/Qwen2.5-Coder-0.5B')).toEqual({ repo: 'Qwen/Qwen2.5-Coder-0.5B', revision: 'main' });
    expect(parseRepoReference('a/b@v1.0')).toEqual({ repo: 'a/b', revision: 'v1.0' });
    for (const bad of ['nope', 'a/b/c', '../x/y', 'a/b@', ' a/b']) expect(() => parseRepoReference(bad)).toThrow();
  });

  it('takes an endpoint from a setting', () => {
    expect(hubUrlFrom(undefined)).toBe('https://huggingface.co');
    expect(hubUrlFrom('http://127.0.0.1:9/')).toBe('http://127.0.0.1:9');
    expect(() => hubUrlFrom('ftp://x')).toThrow(/not an http/);
  });

  it('reads how long a 429 asks to wait', () => {
    expect(rateLimitWaitSeconds(new Headers({ RateLimit: '"api";r=0;t=55' }))).toBe(55);
    expect(rateLimitWaitSeconds(new Headers({ 'Retry-After': '12' }))).toBe(12);
    expect(rateLimitWaitSeconds(new Headers({ 'Retry-After': new Date(10_000).toUTCString() }), 1_000)).toBe(9);
    expect(rateLimitWaitSeconds(new Headers())).toBeNull();
  });
});
