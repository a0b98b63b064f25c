// Headless Debian chromium for the browser tests, driven by playwright-core (which never downloads a
// browser of its own). The flags keep it quiet and offline on these machines, running as root.
import { chromium, type Browser } from 'playwright-core';

export function chromiumBinary(): string {
  return process.env.TINY_BACKSPACE_CHROMIUM || '/usr/bin/chromium';
}

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumBinary(), headless: true, args: [...CHROMIUM_ARGS] });
}
