// The Overview tab (issue 17, admin UI) in a real browser (Debian's chromium driven by playwright-core)
// against the real app and the Cloud API simulator: three people opt in to `offers`, a broadcast
// goes to them, one answers STOP; a signed-in owner lands on the Overview, the first tab, and reads
// the growth chart (a drawn canvas) with its totals table, the opt-out with its reason and the
// broadcast before it, the broadcast's funnel (its name opens it in the Broadcasts tab, which links
// the recipients CSV) and the number's quality and tier; every CSV button is a plain download link
// to the report's URL for the chosen period. At 1280 px and 390 px wide, nothing is wider than
// the screen.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollUpCosts, rollUpGrowth } from '../../src/modules/analytics/index.js';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage, revealOverviewCards, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'owner@overview.example';
const PASSWORD = 'a long enough passphrase';
const BROADCAST = 'Spring offers';
/** Set UI_SCREENSHOTS=<dir> to keep screenshots of the Overview (look at them when the layout changes). */
const SHOTS = process.env.UI_SCREENSHOTS;

let h: BroadcastHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
let broadcastId: string;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];
const consoleLines: string[] = [];


const card = (id: string) => page.getByTestId(id);
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

async function shot(name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `overview-${name}.png`), fullPage: true });
}

/** The href of the card's link named `name`. */
const hrefOf = (id: string, name: string | RegExp) => card(id).getByRole('link', { name }).getAttribute('href');

