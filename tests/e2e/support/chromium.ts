import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package; playwright-core downloads no browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Never skip the browser suite: a missing browser is a failure with the fix in the message. */
export function assertChromiumInstalled(): void {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `E2E: Chromium not found at ${CHROMIUM_PATH}. The browser journeys need Debian's chromium package: ` +
        `run \`sudo apt-get install chromium\` (or install Chromium at that path), then \`npm run test:e2e\` again.`,
    );
  }
}

export async function launchChromium(): Promise<Browser> {
  assertChromiumInstalled();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
