import { describe, expect, it } from 'vitest';
import { MODEL_REGISTRY, type RegistryModel } from '../../../src/models/modelRegistry';
import { connectHosts, contentSecurityPolicy, hubHosts, modelHosts } from '../../../src/ui/app/contentSecurityPolicy';

const model = (folderUrl: string | null): RegistryModel => ({ ...MODEL_REGISTRY[0]!, folderUrl });

describe('modelHosts', () => {
  it('adds nothing for models the site serves or that have no download', () => {
    expect(modelHosts([model('models/tiny-diffusion/'), model(null)])).toEqual([]);
  });

  it('brings the Hugging Face storage and CDN domains its downloads redirect to', () => {
    expect(modelHosts([model('https://huggingface.co/org/repo/resolve/main/')])).toEqual(['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co']);
  });

  it('allows another host by its origin only', () => {
    expect(modelHosts([model('https://models.example.org:8443/a/'), model('https://models.example.org:8443/b/')])).toEqual(['https://models.example.org:8443']);
  });

  it('is what the registry needs today', () => {
    const absolute = MODEL_REGISTRY.filter((m) => m.folderUrl !== null && URL.canParse(m.folderUrl));
    expect(modelHosts().length > 0).toBe(absolute.length > 0);
  });
});

describe('contentSecurityPolicy', () => {
  it('allows WASM compilation but no script eval, no inline script, workers from the site only', () => {
    const directives = new Map(
      contentSecurityPolicy(['https://models.example.org'])
        .split('; ')
        .map((d) => [d.split(' ')[0], d] as const),
    );
    expect(directives.get('script-src')).toBe("script-src 'self' 'wasm-unsafe-eval'");
    expect(directives.get('worker-src')).toBe("worker-src 'self'");
    expect(directives.get('connect-src')).toBe("connect-src 'self' https://models.example.org");
    expect(directives.get('default-src')).toBe("default-src 'self'");
    expect(directives.get('object-src')).toBe("object-src 'none'");
  });
});

describe('hubHosts', () => {
  it('names huggingface.co with its CDN domains by default, for connect-src only', () => {
    expect(hubHosts()).toEqual(['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co']);
    const policy = contentSecurityPolicy();
    expect(policy).toContain("connect-src 'self' https://huggingface.co https://*.huggingface.co https://*.hf.co");
    expect(policy.split('; ').filter((d) => d.includes('hf.co'))).toHaveLength(1);
  });

  it('names a mirror set at build time and the hosts it redirects to, instead of huggingface.co', () => {
    expect(hubHosts('http://127.0.0.1:4000', ['http://127.0.0.1:4001'])).toEqual(['http://127.0.0.1:4000', 'http://127.0.0.1:4001']);
    expect(connectHosts('https://hub.example.org/')).toEqual(['https://hub.example.org']);
  });
});
