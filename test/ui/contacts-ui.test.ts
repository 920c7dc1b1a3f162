// Contacts, consent and opt-out review in the admin UI, in a real browser (Debian's chromium driven
// by playwright-core) against the real app on loopback: search, paging, the consent filter, the
// proof-of-consent detail (evidence shown as text), topics, and resolving a review item as an opt-out.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optOutNotes } from '../../src/modules/consent/consent.tables.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, serveApp } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'owner@shop.example';
const PASSWORD = 'a long enough passphrase';

const ANA = { phone: '+14155550123', name: 'Ana Granted', tags: ['vip', 'sf'], attributes: { city: 'San Francisco', tier: 'gold' } };
const BEN = { phone: '+442071838750', name: 'Ben Withdrawn' };
const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');
const FILLERS = 50; // with ANA and BEN: one more than a page of 50, so "Load more" appears
const fillerPhone = (i: number) => `+49151234567${String(i).padStart(2, '0')}`;
// Markup and a line break: the UI must show the exact wording as text, never as HTML.
const CONSENT_TEXT = 'Yes, send me <b>offers</b> from Shop on WhatsApp, at most twice a week.\nReply STOP to end.';
const EVIDENCE = { text: CONSENT_TEXT, ip: '203.0.113.9', user_agent: 'Mozilla/5.0 (X11; Linux x86_64) <script>alert(1)</script>' };

let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;
let anaId: string;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];
const consoleLines: string[] = [];

const rows = () => page.locator('[data-testid=contact-row]');
const detail = () => page.locator('[data-testid=contact-detail]');
const countLine = () => page.getByTestId('contact-count');
/** Waits until the total line says exactly `text` (it is asked for after the list's first page). */
const countSays = (text: string) => page.getByTestId('contact-count').getByText(text, { exact: true }).waitFor();

/** Applies the contact filter form and waits until the list shows a row containing `expect`. */
async function search(q: string, topic: string, status: string | undefined, expectText: string): Promise<void> {
  await page.getByLabel('Name or phone').fill(q);
  await page.getByLabel('Consent to').selectOption(topic);
  if (status) await page.getByLabel('Status', { exact: true }).selectOption(status);
  await page.getByRole('button', { name: 'Search' }).click();
  await rows().filter({ hasText: expectText }).first().waitFor();
  await page.locator('[role=status]', { hasText: 'shown' }).waitFor();
}

/** Opens the contact with this phone and waits for its consent to load. */
async function openContact(phone: string, heading: string): Promise<void> {
  await page.getByRole('button', { name: phone, exact: true }).click();
  await detail().getByRole('heading', { name: heading }).waitFor();
  await detail().locator('[data-testid=consent-state-row]').first().waitFor();
}

