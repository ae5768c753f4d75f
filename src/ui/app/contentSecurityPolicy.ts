import { MODEL_REGISTRY, type RegistryModel } from '../../models/modelRegistry.ts';

/**
 * Hugging Face answers a `huggingface.co/REPO/resolve/...` download with a redirect to one of an
 * open, changing set of storage and CDN hosts under hf.co (`us.aws.cdn.hf.co`,
 * `cas-bridge.xethub.hf.co`, `cdn-lfs-us-1.hf.co`, ...) or, for older repositories, under
 * huggingface.co (`cdn-lfs.huggingface.co`). A policy naming fewer hosts breaks downloads when
 * Hugging Face moves a file, so a model on huggingface.co brings both domains with their subdomains.
 */
const HUGGING_FACE_HOSTS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

/**
 * The hosts the registry's models download from, besides the site itself (relative folder URLs).
 * Derived, so a model added to the registry is allowed by the policy and nothing else is.
 */
export function modelHosts(models: readonly RegistryModel[] = MODEL_REGISTRY): string[] {
  const hosts = new Set<string>();
  for (const { folderUrl } of models) {
    if (folderUrl === null || !URL.canParse(folderUrl)) continue;
    const { origin, hostname } = new URL(folderUrl);
    if (hostname === 'huggingface.co' || hostname.endsWith('.huggingface.co') || hostname.endsWith('.hf.co')) HUGGING_FACE_HOSTS.forEach((host) => hosts.add(host));
    else hosts.add(origin);
  }
  return [...hosts];
}

/**
 * The hosts "Get from Hugging Face" contacts: the Hub endpoint the site was built with (a mirror
 * or a self-hosted Hub in place of huggingface.co, as HF_ENDPOINT is for Hugging Face's own
 * tools) and the hosts its downloads redirect to: for huggingface.co its CDN domains, for another
 * endpoint those the site owner names (`downloadHosts`), or none where it serves files itself.
 */
export function hubHosts(hubUrl = 'https://huggingface.co', downloadHosts: readonly string[] = []): string[] {
  const { origin, hostname } = new URL(hubUrl);
  if (hostname === 'huggingface.co') return [...HUGGING_FACE_HOSTS];
  return [origin, ...downloadHosts];
}

/** connect-src beyond the site itself: the registry's folder hosts and the Hub's, each once. */
export function connectHosts(hubUrl?: string, downloadHosts?: readonly string[]): string[] {
  return [...new Set([...modelHosts(), ...hubHosts(hubUrl, downloadHosts)])];
}

/**
 * The app's Content-Security-Policy: its own origin, the registry's model hosts and the Hub's, for
 * connect-src only; nothing else.
 *
 * - `'wasm-unsafe-eval'`: tree-sitter and onnxruntime-web compile WebAssembly; JavaScript eval
 *   stays forbidden.
 * - `style-src 'unsafe-inline'`: Monaco writes its themes into `<style>` elements and renders
 *   lines as HTML with `style` attributes, and React sets `style` props; neither can carry a
 *   nonce on a static site. Inline styles cannot run code, and the CSS `url()` an injected style
 *   could use to send data out is held to this origin by `img-src` and `font-src`.
 * - Workers (the engine, Monaco's, onnxruntime-web's) load from this origin only; no `blob:`.
 * - `img-src data:`: the page's empty favicon is a data URL.
 */
export function contentSecurityPolicy(hosts: readonly string[] = connectHosts()): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    ["connect-src 'self'", ...hosts].join(' '),
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ');
}
