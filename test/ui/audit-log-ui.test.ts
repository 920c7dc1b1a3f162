// The Audit log tab in Chromium: entries read as sentences ("Ana withdrew Offers by STOP at 14:02",
// "Bench Owner imported 2,000 rows", "API key 'shop' added the contact Ana"), the raw record sits
// behind a disclosure, and the filters by who, what, contact and days narrow the list; 360 px fits.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, serveApp, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const PASSWORD = 'a long enough passphrase';
const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');
const EVIDENCE = { text: 'Yes to Bench offers on WhatsApp. Reply STOP to end.', ip: '198.51.100.7', user_agent: 'test' };
let t: TestApp;
let browser: Browser;
let page: Page;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[] };

const entries = () => page.getByTestId('audit-entry');
const sentences = async () => (await entries().locator('.audit-sentence').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
const actions = () => entries().evaluateAll((els) => els.map((el) => el.getAttribute('data-action') ?? ''));
const filters = () => page.getByRole('form', { name: 'Filter the audit log' });
const localDay = (offsetDays = 0) => {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

async function apply(f: { who?: string; what?: string; contact?: string; from?: string; to?: string }): Promise<void> {
  const form = filters();
  await form.getByRole('button', { name: 'Clear' }).click();
  if (f.who) await form.getByLabel('Who').selectOption({ label: f.who });
  if (f.what) await form.getByLabel('What').selectOption({ label: f.what });
  if (f.contact) await form.getByLabel('Contact (name or phone)').fill(f.contact);
  if (f.from) await form.getByLabel('From').fill(f.from);
  if (f.to) await form.getByLabel('To').fill(f.to);
  await form.getByRole('button', { name: 'Apply filters' }).click();
}

beforeAll(async () => {
  await ensureWebBuilt();
  t = await createTestApp();
  const owner = await t.tenant('audit-ui');
  const call = async (key: string, method: 'POST' | 'GET', url: string, payload?: object) => {
    const res = await t.call(key, { method, url, ...(payload ? { payload } : {}) });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  };
  await call(owner.key, 'POST', '/api/v1/users', { email: 'owner@audit-ui.example', name: 'Bench Owner', role: 'owner', password: PASSWORD });
  await call(owner.key, 'POST', '/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' });
  const shop = (await call(owner.key, 'POST', '/api/v1/api-keys', { name: 'shop', role: 'admin' })).key as string;
  const ana = (await call(shop, 'POST', '/api/v1/contacts', { phone: '+14155550101', name: 'Ana' })).id as string;
  await call(shop, 'POST', `/api/v1/contacts/${ana}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: EVIDENCE });
  await call(shop, 'POST', `/api/v1/contacts/${ana}/consent`, { topic: 'offers', action: 'withdraw', source: 'stop_keyword' });
  await call(owner.key, 'POST', '/api/v1/contacts', { phone: '+14155550102', name: 'Bo' });

  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, await serveApp(t), { workspace: 'audit-ui', email: 'owner@audit-ui.example', password: PASSWORD });
  await page.getByTestId('workspace-name').filter({ hasText: 'audit-ui' }).waitFor();
  // Bench Owner imports 2,000 rows through the public API with their session (as the import wizard will).
  const csv = `phone\n${Array.from({ length: 2000 }, (_, i) => `+1415555${String(2000 + i)}`).join('\n')}\n`;
  const status = await page.evaluate(async (body) => {
    const headers = { 'content-type': 'application/json', 'x-greenlist-csrf': '1' };
    const started = await fetch('/api/v1/imports', { method: 'POST', headers, body: JSON.stringify({ csv: body, mapping: { phone: 'phone' }, filename: 'bench.csv' }) });
    const { id } = (await started.json()) as { id: string };
    for (let i = 0; i < 200; i++) {
      const job = (await (await fetch(`/api/v1/imports/${id}`)).json()) as { status: string };
      if (job.status !== 'running' && job.status !== 'queued' && job.status !== 'pending') return job.status;
      await new Promise((r) => setTimeout(r, 250));
    }
    return 'timeout';
  }, csv);
  expect(status).toBe('completed');
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Audit log', exact: true }).click();
  await entries().first().waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the Audit log tab', () => {
  it('reads as sentences, newest first, each with its time', async () => {
    const text = await sentences();
    const at = / at \d{2}:\d{2}/.source;
    expect(text[0]).toMatch(new RegExp(`^Bench Owner imported 2,000 rows \\(2,000 new\\)${at}`));
    expect(text).toContainEqual(expect.stringMatching(new RegExp(`^Ana withdrew Offers by STOP${at}`)));
    expect(text).toContainEqual(expect.stringMatching(new RegExp(`^API key 'shop' recorded consent from Ana to Offers through the API${at}`)));
    expect(text).toContainEqual(expect.stringMatching(new RegExp(`^API key 'shop' added the contact Ana${at}`)));
    expect(text).toContainEqual(expect.stringMatching(new RegExp(`^Bench Owner logged in${at}`)));
    expect(text).toContainEqual(expect.stringMatching(new RegExp(`^Greenlist created the workspace 'audit-ui'${at}`)));
    expect(text.join('\n')).not.toMatch(/[{}]/);
  });

  it('keeps the raw record behind a disclosure', async () => {
    const stop = entries().filter({ hasText: 'withdrew Offers by STOP' });
    const raw = stop.locator('details.audit-raw pre');
    expect(await raw.isVisible()).toBe(false);
    await stop.locator('summary', { hasText: 'Details' }).click();
    await expect.poll(() => raw.isVisible(), { timeout: UI_TIMEOUT }).toBe(true);
    expect(await raw.textContent()).toContain('"source": "stop_keyword"');
    await page.screenshot({ path: join((mkdirSync(SHOTS, { recursive: true }), SHOTS), 'audit-1280.png'), fullPage: true });
  });

  it('filters by who, what, contact and days', async () => {
    await apply({ who: "API key 'shop'" });
    await expect.poll(async () => (await actions()).sort(), { timeout: UI_TIMEOUT }).toEqual(['consent.granted', 'consent.withdrawn', 'contact.created']);

    await apply({ what: 'Consent' });
    await expect.poll(actions, { timeout: UI_TIMEOUT }).toEqual(['consent.withdrawn', 'consent.granted']);

    await apply({ contact: 'Ana' });
    await expect.poll(actions, { timeout: UI_TIMEOUT }).toEqual(['consent.withdrawn', 'consent.granted', 'contact.created']);
    expect(await page.getByText('Entries about Ana.').count()).toBe(1);

    await apply({ who: 'Bench Owner', what: 'Imports' });
    await expect.poll(actions, { timeout: UI_TIMEOUT }).toEqual(['import.completed', 'import.created']);

    await apply({ from: localDay(1) });
    await expect.poll(() => page.getByText('Nothing recorded that matches.').count(), { timeout: UI_TIMEOUT }).toBe(1);
    expect(await entries().count()).toBe(0);
    await apply({ from: localDay(-1), to: localDay() });
    await expect.poll(async () => (await actions()).length, { timeout: UI_TIMEOUT }).toBeGreaterThanOrEqual(8);

    await apply({ contact: 'Nobody Here' });
    await expect.poll(() => page.getByText('No contact matches that name or phone.').count(), { timeout: UI_TIMEOUT }).toBe(1);
    expect(await entries().count()).toBe(0);
  });

  it('narrows to one contact from an entry, and fits a 360 px phone', async () => {
    await apply({});
    await entries().first().waitFor();
    await entries().filter({ hasText: 'added the contact Bo' }).getByRole('button', { name: 'Only Bo' }).click();
    await expect.poll(actions, { timeout: UI_TIMEOUT }).toEqual(['contact.created']);
    await apply({});
    await page.setViewportSize({ width: 360, height: 780 });
    await entries().first().waitFor();
    expect(await page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join(SHOTS, 'audit-360.png'), fullPage: false });
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  });
});