beforeAll(async () => {
  await ensureWebBuilt();
  h = await createBroadcastHarness({ seed: 'overview-ui', tier: 'TIER_10K', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
  h.dispatcher();
  const slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  const made = await h.api('POST', '/api/v1/users', { email: EMAIL, role: 'owner', password: PASSWORD });
  expect(made.status, JSON.stringify(made.body)).toBe(201);

  // Three opt-ins to `offers` (yesterday), a broadcast to them, then one of them answers STOP.
  const people = await h.seedContacts(3, { tag: 'overview' });
  const created = await h.api('POST', '/api/v1/broadcasts', {
    name: BROADCAST,
    audience: { rules: { field: 'tags', op: 'contains', value: 'overview' }, topic: 'offers' },
    template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'spring' } } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  broadcastId = created.body.id as string;
  expect((await h.api('POST', `/api/v1/broadcasts/${broadcastId}/start`)).status).toBe(200);
  await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${broadcastId}`)).body.status === 'completed', 30_000, 'the broadcast to complete');
  await h.sim.webhooksIdle();
  const stopper = people[0]!;
  h.sim.inbound({ from: stopper.phone.slice(1), text: 'STOP' });
  await h.waitFor(
    async () => {
      await h.sim.webhooksIdle();
      const consent = (await h.api('GET', `/api/v1/contacts/${stopper.id}/consent`)).body as { state: { topic: string; status: string }[] };
      return consent.state.some((s) => s.status === 'withdrawn');
    },
    20_000,
    'the STOP to withdraw consent',
  );

  // Another of them buys after the broadcast: a conversion credited to it (last touch, within 7 days).
  const bought = await h.api('POST', '/api/v1/events', { contact_id: people[1]!.id, type: 'purchase', amount: 12.5, currency: 'EUR' });
  expect(bought.status, JSON.stringify(bought.body)).toBe(200);

  // The reports the cards read answer for this seeded workspace.
  const range = `from=${daysAgo(29)}&to=${today()}`;
  // The growth and opt-out reports read a rollup a worker loop keeps (the server's analytics-growth
  // poller): fold it here until it has the STOP (which waits for its message to be stored).
  await h.waitFor(
    async () => {
      while ((await rollUpGrowth(h.t.db)) > 0);
      const totals = (await h.api('GET', `/api/v1/analytics/growth?${range}`)).body.totals as { opt_ins: number; opt_outs: number };
      return totals.opt_ins === 3 && totals.opt_outs === 1;
    },
    20_000,
    'the growth rollup to count the three opt-ins and the STOP',
  );
  // The cost report reads the cost rollup (the same poller folds it): fold it until the sends are priced.
  await h.waitFor(
    async () => {
      while ((await rollUpCosts(h.t.db)) > 0);
      return ((await h.api('GET', '/api/v1/analytics/cost')).body.totals as { billable: number }).billable === 3;
    },
    20_000,
    'the cost rollup to count the three billable sends',
  );
  for (const url of [`/api/v1/analytics/growth?${range}&by=source`, `/api/v1/analytics/opt-outs?${range}`, `/api/v1/analytics/broadcasts?${range}&limit=20`, '/api/v1/analytics/numbers']) {
    const res = await h.api('GET', url);
    expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
  }

  base = h.appUrl.replace('localhost', '127.0.0.1');
  ({ browser, context, page } = await openUiPage({ dialogs, pageErrors, consoleLines, cspViolations }, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, base, { workspace: slug, email: EMAIL, password: PASSWORD });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('the Overview tab', () => {
  it('is the first tab and the page a signed-in owner lands on', async () => {
    await revealOverviewCards(page);
    const tabs = page.getByRole('navigation', { name: 'Sections' }).getByRole('button');
    expect((await tabs.allTextContents())[0]).toBe('Overview');
    expect(await tabs.first().getAttribute('aria-current')).toBe('page');
    // The last 30 days by default.
    expect(await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: '30 days' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('growth: draws the chart and shows the seeded opt-ins and opt-outs in its table', async () => {
    const growth = card('growth');
    await growth.getByTestId('growth-totals').waitFor({ timeout: UI_TIMEOUT });
    expect(await growth.getByTestId('total-opt-ins').textContent()).toBe('3');
    expect(await growth.getByTestId('total-opt-outs').textContent()).toBe('1');
    expect(await growth.getByTestId('total-net').textContent()).toBe('+2');
    // The chart drew on its canvas: some pixels are not transparent.
    const canvas = growth.getByTestId('growth-canvas');
    await canvas.waitFor();
    const painted = await canvas.evaluate((c) => {
      const el = c as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const data = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return { n, w: el.width, h: el.height };
    });
    expect(painted.w).toBeGreaterThan(300);
    expect(painted.h).toBeGreaterThan(100);
    expect(painted.n).toBeGreaterThan(1_000);
    expect(await canvas.getAttribute('aria-label')).toContain('3 opt-ins, 1 opt-outs');
    // The CSV button is a plain download link to the same report.
    const link = growth.getByRole('link', { name: 'Download growth as CSV' });
    expect(await link.getAttribute('download')).not.toBeNull();
    expect(await link.getAttribute('href')).toBe(`/api/v1/analytics/growth.csv?from=${daysAgo(29)}&to=${today()}&by=source`);
    // Grouped by topic: the table says so and the link follows.
    await growth.getByLabel('Group by').selectOption('topic');
    await growth.getByRole('columnheader', { name: 'Topic' }).waitFor();
    expect(await link.getAttribute('href')).toBe(`/api/v1/analytics/growth.csv?from=${daysAgo(29)}&to=${today()}&by=topic`);
    expect(await growth.getByTestId('total-opt-ins').textContent()).toBe('3');
    await shot('1280');
  });

  it('opt-outs: the STOP with its reason and the broadcast before it', async () => {
    const optOuts = card('opt-outs');
    await optOuts.getByTestId('opt-outs-total').waitFor();
    expect(await optOuts.getByTestId('opt-outs-total').textContent()).toBe('1');
    const reasons = optOuts.getByTestId('opt-out-reasons-row');
    expect(await reasons.count()).toBe(1);
    // Nobody answered "why are you leaving?".
    expect(await reasons.first().textContent()).toContain('No reason given');
    const before = optOuts.getByTestId('opt-out-preceding-row');
    expect(await before.count()).toBe(1);
    expect(await before.first().textContent()).toContain(BROADCAST);
    expect(await hrefOf('opt-outs', 'Download opt-outs as CSV')).toBe(`/api/v1/analytics/opt-outs.csv?from=${daysAgo(29)}&to=${today()}`);
  });

  it('broadcasts: the funnel in percentages of those sent, opening the broadcast in its tab', async () => {
    const list = card('broadcast-funnels');
    const row = list.getByTestId('funnel-row').filter({ hasText: BROADCAST });
    await row.waitFor();
    expect(await row.getByTestId('funnel-sent').textContent()).toContain('3');
    expect(await row.getByTestId('funnel-opted_out').textContent()).toContain('33.3%');
    expect(await row.getByTestId('funnel-converted').textContent()).toContain('33.3%');
    expect(await row.getByTestId('funnel-revenue').textContent()).toContain('€12.50');
    expect(await hrefOf('broadcast-funnels', 'Download broadcasts as CSV')).toBe(`/api/v1/analytics/broadcasts.csv?from=${daysAgo(29)}&to=${today()}`);
    expect(await row.getByRole('link', { name: `Recipients CSV of ${BROADCAST}` }).getAttribute('href')).toBe(`/api/v1/broadcasts/${broadcastId}/recipients.csv`);
    await row.getByRole('link', { name: BROADCAST, exact: true }).click();
    await page.getByRole('heading', { name: 'Broadcasts', level: 2 }).waitFor();
    await page.getByTestId('broadcast-view').getByRole('heading', { name: BROADCAST }).waitFor();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Overview' }).click();
    await revealOverviewCards(page);
  });

  it('numbers: the number with its quality badge and tier', async () => {
    const number = card('numbers-health').getByTestId('number-health').filter({ hasText: '+1 555 078 3881' });
    await number.waitFor();
    expect(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']).toContain(await number.getByTestId('quality-badge').first().textContent());
    expect(await number.getByTestId('number-tier').textContent()).toBe('10K / 24 h');
  });

  it('cost: this month’s templates, the estimate and what Meta’s pricing made billable, priced with the indicative card', async () => {
    const cost = card('cost');
    const month = cost.getByTestId('cost-month').last();
    await month.waitFor({ timeout: UI_TIMEOUT });
    const cells = (await month.locator('td').allTextContents()).map((t) => t.trim());
    // 3 marketing templates to Nigeria at 0.0516 each, all billable.
    expect(cells).toEqual(['3', '$0.1548', '3', '$0.1548']);
    expect(await cost.getByTestId('cost-month').count()).toBe(3);
    expect(await cost.textContent()).toContain('indicative list');
  });

  it('a broadcast’s page links its recipients as CSV', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Broadcasts' }).click();
    await page.getByTestId('broadcast-row').filter({ hasText: BROADCAST }).getByRole('button', { name: BROADCAST }).click();
    const link = page.getByTestId('broadcast-view').getByRole('link', { name: 'Download recipients (CSV)' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/api/v1/broadcasts/${broadcastId}/recipients.csv`);
    expect(await link.getAttribute('download')).not.toBeNull();
    // The purchase after it: one converted, its revenue in its currency.
    expect(await page.getByTestId('count-converted').textContent()).toBe('1');
    expect(await page.getByTestId('conversion-revenue').textContent()).toBe('€12.50');
    await shot('broadcast-view');
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Overview' }).click();
    await revealOverviewCards(page);
  });

  it('a #broadcasts/<id> address (a funnel row opened in a new tab) starts on that broadcast', async () => {
    const other = await context.newPage();
    try {
      await other.goto(`${base}/#broadcasts/${broadcastId}`);
      await other.getByTestId('broadcast-view').getByRole('heading', { name: BROADCAST }).waitFor({ timeout: UI_TIMEOUT });
      expect(await other.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Broadcasts' }).getAttribute('aria-current')).toBe('page');
    } finally {
      await other.close();
    }
  });

  it('a shorter period changes every report’s link', async () => {
    await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: '7 days' }).click();
    const q = `from=${daysAgo(6)}&to=${today()}`;
    await expect.poll(() => hrefOf('opt-outs', 'Download opt-outs as CSV')).toBe(`/api/v1/analytics/opt-outs.csv?${q}`);
    expect(await hrefOf('broadcast-funnels', 'Download broadcasts as CSV')).toBe(`/api/v1/analytics/broadcasts.csv?${q}`);
    expect(await hrefOf('growth', 'Download growth as CSV')).toMatch(new RegExp(`^/api/v1/analytics/growth\\.csv\\?${q}&by=`));
    // The opt-ins were yesterday: still in the last 7 days.
    await expect.poll(() => card('growth').getByTestId('total-opt-ins').textContent()).toBe('3');
  });

  it('the CSV links download through the session', async () => {
    const links = [
      ['growth', 'Download growth as CSV'],
      ['opt-outs', 'Download opt-outs as CSV'],
      ['broadcast-funnels', 'Download broadcasts as CSV'],
      ['cost', 'Download the cost per month, country and category as CSV'],
    ] as const;
    for (const [id, name] of links) {
      const res = await context.request.get(`${base}${await hrefOf(id, name)}`);
      expect(res.status(), `${name}: ${await res.text()}`).toBe(200);
      expect(res.headers()['content-type']).toContain('text/csv');
    }
    const recipients = await context.request.get(`${base}/api/v1/broadcasts/${broadcastId}/recipients.csv`);
    expect(recipients.status()).toBe(200);
    // A header and one line per recipient.
    expect((await recipients.text()).trim().split('\n')).toHaveLength(4);
  });

  it('fits a phone (390 px) and a desktop (1280 px)', async () => {
    await page.getByRole('group', { name: 'Period' }).getByRole('button', { name: '30 days' }).click();
    await page.waitForLoadState('networkidle');
    await shot('1280-final');
    // A desktop has the tab bar and no section menu; a phone the other way round.
    expect(await page.getByLabel('Section', { exact: true }).isVisible()).toBe(false);
    expect(await page.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(true);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300); // Chart.js redraws on resize.
    await shot('390');
    expect(await page.getByLabel('Section', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(false);
    expect(await page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('showed no dialogs, page errors or CSP violations', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
