import { readdirSync } from 'node:fs';
import { createLogger, type Logger, loadConfigFromFile } from 'vite';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** vite.config.ts as `npm start` loads it, with every warning Vite prints about it. */
async function loadViteConfig() {
  const warnings: string[] = [];
  const logger: Logger = { ...createLogger('warn'), warn: (message) => warnings.push(message), warnOnce: (message) => warnings.push(message) };
  const loaded = await loadConfigFromFile({ command: 'serve', mode: 'development' }, 'vite.config.ts', process.cwd(), 'warn', logger);
  if (!loaded) throw new Error('vite.config.ts did not load');
  return { config: loaded.config, warnings };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('vite.config.ts', () => {
  it('loads without a warning (no extensionless import in what it imports)', async () => {
    expect((await loadViteConfig()).warnings).toEqual([]);
  });

  it('has the dependency optimiser crawl every worker, so none of their imports is found late', async () => {
    const { config } = await loadViteConfig();
    const entries = config.optimizeDeps?.entries;
    expect(entries).toContain('src/worker/*.worker.ts');
    expect(readdirSync('src/worker').filter((name) => name.endsWith('.worker.ts')).length).toBeGreaterThanOrEqual(2);
  });

  it.runIf(process.platform === 'linux')('opens no browser on a Linux without a display', async () => {
    vi.stubEnv('DISPLAY', '');
    vi.stubEnv('WAYLAND_DISPLAY', '');
    const { config } = await loadViteConfig();
    expect(config.server?.open).toBe(false);
    expect(config.preview?.open).toBe(false);
  });
});
