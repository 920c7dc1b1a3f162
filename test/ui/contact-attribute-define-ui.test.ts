// Defining an attribute from the contact form (issue 19), in a real browser: while editing a
// contact, a key that is not in the catalogue yet is defined with its type; a bad key and a taken
// key show the API's message next to the Key field; the new attribute gets a row with an input of
// its type, and saving stores a typed value. Each outcome is checked through the API.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, serveApp } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');
const EMAIL = 'owner@attrs.example';
const PASSWORD = 'a long enough passphrase';
const ELLA = { phone: '+14155550177', name: 'Ella Attribute' };

let t: TestApp;
let key: string;
let ellaId: string;
let browser: Browser;
let page: Page;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[] };
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `contact-attribute-define-${name}.png`), fullPage: true });
const api = async (url: string) => (await t.call(key, { method: 'GET', url })).json() as unknown;

beforeAll(async () => {
  await ensureWebBuilt();
  mkdirSync(SHOTS, { recursive: true });
  t = await createTestApp();
  ({ key } = await t.tenant('attrs'));
  const post = async (url: string, payload: object) => {
    const res = await t.call(key, { method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };
  await post('/api/v1/users', { email: EMAIL, role: 'owner', password: PASSWORD });
  await post('/api/v1/attributes', { key: 'city', type: 'string' });
  ellaId = (await post('/api/v1/contacts', ELLA)).id;
  const base = await serveApp(t);
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, base, { workspace: 'attrs', email: EMAIL, password: PASSWORD });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('defining an attribute from the contact form', () => {
  it('names a bad or taken key next to the field, then defines a date attribute and saves a value of it', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: ELLA.phone, exact: true }).click();
    await page.getByTestId('contact-detail').getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit contact' });
    await form.getByRole('button', { name: 'Define a new attribute' }).click();
    const fields = form.getByRole('group', { name: 'New attribute' });
    const keyError = fields.locator('[data-field=key]');

    await fields.getByLabel('Key').fill('Birth Day');
    await fields.getByLabel('Type').selectOption({ label: 'Date' });
    await fields.getByRole('button', { name: 'Define attribute' }).click();
    await keyError.waitFor();
    expect(await keyError.textContent()).toContain('lowercase letters');
    expect(await fields.getByLabel('Key').getAttribute('aria-invalid')).toBe('true');
    await shot('bad-key');

    await fields.getByLabel('Key').fill('city');
    await fields.getByRole('button', { name: 'Define attribute' }).click();
    await keyError.getByText('already defined').waitFor();

    await fields.getByLabel('Key').fill('birthday');
    await fields.getByRole('button', { name: 'Define attribute' }).click();
    await fields.waitFor({ state: 'detached' });
    const row = form.getByTestId('attribute-row').filter({ has: page.locator('option:checked', { hasText: 'birthday' }) });
    const value = row.getByLabel('Value of birthday');
    expect(await value.getAttribute('type')).toBe('date');
    await value.fill('1990-05-17');
    await shot('defined');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();

    const defs = (await api('/api/v1/attributes')) as { data: { key: string; type: string }[] };
    expect(defs.data.map((d) => [d.key, d.type])).toEqual([
      ['birthday', 'date'],
      ['city', 'string'],
    ]);
    const ella = (await api(`/api/v1/contacts/${ellaId}`)) as { attributes: Record<string, unknown> };
    expect(ella.attributes).toEqual({ birthday: '1990-05-17' });
    await shot('saved');
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  }, 90_000);

  it('defines a yes/no attribute at 360 px and stores a boolean', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.getByTestId('contact-detail').getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit contact' });
    await form.getByRole('button', { name: 'Define a new attribute' }).click();
    const fields = form.getByRole('group', { name: 'New attribute' });
    await fields.getByLabel('Key').fill('vip_member');
    await fields.getByLabel('Type').selectOption({ label: 'Yes / no' });
    const box = await fields.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    await shot('phone');
    // Enter in the Key field defines the attribute; it does not submit the contact form around it.
    await fields.getByLabel('Key').press('Enter');
    await fields.waitFor({ state: 'detached' });
    await form.getByLabel('Value of vip_member').selectOption({ label: 'yes' });
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    const ella = (await api(`/api/v1/contacts/${ellaId}`)) as { attributes: Record<string, unknown> };
    expect(ella.attributes).toEqual({ birthday: '1990-05-17', vip_member: true });
  }, 60_000);

  it('defines a choice of values: none given is named next to Values; then the form offers exactly them', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByTestId('contact-detail').getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit contact' });
    await form.getByRole('button', { name: 'Define a new attribute' }).click();
    const fields = form.getByRole('group', { name: 'New attribute' });
    await fields.getByLabel('Key').fill('tier');
    await fields.getByLabel('Type').selectOption({ label: 'Choice of values' });
    await fields.getByLabel('Values').fill(' , ');
    await fields.getByRole('button', { name: 'Define attribute' }).click();
    const valuesError = fields.locator('[data-field=enum_values]');
    await valuesError.waitFor();
    expect(await fields.getByLabel('Values').getAttribute('aria-invalid')).toBe('true');
    await fields.getByLabel('Values').fill('Gold, Silver,  Bronze, Gold');
    await fields.getByLabel('Values').press('Enter');
    await fields.waitFor({ state: 'detached' });
    const value = form.getByLabel('Value of tier');
    expect(await value.locator('option').allTextContents()).toEqual(expect.arrayContaining(['Gold', 'Silver', 'Bronze']));
    await value.selectOption({ label: 'Silver' });
    await shot('enum');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    const defs = (await api('/api/v1/attributes')) as { data: { key: string; type: string; enum_values: string[] | null }[] };
    expect(defs.data.find((d) => d.key === 'tier')).toMatchObject({ type: 'enum', enum_values: ['Gold', 'Silver', 'Bronze'] });
    const ella = (await api(`/api/v1/contacts/${ellaId}`)) as { attributes: Record<string, unknown> };
    expect(ella.attributes).toEqual({ birthday: '1990-05-17', vip_member: true, tier: 'Silver' });
    expect(seen.pageErrors).toEqual([]);
  }, 60_000);
});
