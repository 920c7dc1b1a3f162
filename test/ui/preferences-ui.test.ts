// The preference centre in a real browser (Debian's chromium via playwright-core): the hosted page
// behind a signed link on a phone-sized screen (no script, no horizontal scroll, the choices saved as
// ledger events with the link id), and the admin UI's Preference centre tab and a contact's pause.
import { sql } from 'drizzle-orm';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/adapters/db/database.js';
import { preferenceToken } from '../../src/modules/preferences/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, serveApp } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'owner@prefs.example';
const PASSWORD = 'a long enough passphrase';
const PHONE = { width: 390, height: 844 };

let t: TestApp;
let base: string;
let shop: Awaited<ReturnType<TestApp['tenant']>>;
let contactId: string;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[] };
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await ensureWebBuilt();
  t = await createTestApp();
  shop = await t.tenant('prefs-ui');
  const call = async (url: string, payload: object, status = 201) => {
    const res = await t.call(shop.key, { method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBe(status);
    return res.json() as { id: string };
  };
  await call('/api/v1/users', { email: EMAIL, role: 'owner', password: PASSWORD });
  await call('/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing', frequency: 'at most 2 a week' });
  await call('/api/v1/topics', { key: 'news', name: 'News', category: 'marketing' });
  contactId = (await call('/api/v1/contacts', { phone: '+14155550188', name: 'Pia Prefs' })).id;
  await call(`/api/v1/contacts/${contactId}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: { text: 'Yes, offers', ip: '203.0.113.4' } });
  base = await serveApp(t);
  ({ browser, page } = await openUiPage(seen, { viewport: PHONE }));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const ledger = () => queryRows<{ action: string; source: string; evidence: Record<string, unknown> }>(t.db, sql`select action, source, evidence from consent_events where contact_id = ${contactId} order by id`);

describe('the hosted preference page on a phone', () => {
  it('shows the person’s choices, saves them as ledger events and fits the screen without script', async () => {
    const token = await preferenceToken(t.db, shop.workspaceId, contactId, new Date(Date.now() + 3_600_000));
    await page.goto(`${base}/preferences/${token}`);
    await page.getByRole('heading', { name: 'Your WhatsApp preferences' }).waitFor();
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const offers = page.getByLabel('Send me Offers (at most 2 a week)');
    expect(await offers.isChecked()).toBe(true);
    await offers.uncheck();
    await page.getByLabel('Send me News').check();
    await page.getByLabel('Fewer: about half as many offers').check();
    await page.getByLabel('Pause offers for 30 days').check();
    await page.getByRole('button', { name: 'Save my preferences' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect(await page.getByLabel('Send me News').isChecked()).toBe(true);
    expect(await page.getByText(/^Paused until \d{4}-\d{2}-\d{2}$/).count()).toBe(1);
    const events = (await ledger()).filter((e) => e.source === 'preference_page');
    expect(events.map((e) => e.action).sort()).toEqual(['frequency', 'grant', 'pause', 'withdraw']);
    for (const e of events) expect(e.evidence).toMatchObject({ link_id: expect.any(String), channel: 'web', user_agent: expect.stringContaining('Chrome') });
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  });

  it('an expired link says so and offers the keyword', async () => {
    const old = await preferenceToken(t.db, shop.workspaceId, contactId, new Date(Date.now() - 60_000));
    const res = await page.goto(`${base}/preferences/${old}`);
    expect(res?.status()).toBe(410);
    await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
  });
});

describe('the admin UI', () => {
  it('edits the preference keywords and shows a contact’s pause and frequency', async () => {
    await loginUi(page, base, { workspace: 'prefs-ui', email: EMAIL, password: PASSWORD });
    await page.getByLabel('Section', { exact: true }).selectOption({ label: 'Preference centre' }); // a phone: the tab bar is a menu
    await page.getByTestId('prefs-in-effect').filter({ hasText: 'menu' }).waitFor();
    await page.getByLabel('Extra keywords (comma-separated)').fill('stop');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'STOP or START word' }).waitFor();
    await page.getByLabel('Extra keywords (comma-separated)').fill('Mis opciones');
    await page.getByLabel('Built-in keywords to ignore (comma-separated)').fill('menu');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByTestId('prefs-in-effect').filter({ hasText: 'mis opciones' }).waitFor();
    expect(await page.getByTestId('prefs-in-effect').textContent()).not.toMatch(/\bmenu\b/);

    await page.getByLabel('Section', { exact: true }).selectOption({ label: 'Contacts' });
    await page.getByRole('button', { name: '+14155550188', exact: true }).click();
    const prefs = page.getByTestId('contact-preferences');
    await prefs.filter({ hasText: 'paused until' }).waitFor();
    expect(await prefs.textContent()).toContain('low frequency');
    await page.getByTestId('consent-event').filter({ hasText: 'preferences: low frequency' }).waitFor();
    expect(seen.pageErrors).toEqual([]);
    expect(seen.dialogs).toEqual([]);
  });
});
