// The contact timeline pages (issue 19), in a real browser: a contact with 45 customer events and a
// consent grant older than all of them shows the newest 20, "Show older" reads the next page from
// the API, and the last press reaches the consent grant and says that is everything; never a
// duplicate, always newest first.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, serveApp } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');
const EMAIL = 'owner@pages.example';
const PASSWORD = 'a long enough passphrase';
const PHONE = '+14155550199';
const EVENTS = 45;

let t: TestApp;
let browser: Browser;
let page: Page;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[] };
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `contact-timeline-paging-${name}.png`), fullPage: true });
const requested: string[] = [];

beforeAll(async () => {
  await ensureWebBuilt();
  mkdirSync(SHOTS, { recursive: true });
  t = await createTestApp();
  const { key } = await t.tenant('pages');
  const post = async (url: string, payload: object, status = 201) => {
    const res = await t.call(key, { method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBe(status);
    return res.json() as { id: string };
  };
  await post('/api/v1/users', { email: EMAIL, role: 'owner', password: PASSWORD });
  await post('/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' });
  const contactId = (await post('/api/v1/contacts', { phone: PHONE, name: 'Paula Pages' })).id;
  await post(`/api/v1/contacts/${contactId}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: { text: 'Yes please.', ip: '203.0.113.9' }, occurred_at: '2025-01-01T09:00:00Z' });
  // One event a day, the newest last: order-45 is the newest entry of the timeline.
  const events = [...Array(EVENTS).keys()].map((i) => ({ contact_id: contactId, type: `order-${i + 1}`, occurred_at: new Date(Date.UTC(2025, 5, 1 + i, 12)).toISOString() }));
  await post('/api/v1/events', { events }, 200);
  const base = await serveApp(t);
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
  page.on('request', (r) => {
    if (r.url().includes('/events?')) requested.push(new URL(r.url()).search);
  });
  await loginUi(page, base, { workspace: 'pages', email: EMAIL, password: PASSWORD });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const titles = () => page.getByTestId('contact-detail').getByTestId('timeline-item').locator('strong').allTextContents();
const eventTitles = async () => (await titles()).filter((x) => x.startsWith('Customer event'));
const expected = (n: number) => [...Array(n).keys()].map((i) => `Customer event: order-${EVENTS - i}`);

describe('the contact timeline pages', () => {
  it('shows the newest 20, then older pages on "Show older", down to the consent grant', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: PHONE, exact: true }).click();
    const timeline = page.getByTestId('contact-detail').locator('.contact-timeline');
    const older = timeline.getByRole('button', { name: 'Show older' });
    await older.waitFor();
    expect(await titles()).toHaveLength(20);
    expect(await eventTitles()).toEqual(expected((await eventTitles()).length));
    expect((await eventTitles()).length).toBeGreaterThanOrEqual(15);
    expect(requested.every((q) => q.includes('limit=20'))).toBe(true);
    await shot('first');

    await older.click();
    await page.getByTestId('contact-detail').getByTestId('timeline-item').nth(39).waitFor();
    expect(await eventTitles()).toEqual(expected((await eventTitles()).length));
    expect((await eventTitles()).length).toBeGreaterThanOrEqual(35);
    // The second page came from the API with the first page's cursor, not from a list read whole.
    expect(requested.some((q) => q.includes('cursor='))).toBe(true);

    await older.click();
    await timeline.getByText('That is everything').waitFor();
    const all = await titles();
    expect(await eventTitles()).toEqual(expected(EVENTS));
    // The grant is older than every event: it comes last.
    expect(all[all.length - 1]).toMatch(/^Consent given/);
    expect(new Set(all).size).toBe(all.length);
    expect(await older.count()).toBe(0);
    await timeline.scrollIntoViewIfNeeded();
    await shot('all');
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  }, 90_000);
});
