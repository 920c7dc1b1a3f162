// The Overview's lifecycle and cohort cards in Chromium against the real app: ten contacts in known
// stages with two earlier daily counts (taken through the snapshot sweep function), a cohort of four
// who first opted in three months ago (one read a message the month after, two wrote in this month).
// A signed-in owner reads the stacked chart (a drawn canvas) and the latest day's table, the cohort's
// shares as percentages ("not yet" for month 6), and both CSV links download the same figures.
// At 360 px wide nothing is wider than the screen. Screenshots go to UI_SCREENSHOTS (or a temp dir).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/adapters/db/database.js';
import { snapshotLifecycleStages } from '../../src/modules/lifecycle/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, revealOverviewCards, serveApp, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const PASSWORD = 'a long enough passphrase';
const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');
let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[] };
const overflow = (p: Page) => p.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth);
const DAY = 86_400_000;

async function shot(p: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: join(SHOTS, `overview-lifecycle-${name}.png`), fullPage: true });
}

/** The first instant of the UTC month `n` months from now's. */
function monthStart(n: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + n, 1));
}
const at = (d: Date, days: number) => new Date(d.getTime() + days * DAY + 12 * 3_600_000).toISOString();
/** "Sep 2026", as the card writes a month. */
const monthLabel = (d: Date) => d.toLocaleDateString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });

beforeAll(async () => {
  await ensureWebBuilt();
  t = await createTestApp();
  const owner = await t.tenant('lifecycle-ui');
  const ws = owner.workspaceId;
  expect((await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'owner@lifecycle-ui.example', role: 'owner', password: PASSWORD } })).statusCode).toBe(201);
  const ids = (
    await queryRows<{ id: string }>(t.db, sql`insert into contacts (workspace_id, phone, wa_id) select ${ws}, '+4477009' || lpad(i::text, 5, '0'), '4477009' || lpad(i::text, 5, '0') from generate_series(1, 10) i returning id`)
  ).map((r) => r.id);
  const stage = async (list: string[], s: string) => {
    for (const id of list) await t.db.execute(sql`insert into contact_lifecycle (contact_id, workspace_id, stage) values (${id}, ${ws}, ${s}) on conflict (contact_id) do update set stage = excluded.stage`);
  };
  // Two days ago: 6 new, 4 active. Yesterday: 3 new, 5 active, 2 at risk. Now: 2 new, 4 active, 1 loyal, 2 at risk, 1 churned.
  await stage(ids.slice(6), 'active');
  await snapshotLifecycleStages(t.db, new Date(Date.now() - 2 * DAY));
  await stage(ids.slice(3, 4), 'active');
  await stage(ids.slice(4, 6), 'at_risk');
  await snapshotLifecycleStages(t.db, new Date(Date.now() - DAY));
  await stage(ids.slice(2, 3), 'churned');
  await stage(ids.slice(9), 'loyal');
  // A cohort of four, first opted in three months ago: one read a message the month after, two wrote this month.
  const [topic] = await queryRows<{ id: string }>(t.db, sql`insert into topics (workspace_id, key, name, category) values (${ws}, 'offers', 'Offers', 'marketing') returning id`);
  const m0 = monthStart(-3);
  for (const id of ids.slice(0, 4)) {
    await t.db.execute(sql`insert into consent_events (workspace_id, contact_id, topic_id, action, source, evidence, actor_type, occurred_at)
      values (${ws}, ${id}, ${topic!.id}, 'grant', 'import', '{}'::jsonb, 'system', ${at(m0, 9)}::timestamptz)`);
  }
  await t.db.execute(sql`insert into messages (workspace_id, contact_id, wa_id, direction, type, body, sent_at, status_rank, status_at)
    values (${ws}, ${ids[0]!}, 'x', 'out', 'text', 'Hello', ${at(monthStart(-2), 9)}::timestamptz, 4, ${at(monthStart(-2), 9)}::timestamptz)`);
  const thisMonth = new Date(Math.min(monthStart(0).getTime() + 60_000, Date.now() - 1_000)).toISOString();
  for (const id of ids.slice(1, 3)) {
    await t.db.execute(sql`insert into messages (workspace_id, contact_id, wa_id, direction, type, body, sent_at) values (${ws}, ${id}, 'x', 'in', 'text', 'Hi', ${thisMonth}::timestamptz)`);
  }
  base = await serveApp(t);
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, base, { workspace: 'lifecycle-ui', email: 'owner@lifecycle-ui.example', password: PASSWORD });
  await revealOverviewCards(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The table's rows as arrays of cell texts. */
const rowsOf = (p: Page, testId: string, rowTestId: string) =>
  p.getByTestId(testId).getByTestId(rowTestId).evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as { children: ArrayLike<{ textContent: string | null }> }).children).map((c) => (c.textContent ?? '').trim())));