beforeAll(async () => {
  await ensureWebBuilt();
  t = await createTestApp();
  const shop = await t.tenant('shop');
  const call = async (url: string, payload: object, status = 201) => {
    const res = await t.call(shop.key, { method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBe(status);
    return res.json() as { id: string };
  };
  await call('/api/v1/users', { email: EMAIL, role: 'owner', password: PASSWORD });
  await call('/api/v1/attributes', { key: 'city', type: 'string' });
  await call('/api/v1/attributes', { key: 'tier', type: 'enum', enum_values: ['gold', 'silver'] });
  await call('/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing', frequency: 'at most 2 a week' });
  await call('/api/v1/topics', { key: 'orders', name: 'Order updates', category: 'utility' });
  anaId = (await call('/api/v1/contacts', ANA)).id;
  const benId = (await call('/api/v1/contacts', BEN)).id;
  for (let i = 0; i < FILLERS; i++) await call('/api/v1/contacts', { phone: fillerPhone(i), name: `Filler ${i}` });
  await call(`/api/v1/contacts/${anaId}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: EVIDENCE });
  await call(`/api/v1/contacts/${benId}/consent`, { topic: 'offers', action: 'withdraw', source: 'api' });
  await t.db.insert(optOutNotes).values([
    { workspaceId: shop.workspaceId, contactId: anaId, kind: 'review', text: 'please stop texting me' },
    { workspaceId: shop.workspaceId, contactId: benId, kind: 'review', text: 'stop the emails, WhatsApp is fine' },
  ]);

  base = await serveApp(t);
  ({ browser, page } = await openUiPage({ dialogs, pageErrors, consoleLines, cspViolations }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('contacts and consent in the admin UI', () => {
  it('logs in to the Overview, then opens Contacts, the second tab', async () => {
    await loginUi(page, base, { workspace: 'shop', email: EMAIL, password: PASSWORD });
    await page.getByRole('heading', { name: 'Overview', level: 2 }).waitFor();
    const tabs = await page.getByRole('navigation', { name: 'Sections' }).getByRole('button').allTextContents();
    expect(tabs.slice(0, 4)).toEqual(['Overview', 'Contacts', 'Imports', 'Topics']);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 2 }).waitFor();
    expect(await page.getByRole('button', { name: 'Contacts' }).getAttribute('aria-current')).toBe('page');
  });

  it('pages with "Load more" until every contact is listed', async () => {
    await page.locator('[role=status]', { hasText: '50 shown, more available' }).waitFor();
    expect(await rows().count()).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.locator('[role=status]', { hasText: `${FILLERS + 2} shown.` }).waitFor();
    expect(await rows().count()).toBe(FILLERS + 2);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  });

  it('shows the total count, which follows a search and stays the total while paging', async () => {
    await countSays(`${FILLERS + 2} contacts`);
    await search('Filler 1', '', undefined, 'Filler 1');
    // "Filler 1" and "Filler 10"-"Filler 19": a prefix search, as the list's.
    await countSays('11 contacts match');
    expect(await rows().count()).toBe(11);
    await search('Ana', '', undefined, ANA.name);
    await countSays('1 contact matches');
    await search('', '', undefined, `Filler ${FILLERS - 1}`);
    await countSays(`${FILLERS + 2} contacts`);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.locator('[role=status]', { hasText: `${FILLERS + 2} shown.` }).waitFor();
    expect(await countLine().textContent()).toBe(`${FILLERS + 2} contacts`);
  });

  it('counts a contact added from the tab and one erased, and fits a 360 px phone', async () => {
    await page.getByRole('button', { name: 'Add contact' }).click();
    const form = page.getByRole('form', { name: 'Add contact' });
    await form.getByLabel('Phone', { exact: true }).fill('+14155550199');
    await form.getByRole('button', { name: 'Add contact' }).click();
    await countSays(`${FILLERS + 3} contacts`);
    await page.setViewportSize({ width: 360, height: 780 });
    await countLine().scrollIntoViewIfNeeded();
    expect(await page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(360);
    const box = await countLine().boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join((mkdirSync(SHOTS, { recursive: true }), SHOTS), 'contacts-count-360.png'), fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
    // The new contact is open: erase it, and the total follows.
    await detail().getByRole('button', { name: 'Erase contact…' }).click();
    await detail().getByRole('button', { name: 'Yes, erase' }).click();
    await countSays(`${FILLERS + 2} contacts`);
  });

  it('finds a contact by name and by phone prefix', async () => {
    await search('Ana', '', undefined, ANA.name);
    expect(await rows().count()).toBe(1);
    const cells = await rows().first().locator('td').allTextContents();
    // Phone, name, country, zone, the topics with consent now, stage, last engaged, tags, created.
    expect(cells.slice(1, 6)).toEqual([ANA.phone, ANA.name, 'US', 'America/Los_Angeles', 'offers']);
    expect(cells[8]).toBe('vipsf');

    await search('+4420', '', undefined, BEN.name);
    expect(await rows().count()).toBe(1);
  });

  it('shows the detail: fields, attributes, consent per topic and the exact evidence as text', async () => {
    await search('Ana', '', undefined, ANA.name);
    await openContact(ANA.phone, ANA.name);
    const panel = detail();
    expect(await panel.locator('.badge.suppressed').count()).toBe(0);
    expect(await panel.getByRole('list', { name: 'Tags' }).textContent()).toBe('vipsf');
    expect(await panel.locator('dl[aria-label=Attributes]').textContent()).toBe('citySan Franciscotiergold');

    const offers = panel.locator('[data-testid=consent-state-row]', { hasText: 'offers' });
    expect(await offers.locator('.badge').textContent()).toBe('granted');
    expect(await offers.textContent()).toContain('api');
    expect(await panel.locator('[data-testid=consent-state-row]', { hasText: 'orders' }).locator('.badge').textContent()).toBe('none');

    const events = panel.locator('[data-testid=consent-event]');
    expect(await events.count()).toBe(1);
    const grant = events.first();
    expect(await grant.locator('.badge').textContent()).toBe('grant');
    expect(await grant.textContent()).toContain('offers');
    expect(await grant.textContent()).toContain('api_key');
    expect(await grant.locator('dd[data-field=text]').textContent()).toBe(CONSENT_TEXT);
    expect(await grant.locator('dd[data-field=ip]').textContent()).toBe(EVIDENCE.ip);
    expect(await grant.locator('dd[data-field=user_agent]').textContent()).toBe(EVIDENCE.user_agent);
    expect(await grant.locator('dd[data-field=text_hash]').textContent()).toMatch(/^[0-9a-f]{64}$/);
    // The markup in the evidence stayed text.
    expect(await panel.locator('b, script').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('the consent filter shows only the contacts with that status for the topic', async () => {
    await search('', 'offers', 'withdrawn', BEN.name);
    expect(await rows().allTextContents()).toEqual([expect.stringContaining(BEN.phone)]);
    await search('', 'offers', 'granted', ANA.name);
    expect(await rows().allTextContents()).toEqual([expect.stringContaining(ANA.phone)]);
  });

  it('lists the topics, each with an Edit button for the owner', async () => {
    await page.getByRole('button', { name: 'Topics' }).click();
    const offers = page.locator('[data-testid=topic-row]', { hasText: 'offers' });
    await offers.waitFor();
    expect(await page.locator('[data-testid=topic-row]').count()).toBe(2);
    expect(await offers.locator('td').allTextContents()).toEqual(['offers', 'Offers', 'marketing', 'at most 2 a week', 'Edit']);
    expect(await page.locator('[data-testid=topic-row]', { hasText: 'orders' }).locator('td').allTextContents()).toEqual(['orders', 'Order updates', 'utility', '—', 'Edit']);
  });

  it('dismisses one review item and resolves the other as an opt-out after a confirmation', async () => {
    await page.getByRole('button', { name: 'Opt-out review' }).click();
    const items = page.locator('[data-testid=review-row]');
    const benItem = items.filter({ hasText: 'stop the emails' });
    await benItem.getByText(BEN.phone).waitFor();
    expect(await items.count()).toBe(2);

    await benItem.getByRole('button', { name: 'Dismiss' }).click();
    await page.locator('[role=status]', { hasText: 'Dismissed' }).waitFor();
    await benItem.waitFor({ state: 'detached' });

    const anaItem = items.filter({ hasText: 'please stop texting me' });
    await anaItem.getByText(ANA.phone).waitFor();
    await anaItem.getByRole('button', { name: 'Opt out' }).click();
    await anaItem.getByRole('button', { name: 'Yes, opt out' }).click();
    await page.locator('[role=status]', { hasText: 'Opted out' }).waitFor();
    await page.getByText('Nothing to review.').waitFor();
  });

  it('then shows the contact as suppressed, with the withdrawal in the proof of consent', async () => {
    await page.getByRole('button', { name: 'Contacts' }).click();
    await search('Ana', '', undefined, ANA.name);
    await openContact(ANA.phone, ANA.name);
    const panel = detail();
    await panel.locator('.badge.suppressed').waitFor();
    expect(await panel.locator('[data-testid=consent-state-row]', { hasText: 'offers' }).locator('.badge').textContent()).toBe('withdrawn');
    const events = panel.locator('[data-testid=consent-event]');
    expect(await events.count()).toBe(2);
    const withdrawal = events.nth(1);
    expect(await withdrawal.locator('.badge').textContent()).toBe('withdraw');
    expect(await withdrawal.textContent()).toContain('all topics');
    expect(await withdrawal.locator('dd[data-field=text]').textContent()).toBe('please stop texting me');

    await page.getByRole('button', { name: 'Close the contact' }).click();
    await detail().waitFor({ state: 'detached' });
    await search('Ben', '', undefined, BEN.name);
    await openContact(BEN.phone, BEN.name);
    expect(await detail().locator('.badge.suppressed').count()).toBe(0);
  });

  it('raised no dialog, page error or CSP violation, and logged no phone number', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    const phones = [ANA.phone, BEN.phone, ...Array.from({ length: FILLERS }, (_, i) => fillerPhone(i))];
    const digits = (s: string) => s.replace(/\D/g, '');
    expect(consoleLines.filter((line) => phones.some((p) => digits(line).includes(digits(p))))).toEqual([]);
  });
});
