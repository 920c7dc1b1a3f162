// First run in a real browser (issue 19): `greenlist start` on a fresh data directory (or a fresh
// PostgreSQL database) with no user prints a one-time setup link; Chromium opens it, a weak
// password is refused next to its field, the owner is created with the business name, country and
// zone, lands logged in on the Overview and sees the getting-started checklist, ticks "Keep the
// sandbox"; then at 360×740 every tab fits the screen (the tab bar is a menu, tables scroll in
// their own box). Screenshots go to $UI_SCREENSHOTS (default: a temp directory).
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/db.js';
import { spawnGreenlist, type GreenlistProcess } from '../helpers/process.js';
import { UI_TIMEOUT } from '../helpers/ui.js';
import { launchChromium, watchPage, type PageWatch } from './browser.js';
import { ensureWebBuilt } from './web-build.js';

const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');
const TABS = ['Overview', 'Contacts', 'Imports', 'Topics', 'Opt-in sources', 'Opt-out review', 'Preference centre', 'Inbox', 'Auto-replies', 'Segments', 'Broadcasts', 'Automations', 'Templates', 'Phone numbers', 'API keys', 'Webhooks', 'Audit log', 'Settings'];

let server: GreenlistProcess;
let base: string;
let setupUrl: string;
let dir: string;
let tdb: TestDatabase | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const seen: PageWatch = { dialogs: [], pageErrors: [], cspViolations: [] };

async function shot(p: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: join(SHOTS, `setup-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  await ensureWebBuilt();
  dir = await mkdtemp(join(tmpdir(), 'gl-setup-ui-'));
  tdb = onPostgres ? await createTestDatabase() : undefined;
  // Sandbox mode on its default (auto): with no credentials the bundled simulator's number is connected.
  server = spawnGreenlist(['start'], { GREENLIST_DATA_DIR: dir, GREENLIST_PORT: '0', ...(tdb ? { DATABASE_URL: tdb.url!, GREENLIST_MASTER_KEY: 'cd'.repeat(32) } : {}) });
  base = await server.ready(180_000); // PGlite's first start runs initdb: slow on a loaded machine
  for (let i = 0; i < 200 && !/setup#token=/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 50));
  setupUrl = /(http:\/\/127\.0\.0\.1:\d+\/setup#token=[\w-]+)/.exec(server.output())?.[1] ?? '';
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  watchPage(page, seen);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await tdb?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('first run in the browser', () => {
  it('opens the printed setup link, refuses a weak password next to its field, creates the owner and lands on the Overview checklist', async () => {
    expect(setupUrl, server.output()).toMatch(`${base}/setup#token=`);
    // Before setup the login page says where to go.
    await page.goto(`${base}/`);
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/one-time setup link/);

    await page.goto(setupUrl);
    await page.getByRole('heading', { name: 'Welcome to Greenlist' }).waitFor();
    await page.getByLabel('Business name').fill('Ana Bakery');
    await page.getByLabel('Country').selectOption('PT');
    await page.getByLabel('Time zone').selectOption('Europe/Lisbon');
    await page.getByLabel('Your name').fill('Ana');
    await page.getByLabel('Email').fill('ana@bakery.example');
    await page.getByLabel('Password').fill('111111111111');
    await page.getByRole('button', { name: 'Create owner and start' }).click();
    // The API's message, next to the field it names, and tied to it for screen readers.
    const passwordError = page.locator('#setup-password-error');
    await expect.poll(() => passwordError.textContent()).toMatch(/different characters/);
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'form-error-1280');

    await page.getByLabel('Password').fill('plum tractor lantern');
    await page.getByRole('button', { name: 'Create owner and start' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // Logged in, on the business's own workspace, and the spent token left the address bar.
    await expect.poll(() => page.getByTestId('workspace-name').textContent()).toBe('Ana Bakery');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(page.url()).not.toContain('token=');

    const checklist = page.getByRole('region', { name: 'Get started' });
    await checklist.waitFor();
    await expect.poll(() => page.getByTestId('checklist-progress').textContent()).toMatch(/^\d of 6 done$/);
    const step = (id: string) => checklist.locator(`li[data-step="${id}"]`);
    expect(await step('number').getAttribute('data-done')).toBe('false');
    expect(await step('broadcast').getAttribute('data-done')).toBe('false');
    await shot(page, 'checklist-1280');

    // The sandbox counts as a choice: ticking it is stored in the workspace settings and survives a reload.
    await step('number').getByRole('button', { name: 'Keep the sandbox' }).click();
    await expect.poll(() => step('number').getAttribute('data-done')).toBe('true');
    await page.reload();
    await page.getByRole('region', { name: 'Get started' }).waitFor();
    await expect.poll(() => step('number').getAttribute('data-done')).toBe('true');
    // Steps are ticked from real data: a topic made (here through the API, with the owner's session) ticks "Create a topic".
    const session = (await context.cookies()).find((c) => c.name === 'greenlist_session')!;
    const made = await fetch(`${base}/api/v1/topics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-greenlist-csrf': '1', cookie: `greenlist_session=${session.value}` },
      body: JSON.stringify({ key: 'offers', name: 'Offers', category: 'marketing' }),
    });
    expect(made.status).toBe(201);
    expect(await step('topic').getAttribute('data-done')).toBe('false');
    await page.reload();
    await expect.poll(() => step('topic').getAttribute('data-done')).toBe('true');
    await expect.poll(() => page.getByTestId('checklist-progress').textContent()).toBe('2 of 6 done');
    // Each step opens its tab.
    await step('template').getByRole('button', { name: 'Create a template' }).click();
    await page.getByRole('heading', { name: 'Templates', level: 2 }).waitFor();
    expect(await page.getByRole('button', { name: 'Templates', exact: true }).getAttribute('aria-current')).toBe('page');

    // The setup link is spent: opening it again says so.
    await page.goto(setupUrl);
    await page.getByRole('heading', { name: 'Greenlist is set up' }).waitFor();
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  }, 120_000);

  it('fits every tab in a 360×740 screen: a section menu instead of the tab bar, no sideways scrolling', async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, storageState: await context.storageState() });
    const p = await phone.newPage();
    p.setDefaultTimeout(UI_TIMEOUT);
    const phoneSeen: PageWatch = { dialogs: [], pageErrors: [], cspViolations: [] };
    watchPage(p, phoneSeen);
    await p.goto(`${base}/`);
    await p.getByRole('heading', { name: 'Overview' }).waitFor();
    // The tab bar gives way to a labelled menu.
    expect(await p.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(false);
    const menu = p.getByLabel('Section', { exact: true });
    expect(await menu.isVisible()).toBe(true);
    const widths: Record<string, number> = {};
    for (const tab of TABS) {
      await menu.selectOption({ label: tab });
      await p.locator('main.content h2').first().waitFor();
      // Let the tab's first reads land (their tables and cards change the width).
      await p.locator('main.content').getByText('Loading…').first().waitFor({ state: 'hidden' }).catch(() => undefined);
      await p.waitForTimeout(200);
      // document.scrollingElement is <html> in standards mode (a function, not a string: the CSP forbids eval).
      widths[tab] = await p.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth);
      await shot(p, `360-${tab.toLowerCase().replace(/\W+/g, '-')}`);
    }
    expect(widths).toEqual(Object.fromEntries(TABS.map((t) => [t, expect.toSatisfy((w: number) => w <= 360)])));
    expect(phoneSeen.pageErrors).toEqual([]);
    await phone.close();
  }, 120_000);
});
