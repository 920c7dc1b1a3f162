// Browser-test factories: the app on loopback, a watched Chromium page, and logging in (issue 14, item 7).
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, watchPage, type PageWatch } from '../ui/browser.js';
import type { TestApp } from './app.js';

/** How long a UI step may wait for the page. */
export const UI_TIMEOUT = 10_000;

/** Serves the test app on a loopback port; returns its base URL. */
export async function serveApp(t: TestApp): Promise<string> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

/** Launches Chromium and opens one page whose dialogs, errors and console lines go into `seen`. */
export async function openUiPage(seen: PageWatch, opts: { viewport?: { width: number; height: number } } = {}): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const browser = await launchChromium();
  const context = await browser.newContext(opts.viewport ? { viewport: opts.viewport } : {});
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  watchPage(page, seen);
  return { browser, context, page };
}

/** Opens the admin UI at `base` and logs in with the form, as a person would. */
export async function loginUi(page: Page, base: string, who: { workspace: string; email: string; password: string }): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Workspace').fill(who.workspace);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/**
 * Scrolls each Overview card still waiting to be scrolled to (LazyCard: a card loads its report when
 * it comes on screen) into view, one after the other, until every card has loaded or started to.
 */
export async function revealOverviewCards(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Overview', level: 2 }).waitFor({ timeout: 30_000 });
  await page.locator('.overview-grid').waitFor({ timeout: 30_000 });
  for (let i = 0; i < 40; i++) {
    const waiting = page.locator('.lazy-card');
    if ((await waiting.count()) === 0) return;
    const id = await waiting.first().getAttribute('data-testid', { timeout: 5_000 }).catch(() => null);
    if (id === null) continue; // it loaded (came into view) while we looked: take the next one
    // A card in view swaps its placeholder for the real card on its own: scrolling to one gone is fine.
    await page.locator(`.lazy-card[data-testid="${id}"]`).scrollIntoViewIfNeeded({ timeout: 5_000 }).catch(() => undefined);
    await page.locator(`.lazy-card[data-testid="${id}"]`).waitFor({ state: 'detached' });
  }
}