describe('the Overview lifecycle and cohort cards', () => {
  it('draws the stages per day and lists today’s counts with their shares', async () => {
    const card = page.getByTestId('lifecycle');
    await card.getByTestId('lifecycle-latest').waitFor({ timeout: UI_TIMEOUT });
    expect(await rowsOf(page, 'lifecycle', 'lifecycle-stage')).toEqual([
      ['New', '2', '20%'],
      ['Onboarding', '0', '0%'],
      ['Active', '4', '40%'],
      ['Loyal', '1', '10%'],
      ['At risk', '2', '20%'],
      ['Dormant', '0', '0%'],
      ['Reactivating', '0', '0%'],
      ['Churned', '1', '10%'],
      ['Archived', '0', '0%'],
    ]);
    const canvas = card.getByTestId('lifecycle-canvas');
    await canvas.waitFor();
    const painted = await canvas.evaluate((c) => {
      const el = c as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const data = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return { n, w: el.width, h: el.height };
    });
    expect(painted.w).toBeGreaterThan(200);
    expect(painted.n).toBeGreaterThan(1_000);
    // The CSV link downloads the same days: the two earlier counts and today's.
    const link = card.getByRole('link', { name: 'Download contacts per lifecycle stage per day as CSV' });
    expect(await link.getAttribute('download')).not.toBeNull();
    const csv = await page.request.get(new URL((await link.getAttribute('href'))!, base).href);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split('\r\n').map((l) => l.replace(/"/g, ''));
    expect(lines[0]).toBe('date,new,onboarding,active,loyal,at_risk,dormant,reactivating,churned,archived,total');
    expect(lines).toHaveLength(31);
    expect(lines.slice(-3).map((l) => l.split(',').slice(1).join(','))).toEqual(['6,0,4,0,0,0,0,0,0,10', '3,0,5,0,2,0,0,0,0,10', '2,0,4,1,2,0,0,1,0,10']);
    await shot(page, 'desktop');
  });

  it('shows each opt-in month’s share still reading or replying, and downloads it as CSV', async () => {
    const card = page.getByTestId('cohorts');
    await card.getByTestId('cohorts-table').waitFor({ timeout: UI_TIMEOUT });
    expect(await rowsOf(page, 'cohorts', 'cohort-row')).toEqual([[monthLabel(monthStart(-3)), '4', '25%', '50%', 'not yet']]);
    const link = card.getByRole('link', { name: 'Download engagement by opt-in month as CSV' });
    const csv = await page.request.get(new URL((await link.getAttribute('href'))!, base).href);
    const lines = (await csv.text()).trim().split('\r\n').map((l) => l.replace(/"/g, ''));
    expect(lines).toHaveLength(13);
    const m0 = monthStart(-3).toISOString().slice(0, 7);
    expect(lines.find((l) => l.startsWith(m0))).toBe(`${m0},4,1,0.25,2,0.5,,`);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  });

  it('fits a 360 px phone', async () => {
    await page.setViewportSize({ width: 360, height: 780 });
    await page.reload();
    await revealOverviewCards(page);
    await page.getByTestId('cohorts').getByTestId('cohorts-table').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('lifecycle').getByTestId('lifecycle-canvas').waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(360);
    await page.getByTestId('lifecycle').scrollIntoViewIfNeeded();
    await shot(page, 'phone');
    await page.getByTestId('lifecycle').screenshot({ path: join(SHOTS, 'overview-lifecycle-phone-card.png') });
    await page.getByTestId('cohorts').screenshot({ path: join(SHOTS, 'overview-lifecycle-phone-cohorts.png') });
    expect(seen.pageErrors).toEqual([]);
  });
});
