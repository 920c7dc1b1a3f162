import { chromium, type Browser, type Page } from 'playwright-core';

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

/** What a page showed that no test should see: alerts, uncaught errors, console lines, CSP violations. */
export interface PageWatch {
  dialogs: string[];
  pageErrors: string[];
  cspViolations: string[];
  consoleLines?: string[];
}

/** Records dialogs (dismissed), page errors and console output of `page` into `seen`. */
export function watchPage(page: Page, seen: PageWatch): void {
  page.on('dialog', (d) => {
    seen.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => seen.pageErrors.push(e.message));
  page.on('console', (m) => {
    seen.consoleLines?.push(m.text());
    if (/content security policy/i.test(m.text())) seen.cspViolations.push(m.text());
  });
}
