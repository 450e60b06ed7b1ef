// Headless Chromium for the Similarity Lab's browser tests and benchmark: Debian's `chromium`
// package driven by playwright-core (which never downloads a browser of its own).
import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { ActionableError } from '../../src/errors';

export const CHROMIUM_PATH = '/usr/bin/chromium';

class ChromiumMissingError extends ActionableError {
  override name = 'ChromiumMissingError';
}

/** Launches headless Chromium, or throws a message that says how to install it. */
export async function launchChromium(executablePath = CHROMIUM_PATH): Promise<Browser> {
  if (!fs.existsSync(executablePath)) {
    throw new ChromiumMissingError(
      `the Lab's browser tests need Debian's chromium at ${executablePath}, which is missing: install it with 'sudo apt-get update && sudo apt-get install -y chromium' (.ci/run does this)`,
    );
  }
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/**
 * A fresh browser context (no cache, no storage) that may reach only `origin`: token logos and
 * explorer links point at the internet, which a test must neither wait for nor depend on.
 */
export async function labContext(browser: Browser, origin: string, viewport = { width: 1440, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  await context.route((url) => url.origin !== origin, (route) => route.abort('blockedbyclient'));
  return context;
}
