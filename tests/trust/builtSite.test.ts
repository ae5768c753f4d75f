import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHosts } from '../../src/ui/app/contentSecurityPolicy';

/**
 * Absolute URLs the shipped code holds that are never fetched, each exactly, with why. Any other
 * absolute URL fails the test: it is either a model host (allowed by the policy) or it must be
 * looked at and added here with its reason.
 */
const NEVER_FETCHED: Record<string, string> = {
  'http://www.w3.org/2000/svg': 'XML namespace name (React, Monaco)',
  'http://www.w3.org/1999/xlink': 'XML namespace name (React)',
  'http://www.w3.org/1998/Math/MathML': 'XML namespace name (React)',
  'http://www.w3.org/XML/1998/namespace': 'XML namespace name (React)',
  'http://www.w3.org/1999/xhtml': 'XML namespace name (React)',
  'http://www.apache.org/licenses/LICENSE-2.0': 'license comment',
  'https://web.dev/cross-origin-isolation-guide/': "in onnxruntime-web's warning text about threads",
  'https://rolldown.rs/in-depth/bundling-cjs#require-external-modules': "in the bundler's error text for a missing require",
  'https://react.dev/errors/': "React's link in its minified error messages",
  'https://huggingface.co/$': 'the model manager\'s "download it from" text, shown to the user (a template: huggingface.co/${repository})',
  'https://github.com/microsoft/vscode/blob/main/LICENSE.txt': 'license comment (Monaco)',
  'https://github.com/microsoft/vscode/issues/new': "Monaco's error text",
  'https://github.com/microsoft/vscode/issues/103170': 'code comment (Monaco)',
  'https://github.com/microsoft/monaco-editor#faq': "Monaco's warning text",
  'https://github.com/markedjs/marked.': "Monaco's bundled markdown renderer, error text",
  'https://microsoft.com)': "Monaco's accessibility help text",
  'https://code.visualstudio.com/docs/editor/codebasics#_multicursor-modifier).': "Monaco's help text",
  'https://code.visualstudio.com/docs/editor/codebasics#_find-and-replace)': "Monaco's help text",
};

const ABSOLUTE_URL = /(?:https?|wss?):\/\/[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+/g;

function urlsIn(files: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of files) {
    for (const url of readFileSync(file, 'latin1').match(ABSOLUTE_URL) ?? []) found.set(url, [...(found.get(url) ?? []), file]);
  }
  return found;
}

let outDir: string;
let shipped: string[];

// A fresh build of the site (without public/, whose only code is checked below): what a user's
// browser downloads and runs, never a stale dist/.
beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'builder-built-site-'));
  // Vitest runs with NODE_ENV=test, which would build React's development bundle.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ logLevel: 'silent', mode: 'production', publicDir: false, build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  const assets = readdirSync(join(outDir, 'assets')).map((name) => join(outDir, 'assets', name));
  const publicCode = readdirSync('public/wasm')
    .filter((name) => /\.m?js$/.test(name))
    .map((name) => join('public/wasm', name));
  shipped = [join(outDir, 'index.html'), ...assets.filter((file) => /\.(js|css|html)$/.test(file)), ...publicCode];
}, 300_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the built site', () => {
  it('holds no absolute URL but the model hosts and text that is never fetched (no analytics, no CDN)', () => {
    expect(shipped.some((file) => file.includes('engine.worker'))).toBe(true);
    for (const runtime of ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.mjs']) expect(shipped.some((file) => file.endsWith(runtime))).toBe(true);
    // The policy's own sources (`https://*.hf.co`, in its meta tag and in the code that shows the hosts) count as the hosts.
    const hosts = connectHosts().map((host) => new RegExp(`^${host.replace(/[.]/g, '\\.').replace('*', '([a-z0-9.-]+|\\*)')}(/|;|$)`));
    const unexplained = [...urlsIn(shipped)].filter(([url]) => !(url in NEVER_FETCHED) && !hosts.some((host) => host.test(url)));
    expect(unexplained.map(([url, files]) => `${url} in ${files.join(', ')}`)).toEqual([]);
  });

  it('loads its code from its own folder only: relative script, style and preload links, and the policy first', () => {
    for (const page of ['index.html']) {
      const html = readFileSync(join(outDir, page), 'utf8');
      const references = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
      expect(references.length).toBeGreaterThan(0);
      for (const reference of references) expect(reference, page).toMatch(/^(\.\/assets\/|data:,$)/);
      expect(html.indexOf('http-equiv="Content-Security-Policy"'), page).toBeLessThan(html.indexOf('<script'));
      expect(html, page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
  });
});
