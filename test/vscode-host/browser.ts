// Headless Debian chromium driven by playwright-core (which never downloads a browser of its own).
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumBinary } from './paths';

export interface HeadlessBrowser {
  readonly browser: Browser;
  readonly context: BrowserContext;
  /** A new tab in the one context; the workbench needs a real page even for extension-host tests. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Flags measured to keep chromium quiet and offline on a 2-core machine running as root. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<HeadlessBrowser> {
  const browser = await chromium.launch({ executablePath: chromiumBinary(), headless: true, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    return {
      browser,
      context,
      newPage: () => context.newPage(),
      close: async () => {
        await context.close().catch(() => undefined);
        await browser.close();
      },
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
