// The Auto-replies tab in a real browser (Debian's chromium driven by playwright-core) against the
// real app, the Cloud API simulator and worker-like loops (conversation sync, the auto-reply scan,
// the outbox): business hours with a refused interval shown by field, then saved (closed now, a
// holiday); auto-replies with a refused STOP keyword, then saved; a person writes in and gets the
// greeting and the away message; a number's own hours added and removed; and at phone width
// nothing is wider than the screen.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPoller, type Poller } from '../../src/adapters/worker/poller.js';
import { silentLogger } from '../../src/lib/logger.js';
import { scanAutoReplies } from '../../src/modules/autoreplies/index.js';
import { syncConversations } from '../../src/modules/conversations/index.js';
import { sendQueuedAutomated } from '../../src/modules/messaging/index.js';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'owner-ui@autoreply.example';
const PASSWORD = 'a long enough passphrase';
let h: BroadcastHarness;
let browser: Browser;
let page: Page;
const loops: Poller[] = [];
const dialogs: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];
const consoleLines: string[] = [];
/** Set UI_SCREENSHOTS=<dir> to keep screenshots of the tab (look at them when the layout changes). */
const SHOTS = process.env.UI_SCREENSHOTS;
async function shot(name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `auto-replies-${name}.png`), fullPage: true });
}
const section = () => page.locator('section.auto-replies');
const hoursForm = () => page.getByRole('form', { name: 'Business hours' });
const repliesForm = () => page.getByRole('form', { name: 'Auto-replies' });

