import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (or CHROMIUM_PATH); `npx playwright install` cannot download on these machines. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Launches chromium or fails with the fix; a missing browser must fail the suite, never skip it. */
export async function launchChromium(): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  } catch (err) {
    throw new Error(`could not launch Chromium at ${CHROMIUM} (install it with: apt-get update && apt-get install -y chromium): ${(err as Error).message}`);
  }
}
