// Changing contacts in the admin UI, in a real browser against the real app on loopback (issue 19):
// add a contact (a bad phone shows the API's message under the field), edit it, tag two contacts
// at once, add them to a static list and take one out, read a contact's timeline (consent grant with its proof, a customer event), download
// the access-request JSON and erase after a confirmation; each outcome checked through the API.
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, serveApp } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');
const EMAIL = 'owner@shop.example';
const PASSWORD = 'a long enough passphrase';
const BULK_A = { phone: '+14155550101', name: 'Bulk Alpha' };
const BULK_B = { phone: '+14155550102', name: 'Bulk Beta' };
const CARA = { phone: '+442071838751', name: 'Cara Consent' };
const CONSENT_TEXT = 'Yes, send me offers from Shop on WhatsApp.';
// Written the way a German shop owner would: no +49, the workspace's default country fills it in.
const DORA_LOCAL = '0151 23456789';
const DORA_E164 = '+4915123456789';

let t: TestApp;
let key: string;
let base: string;
let browser: Browser;
let page: Page;
let caraId: string;
let listId: string;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[], consoleLines: [] as string[] };

type ApiContact = { id: string; phone: string; name: string | null; language: string | null; country: string | null; tags: string[]; attributes: Record<string, unknown>; timezone: string | null };
const api = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
  const res = await t.call(key, { method, url, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.json() as unknown };
};
const byPhone = async (phone: string) => ((await api('GET', `/api/v1/contacts?phone=${encodeURIComponent(phone)}`)).body as { data: ApiContact[] }).data[0];
const detail = () => page.getByTestId('contact-detail');
const addForm = () => page.getByRole('form', { name: 'Add contact' });
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `contacts-edit-${name}.png`), fullPage: true });