beforeAll(async () => {
  await ensureWebBuilt();
  h = await createBroadcastHarness({ seed: 'autoreplies-ui', tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
  const log = silentLogger();
  loops.push(startPoller({ name: 'conversations', idleMs: 100, yieldRatio: 1, log, run: () => syncConversations({ db: h.t.db, log }) }));
  loops.push(startPoller({ name: 'auto-replies', idleMs: 100, yieldRatio: 1, log, run: () => scanAutoReplies({ db: h.t.db, now: new Date(), log }) }));
  loops.push(startPoller({ name: 'outbox', idleMs: 100, yieldRatio: 1, log, run: () => sendQueuedAutomated({ db: h.t.db, box: h.t.wiring.box, gateway: h.t.wiring.gateway, log, now: new Date() }) }));
  const slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  const made = await h.api('POST', '/api/v1/users', { email: EMAIL, role: 'admin', password: PASSWORD });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  ({ browser, page } = await openUiPage({ dialogs, pageErrors, consoleLines, cspViolations }, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, h.appUrl.replace('localhost', '127.0.0.1'), { workspace: slug, email: EMAIL, password: PASSWORD });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const l of loops) await l.stop();
  await h?.close();
});

describe('the Auto-replies tab', () => {
  it('sets business hours: a bad interval is refused at its field, then closed every day with a holiday', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Auto-replies', exact: true }).click();
    await page.getByRole('heading', { name: 'Business hours and auto-replies', level: 2 }).waitFor();
    await expect.poll(() => section().getByTestId('open-now').textContent(), { timeout: UI_TIMEOUT }).toBe('Always open (no hours set)');
    await hoursForm().getByLabel('Time zone').fill('Europe/London');
    await hoursForm().getByLabel('Monday').fill('17:00-09:00');
    await hoursForm().getByRole('button', { name: 'Save business hours' }).click();
    await expect.poll(() => hoursForm().getByRole('alert').textContent(), { timeout: UI_TIMEOUT }).toContain('weekly.mon.0.end: end must be after start');
    expect(await hoursForm().getByLabel('Monday').getAttribute('aria-invalid')).toBe('true');
    expect((await h.api('GET', '/api/v1/business-hours')).body.configured).toBe(false);
    await shot('hours-refused');

    await hoursForm().getByLabel('Monday').fill('');
    await hoursForm().getByLabel('Holidays (one a line: date, optional hours, name)').fill('2026-12-24 09:00-12:00 Christmas Eve\n2026-12-25 Christmas');
    await hoursForm().getByRole('button', { name: 'Save business hours' }).click();
    await section().getByRole('status').filter({ hasText: 'Business hours saved.' }).waitFor();
    await expect.poll(() => section().getByTestId('open-now').textContent(), { timeout: UI_TIMEOUT }).toBe('Closed now');
    expect((await h.api('GET', '/api/v1/business-hours')).body).toMatchObject({
      configured: true,
      timezone: 'Europe/London',
      weekly: { mon: [], sun: [] },
      holidays: [{ date: '2026-12-24', name: 'Christmas Eve', hours: [{ start: '09:00', end: '12:00' }] }, { date: '2026-12-25', name: 'Christmas' }],
    });
    // The form shows what was stored.
    expect(await hoursForm().getByLabel('Holidays (one a line: date, optional hours, name)').inputValue()).toBe('2026-12-24 09:00-12:00 Christmas Eve\n2026-12-25 Christmas');

    // The business number keeps its own hours.
    await hoursForm().getByLabel('Give a number its own hours').selectOption({ label: '+1 555 078 3881' });
    const own = hoursForm().getByRole('group', { name: 'Hours of +1 555 078 3881' });
    await own.getByLabel('Saturday').fill('10:00-14:00');
    await own.getByLabel('Own holidays').check();
    await own.getByLabel('Holidays of +1 555 078 3881').fill('2026-12-31');
    await hoursForm().getByRole('button', { name: 'Save business hours' }).click();
    await expect.poll(async () => (await h.api('GET', '/api/v1/business-hours')).body.overrides, { timeout: UI_TIMEOUT }).toEqual([
      { number_id: h.numberId, weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [{ start: '10:00', end: '14:00' }], sun: [] }, holidays: [{ date: '2026-12-31' }] },
    ]);
    await hoursForm().getByRole('group', { name: 'Hours of +1 555 078 3881' }).getByLabel('Saturday').waitFor();
    expect(await hoursForm().getByRole('group', { name: 'Hours of +1 555 078 3881' }).getByLabel('Saturday').inputValue()).toBe('10:00-14:00');
    // Back to the workspace's hours (closed every day), which the next test relies on whatever the day.
    await hoursForm().getByRole('button', { name: 'Use the workspace hours' }).click();
    await hoursForm().getByRole('button', { name: 'Save business hours' }).click();
    await expect.poll(async () => (await h.api('GET', '/api/v1/business-hours')).body.overrides, { timeout: UI_TIMEOUT }).toEqual([]);
  }, 30_000);

  it('sets auto-replies: a STOP keyword is refused, then greeting, away and a keyword reply are saved and answer a person', async () => {
    await repliesForm().getByLabel('Send auto-replies').check();
    await repliesForm().getByLabel('Greeting', { exact: true }).check();
    await repliesForm().getByLabel('Greeting text').fill('Welcome to Acme!');
    await repliesForm().getByLabel('Away message', { exact: true }).check();
    await repliesForm().getByLabel('Away message text').fill('We are closed; we answer tomorrow from 9.');
    await repliesForm().getByRole('button', { name: 'Add keyword reply' }).click();
    await repliesForm().getByLabel('Keywords 1').fill('STOP');
    await repliesForm().getByLabel('Answer 1').fill('Never sent');
    await repliesForm().getByRole('button', { name: 'Save auto-replies' }).click();
    await expect.poll(() => repliesForm().getByRole('alert').textContent(), { timeout: UI_TIMEOUT }).toContain('keywords.0.keywords.0: is reserved');
    expect((await h.api('GET', '/api/v1/auto-replies')).body.enabled).toBe(false);

    await repliesForm().getByLabel('Keywords 1').fill('price, prices');
    await repliesForm().getByLabel('Answer 1').fill('Shoes from 40 EUR.');
    await repliesForm().getByRole('button', { name: 'Save auto-replies' }).click();
    await section().getByRole('status').filter({ hasText: 'Auto-replies saved.' }).waitFor();
    expect((await h.api('GET', '/api/v1/auto-replies')).body).toMatchObject({
      enabled: true,
      greeting: { enabled: true, text: 'Welcome to Acme!' },
      away: { enabled: true, text: 'We are closed; we answer tomorrow from 9.' },
      fallback: null,
      keywords: [{ keywords: ['price', 'prices'], text: 'Shoes from 40 EUR.' }],
    });
    expect(await repliesForm().getByLabel('Keywords 1').inputValue()).toBe('price, prices');
    await shot('saved');

    const [ana] = await h.seedContacts(1, { tag: 'ui' });
    h.sim.inbound({ from: ana!.phone.slice(1), text: 'hello' });
    h.sim.inbound({ from: ana!.phone.slice(1), text: 'anyone there?' });
    const texts = () => h.sim.sent(ana!.phone.slice(1)).map((m) => (m.request as { text?: { body: string } }).text?.body);
    await expect.poll(() => texts().length, { timeout: 15_000 }).toBe(2);
    expect(texts().sort()).toEqual(['We are closed; we answer tomorrow from 9.', 'Welcome to Acme!']);
  }, 40_000);

  it('fits a phone: nothing in the tab is wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await repliesForm().getByRole('button', { name: 'Add a FAQ menu' }).click();
    await repliesForm().getByLabel('Row 1 title').waitFor();
    type Box = { getBoundingClientRect(): { right: number } };
    const right = async () => Math.max(...(await section().locator('*').evaluateAll((els) => els.map((e) => (e as unknown as Box).getBoundingClientRect().right))));
    await shot('phone');
    expect(await right()).toBeLessThanOrEqual(391);
    expect(await page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('showed no dialogs, page errors or CSP violations', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
