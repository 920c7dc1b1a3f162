// "Resend to failed" in the admin UI, in a real browser against the real app and the Cloud API
// simulator: a completed broadcast with one transient failure (131016) and one recipient held back
// by WhatsApp's per-user marketing limit (131049) offers "Resend to failed (2)", asks first, then
// says what it did; the recipients table shows the 131049 reason with its earliest resend time.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'resender@shop.example';
const PASSWORD = 'a long enough passphrase';
const SHOTS = process.env.UI_SCREENSHOTS;

let h: BroadcastHarness;
let base: string;
let slug: string;
let browser: Browser;
let page: Page;
let id: string;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];
const consoleLines: string[] = [];
let people: { id: string; phone: string }[];

const view = () => page.getByTestId('broadcast-view');
const rowOf = (phone: string) => view().getByTestId('recipient-row').filter({ hasText: phone });

async function shot(name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  await ensureWebBuilt();
  h = await createBroadcastHarness({ seed: 'broadcast-resend-ui', tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null, max_attempts: 1 } } });
  slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  expect((await h.api('POST', '/api/v1/users', { email: EMAIL, role: 'marketer', password: PASSWORD })).status).toBe(201);
  people = await h.seedContacts(3);
  h.sim.configure({
    faults: [
      { code: 131016, to: people[1]!.phone.slice(1), remaining: 1 },
      { code: 131049, mode: 'async', to: people[2]!.phone.slice(1), remaining: 1 },
    ],
  });
  const created = await h.api('POST', '/api/v1/broadcasts', {
    name: 'Friday offers',
    audience: { rules: { field: 'country', op: 'eq', value: 'NG' }, topic: 'offers' },
    template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'free delivery' } } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  id = created.body.id;
  expect((await h.api('POST', `/api/v1/broadcasts/${id}/start`)).status).toBe(200);
  h.dispatcher();
  await h.waitFor(async () => {
    const b = (await h.api('GET', `/api/v1/broadcasts/${id}`)).body;
    return b.status === 'completed' && b.counts.failed === 2;
  }, 30_000, 'the broadcast to complete with two failures');
  base = h.appUrl.replace('localhost', '127.0.0.1');
  ({ browser, page } = await openUiPage({ dialogs, pageErrors, consoleLines, cspViolations }, { viewport: { width: 360, height: 800 } }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('resend to failed in the admin UI', () => {
  it('shows the 131049 reason, resends after a confirmation and says what it did', async () => {
    await loginUi(page, base, { workspace: slug, email: EMAIL, password: PASSWORD });
    // A phone-sized page: the tab bar is the "Section" menu.
    await page.getByLabel('Section', { exact: true }).selectOption({ label: 'Broadcasts' });
    await page.getByTestId('broadcast-row').getByRole('button', { name: 'Friday offers' }).click();
    await view().getByTestId('broadcast-status').filter({ hasText: 'Completed' }).waitFor({ timeout: UI_TIMEOUT });

    const limited = rowOf(people[2]!.phone);
    await limited.waitFor({ timeout: UI_TIMEOUT });
    expect(await limited.textContent()).toMatch(/held back by WhatsApp's per-user marketing limit \(131049\); can be resent after \d{4}-\d\d-\d\d \d\d:\d\d UTC/);

    const button = view().getByRole('button', { name: 'Resend to failed (2)' });
    await button.click();
    const confirm = view().getByRole('group', { name: 'Confirm resending' });
    await confirm.waitFor();
    await shot('resend-confirm');
    // Nothing happens before the confirmation.
    expect(h.sim.sent(people[1]!.phone).filter((m) => m.template?.name === 'weekly_offers')).toHaveLength(0);
    await confirm.getByRole('button', { name: 'Yes, resend' }).click();
    const result = view().getByTestId('resend-result');
    await result.waitFor({ timeout: UI_TIMEOUT });
    expect(await result.textContent()).toMatch(/^1 queued again\. Not resent: 1 held back by WhatsApp's per-user marketing limit \(resend after .+\)\.$/);
    await expect.poll(() => h.sim.sent(people[1]!.phone).filter((m) => m.template?.name === 'weekly_offers').length, { timeout: 20_000 }).toBe(1);
    await view().getByTestId('broadcast-status').filter({ hasText: 'Completed' }).waitFor({ timeout: 20_000 });
    await shot('resend-done');
    // No horizontal page overflow at 360 px.
    // Tables scroll inside their own container; nothing else is wider than the page.
    type El = { getBoundingClientRect(): { right: number }; closest(sel: string): unknown; tagName: string; getAttribute(n: string): string | null };
    const wide = await page.locator('body *').evaluateAll((els) => (els as unknown as El[]).filter((e) => e.getBoundingClientRect().right > 361 && !e.closest('.table-scroll')).map((e) => `${e.tagName} ${e.getAttribute('aria-label') ?? ''}`));
    expect(wide).toEqual([]);
    expect(await page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(360);
  });

  it('raised no dialog, page error or CSP violation', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