beforeAll(async () => {
  await ensureWebBuilt();
  mkdirSync(SHOTS, { recursive: true });
  t = await createTestApp();
  const shop = await t.tenant('shop');
  key = shop.key;
  const post = async (url: string, payload: object, status = 201) => {
    const res = await api('POST', url, payload);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body as { id: string };
  };
  await post('/api/v1/users', { email: EMAIL, role: 'owner', password: PASSWORD });
  expect((await api('PATCH', '/api/v1/workspace', { settings: { default_country: 'DE' } })).status).toBe(200);
  await post('/api/v1/attributes', { key: 'city', type: 'string' });
  await post('/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' });
  await post('/api/v1/contacts', BULK_A);
  await post('/api/v1/contacts', BULK_B);
  caraId = (await post('/api/v1/contacts', CARA)).id;
  listId = (await post('/api/v1/segments', { name: 'Market stall regulars', kind: 'static' })).id;
  await post(`/api/v1/contacts/${caraId}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: { text: CONSENT_TEXT, ip: '203.0.113.7' } });
  await post('/api/v1/events', { contact_id: caraId, type: 'purchase', amount: 42.5, currency: 'EUR', products: ['Sourdough'] }, 200);
  base = await serveApp(t);
  ({ browser, page } = await openUiPage(seen));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('adding and changing contacts in the admin UI', () => {
  it('adds a contact: a bad phone shows the reason under the field, a local number takes the default country, and no consent is recorded', async () => {
    await loginUi(page, base, { workspace: 'shop', email: EMAIL, password: PASSWORD });
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: 'Add contact' }).click();
    const form = addForm();
    expect(await form.textContent()).toContain('Adding a contact does not give consent');
    expect(await form.getByText('(DE)').count()).toBe(1);

    await form.getByLabel('Phone').fill('+99 12');
    await form.getByLabel('Name', { exact: true }).fill('Dora New');
    await form.getByRole('button', { name: 'Add contact' }).click();
    const phoneError = form.locator('.field-error[data-field=phone]');
    await phoneError.waitFor();
    expect(await phoneError.textContent()).toMatch(/phone/i);
    expect(await phoneError.textContent()).not.toContain('{');
    expect(await form.getByLabel('Phone').getAttribute('aria-invalid')).toBe('true');
    await shot('bad-phone');
    expect(((await api('GET', '/api/v1/contacts?q=Dora')).body as { data: unknown[] }).data).toEqual([]);

    await form.getByLabel('Phone').fill(DORA_LOCAL);
    await form.getByLabel('Language').fill('de');
    await form.getByLabel('Tags').fill('vip, walk-in');
    await form.getByRole('button', { name: 'Add attribute' }).click();
    await form.getByLabel('Value of city').fill('Berlin');
    await form.getByRole('button', { name: 'Add contact' }).click();
    await page.getByRole('status').filter({ hasText: 'Added Dora New. No consent was recorded.' }).waitFor();
    await detail().getByRole('heading', { name: 'Dora New' }).waitFor();

    const dora = await byPhone(DORA_E164);
    expect(dora).toMatchObject({ name: 'Dora New', language: 'de', country: 'DE', tags: ['vip', 'walk-in'], attributes: { city: 'Berlin' } });
    const consent = (await api('GET', `/api/v1/contacts/${dora!.id}/consent`)).body as { events: unknown[]; state: { status: string }[] };
    expect(consent.events).toEqual([]);
    expect(consent.state.every((s) => s.status === 'none')).toBe(true);
  });

  it('edits the contact from its panel: a bad time zone is named, then name, tags and attributes change', async () => {
    await detail().getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit contact' });
    expect(await form.getByLabel('Phone').inputValue()).toBe(DORA_E164);
    await form.getByLabel('Time zone').fill('Mars/Base');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.locator('.field-error[data-field=timezone]').waitFor();
    expect(await form.locator('.field-error[data-field=timezone]').textContent()).toContain('time zone');
    await shot('bad-timezone');

    await form.getByLabel('Time zone').fill('Europe/Berlin');
    await form.getByLabel('Name', { exact: true }).fill('Dora Edited');
    await form.getByLabel('Tags').fill('vip');
    await form.getByRole('button', { name: 'Remove attribute city' }).click();
    await form.getByRole('button', { name: 'Save changes' }).click();
    await detail().getByRole('heading', { name: 'Dora Edited' }).waitFor();
    await detail().getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await detail().getByText('No custom attributes.').count()).toBe(1);

    const dora = await byPhone(DORA_E164);
    expect(dora).toMatchObject({ name: 'Dora Edited', tags: ['vip'], attributes: {}, timezone: 'Europe/Berlin' });
    await page.getByRole('button', { name: 'Close the contact' }).click();
  });

  it('tags two selected contacts at once, then removes the tag from one', async () => {
    await page.getByRole('row').filter({ hasText: BULK_A.name }).waitFor();
    await page.getByLabel(`Select ${BULK_A.name}`).check();
    await page.getByLabel(`Select ${BULK_B.name}`).check();
    const bar = page.getByRole('form', { name: 'Tag the selected contacts' });
    expect(await bar.textContent()).toContain('2 selected');
    await bar.getByLabel('Tag').fill('spring-sale');
    await bar.getByRole('button', { name: 'Add tag' }).click();
    await bar.getByRole('status').filter({ hasText: 'Added “spring-sale” to 2 of 2 selected contacts.' }).waitFor();
    await page.getByRole('row').filter({ hasText: BULK_B.name }).getByText('spring-sale').waitFor();
    await shot('bulk-tag');
    expect((await byPhone(BULK_A.phone))!.tags).toEqual(['spring-sale']);
    expect((await byPhone(BULK_B.phone))!.tags).toEqual(['spring-sale']);
    expect((await byPhone(DORA_E164))!.tags).toEqual(['vip']);

    await page.getByLabel(`Select ${BULK_B.name}`).uncheck();
    await bar.getByRole('button', { name: 'Remove tag' }).click();
    await bar.getByRole('status').filter({ hasText: 'Removed “spring-sale” from 1 of 1 selected contact.' }).waitFor();
    expect((await byPhone(BULK_A.phone))!.tags).toEqual([]);
    expect((await byPhone(BULK_B.phone))!.tags).toEqual(['spring-sale']);
    await bar.getByRole('button', { name: 'Clear selection' }).click();
    await bar.waitFor({ state: 'detached' });
  });

  it('adds two selected contacts to a static list, then removes one from it', async () => {
    const members = async () => ((await api('GET', `/api/v1/segments/${listId}/contacts`)).body as { data: ApiContact[] }).data.map((c) => c.phone).sort();
    await page.getByLabel(`Select ${BULK_A.name}`).check();
    await page.getByLabel(`Select ${BULK_B.name}`).check();
    const bar = page.getByRole('form', { name: 'Add the selected contacts to a list' });
    expect(await bar.getByLabel('List').locator('option:checked').textContent()).toBe('Market stall regulars');
    await bar.getByRole('button', { name: 'Add to list' }).click();
    await bar.getByRole('status').filter({ hasText: 'Added 2 contacts to “Market stall regulars” (2 in the list now).' }).waitFor();
    await shot('bulk-list');
    expect(await members()).toEqual([BULK_A.phone, BULK_B.phone]);
    await page.getByLabel(`Select ${BULK_B.name}`).uncheck();
    await bar.getByRole('button', { name: 'Remove from list' }).click();
    await bar.getByRole('status').filter({ hasText: 'Removed 1 contact from “Market stall regulars” (1 left).' }).waitFor();
    expect(await members()).toEqual([BULK_B.phone]);
    await page.getByRole('form', { name: 'Tag the selected contacts' }).getByRole('button', { name: 'Clear selection' }).click();
    await bar.waitFor({ state: 'detached' });
  });

  it("shows a contact's timeline: the consent grant with its proof, the purchase and the lifecycle changes", async () => {
    await page.getByRole('button', { name: CARA.phone, exact: true }).click();
    const items = detail().getByTestId('timeline-item');
    await items.first().waitFor();
    const consent = items.and(page.locator('[data-kind=consent]'));
    expect(await consent.count()).toBe(1);
    expect(await consent.textContent()).toContain('Consent given to “offers”');
    await consent.getByText('Proof').click();
    expect(await consent.locator('dd[data-field=text]').textContent()).toBe(CONSENT_TEXT);
    const purchase = items.and(page.locator('[data-kind=event]'));
    expect(await purchase.textContent()).toContain('Customer event: purchase');
    expect(await purchase.textContent()).toContain('Sourdough');
    const lifecycle = (await api('GET', `/api/v1/contacts/${caraId}/lifecycle`)).body as { transitions: { to: string }[] };
    expect(await items.and(page.locator('[data-kind=lifecycle]')).count()).toBe(lifecycle.transitions.length);
    for (const tr of lifecycle.transitions) expect(await items.filter({ hasText: `→ ${tr.to}` }).count()).toBeGreaterThan(0);
    await detail().getByRole('heading', { name: 'Timeline' }).scrollIntoViewIfNeeded();
    await shot('timeline');
  });

  it('downloads the access-request JSON, then erases after a confirmation that says the number stays suppressed', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), detail().getByRole('button', { name: 'Export data (JSON)' }).click()]);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as unknown;
    expect(JSON.stringify(exported)).toContain(CARA.phone);
    expect(JSON.stringify(exported)).toContain(CONSENT_TEXT);

    await detail().getByRole('button', { name: 'Erase contact…' }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toContain(`Erase ${CARA.name}?`);
    expect(await dialog.textContent()).toContain('stays suppressed');
    await shot('erase-confirm');
    await dialog.getByRole('button', { name: 'Keep the contact' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await api('GET', `/api/v1/contacts/${caraId}`)).status).toBe(200);

    await detail().getByRole('button', { name: 'Erase contact…' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, erase' }).click();
    await page.getByRole('status').filter({ hasText: 'The contact was erased.' }).waitFor();
    await detail().waitFor({ state: 'detached' });
    expect((await api('GET', `/api/v1/contacts/${caraId}`)).status).toBe(404);
    expect(await page.getByRole('button', { name: CARA.phone, exact: true }).count()).toBe(0);
    // The number stays suppressed: adding it again and granting consent is refused.
    const again = (await api('POST', '/api/v1/contacts', { phone: CARA.phone })).body as { id: string };
    const grant = await api('POST', `/api/v1/contacts/${again.id}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: { text: CONSENT_TEXT, ip: '203.0.113.7' } });
    expect(grant.status, JSON.stringify(grant.body)).toBe(409);
    expect((grant.body as { error: { code: string } }).error.code).toBe('CONSENT_SUPPRESSED');
  });

  it('fits a 360 px phone: the add form, the list and a contact with its timeline', async () => {
    await page.setViewportSize({ width: 360, height: 780 });
    await page.reload();
    await page.getByLabel('Section', { exact: true }).selectOption({ label: 'Contacts' });
    await page.getByRole('button', { name: 'Add contact' }).click();
    await addForm().getByRole('button', { name: 'Add attribute' }).click();
    const width = () => page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth);
    expect(await width()).toBeLessThanOrEqual(360);
    await shot('phone-add');
    await addForm().getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: BULK_B.phone, exact: true }).click();
    await detail().getByRole('heading', { name: 'Timeline' }).waitFor();
    await shot('phone-detail');
    expect(await width()).toBeLessThanOrEqual(360);
  });

  it('raised no dialog, page error or CSP violation', () => {
    expect(seen.dialogs).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  });
});
