import { existsSync } from 'node:fs';
import { type Browser, chromium, type LaunchOptions } from 'playwright-core';

/** The system's Chromium; a test never downloads a browser. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`Chromium is not at ${path}: install Debian's chromium package or set CHROMIUM_PATH.`);
  return path;
}

/**
 * Headless Chromium with WebGPU (SwiftShader where there is no GPU) and no calls home; with
 * `webgpu: false`, one whose WebGPU gives no adapter, as a browser without it.
 */
export function launchChromium(options: { webgpu?: boolean } = {}): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions(options));
}

/** How launchChromium starts Chromium, for a caller that starts it as a server (the e2e specs share one). */
export function chromiumLaunchOptions({ webgpu = true } = {}): LaunchOptions {
  return {
    executablePath: chromiumPath(),
    headless: true,
    args: [
      ...(webgpu ? ['--enable-unsafe-webgpu'] : []),
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Chromium's autofill asks Google about form fields as they are filled in.
      '--disable-features=AutofillServerCommunication',
      '--disable-quic',
      '--no-first-run',
    ],
  };
}
