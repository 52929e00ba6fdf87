// Debian's Chromium driven by playwright-core (which downloads no browser of its own).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { ensureToolchain } from './paths';

/** Flags measured on this kind of machine: without the networking ones Chromium keeps dialling Google. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(runDir: string, viewport = { width: 1400, height: 900 }): Promise<BrowserContext> {
  const toolchain = ensureToolchain();
  const profileDir = path.join(runDir, 'browser-profile');
  const xdgConfig = path.join(runDir, 'browser-xdg', 'config');
  const xdgCache = path.join(runDir, 'browser-xdg', 'cache');
  for (const dir of [profileDir, xdgConfig, xdgCache]) fs.mkdirSync(dir, { recursive: true });
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return chromium.launchPersistentContext(profileDir, {
    executablePath: toolchain.chromiumPath,
    headless: true,
    args: [...CHROMIUM_ARGS],
    // Chromium writes crash reports and dconf caches under $HOME otherwise.
    env: { ...env, XDG_CONFIG_HOME: xdgConfig, XDG_CACHE_HOME: xdgCache, TZ: 'America/New_York' },
    timezoneId: 'America/New_York',
    locale: 'en-US',
    viewport,
  });
}
