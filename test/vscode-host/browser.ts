// Headless Debian chromium driven by playwright-core (which never downloads a browser of its own).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';

export interface HeadlessBrowser {
  readonly browser: Browser;
  readonly context: BrowserContext;
  /** A new tab in the one context; the workbench needs a real page even for extension-host tests. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<HeadlessBrowser> {
  const browser = await launchChromium();
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
