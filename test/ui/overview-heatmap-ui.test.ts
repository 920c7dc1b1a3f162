// The Overview's "Best send time" card (issue 17) in a real browser against the real app: 25 people
// in Kolkata and 5 in New York get broadcast messages three days ago at 10:15Z (Kolkata 15:45, New
// York 05:15 or 06:15 local); 20 Kolkatans read, 5 replied. The grid colours those two cells, a
// focused cell names its counts, the reply toggle recolours, the table fallback lists the figures,
// Kolkata's weekday has 15:00 as its best hour, the CSV button links the report for the period,
// and at 360 px the grid scrolls in its own box while the page does not.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/adapters/db/database.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, revealOverviewCards, serveApp, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'owner@heatmap.example';
const PASSWORD = 'a long enough passphrase';
const SHOTS = process.env.UI_SCREENSHOTS;
let t: TestApp;
let browser: Browser;
let page: Page;
let listId: string;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], consoleLines: [] as string[], cspViolations: [] as string[] };
const SENT = new Date(Date.now() - 3 * 86_400_000);
SENT.setUTCHours(10, 15, 0, 0);
/** The weekday (0 Monday) and hour of `SENT` in a zone, by the browser-independent Intl clock. */
function localCell(zone: string): [number, number] {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' }).formatToParts(SENT);
  const wd = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.find((p) => p.type === 'weekday')!.value);
  return [wd, Number(parts.find((p) => p.type === 'hour')!.value)];
}
const [kWd, kHour] = localCell('Asia/Kolkata');
const [nWd, nHour] = localCell('America/New_York');
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

async function shot(name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `overview-heatmap-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  await ensureWebBuilt();
  t = await createTestApp();
  const owner = await t.tenant('heat-ui');
  expect((await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: EMAIL, role: 'owner', password: PASSWORD } })).statusCode).toBe(201);
  const ws = owner.workspaceId;
  const [b] = await queryRows<{ id: string }>(t.db, sql`insert into broadcasts (workspace_id, name, status, audience, template_name, template_language, template_category, schedule, started_at)
    values (${ws}, 'Offers', 'sending', '{}'::jsonb, 'offer', 'en', 'MARKETING', '{}'::jsonb, ${SENT.toISOString()}::timestamptz - interval '1 hour') returning id`);
  const iso = SENT.toISOString();
  // Kolkata i = 1..25 (read when i <= 20, replied when i <= 5); New York i = 26..30 (delivered only).
  await t.db.execute(sql`insert into contacts (workspace_id, phone, wa_id, timezone)
    select ${ws}, '+9198000' || lpad(i::text, 5, '0'), '9198000' || lpad(i::text, 5, '0'), case when i <= 25 then 'Asia/Kolkata' else 'America/New_York' end
    from generate_series(1, 30) i`);
  await t.db.execute(sql`insert into broadcast_recipients (broadcast_id, workspace_id, contact_id, state, not_before, is_marketing, timezone, sent_at, delivery_rank, replied_at)
    select ${b!.id}, ${ws}, c.id, 'accepted', ${iso}::timestamptz, true, 'UTC', ${iso}::timestamptz, case when c.i <= 20 then 4 else 3 end,
           case when c.i <= 5 then ${iso}::timestamptz + interval '1 hour' end
    from (select id, right(wa_id, 5)::int as i from contacts where workspace_id = ${ws}) c`);
  // A list of the first ten Kolkatans (all read, five replied): the card's segment filter.
  const list = await t.call(owner.key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'First ten' } });
  expect(list.statusCode, list.body).toBe(201);
  listId = list.json().id as string;
  const ids = (await queryRows<{ id: string }>(t.db, sql`select id from contacts where workspace_id = ${ws} and right(wa_id, 5)::int <= 10`)).map((r) => r.id);
  expect((await t.call(owner.key, { method: 'POST', url: `/api/v1/segments/${listId}/members`, payload: { contact_ids: ids } })).statusCode).toBe(200);
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, await serveApp(t), { workspace: 'heat-ui', email: EMAIL, password: PASSWORD });
  await revealOverviewCards(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the best send time card', () => {
  it('colours the cells of the sends and names their counts on focus', async () => {
    const card = page.getByTestId('heatmap');
    await card.getByTestId('heatmap-grid').waitFor({ timeout: UI_TIMEOUT });
    const kolkata = card.getByTestId(`heat-${kWd}-${kHour}`);
    expect(await kolkata.getAttribute('data-rate')).toBe('0.8');
    expect(await kolkata.getAttribute('title')).toMatch(/25 sent, 20 read \(80%\), 5 replied \(20%\)/);
    await kolkata.focus();
    expect(await kolkata.evaluate((e) => (e as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement === e)).toBe(true);
    expect(await kolkata.getAttribute('aria-label')).toMatch(/25 sent/);
    const ny = card.getByTestId(`heat-${nWd}-${nHour}`);
    expect(await ny.getAttribute('data-rate')).toBe('0');
    expect(await ny.getAttribute('title')).toMatch(/5 sent, 0 read/);
    // Every other cell is empty: 166 without sends, not focusable.
    expect(await card.locator('td.cell.none').count()).toBe(166);
    expect(await card.locator('td.cell[tabindex="0"]').count()).toBe(2);
    // The best hour: Kolkata's cell has 25 sends (≥ 20); New York's 5 do not count.
    expect(await card.getByTestId('best-hours').textContent()).toContain(`${String(kHour).padStart(2, '0')}:00 (80%)`);
    await shot('read');
  });

  it('recolours by reply rate and lists the figures as a table', async () => {
    const card = page.getByTestId('heatmap');
    await card.getByLabel('Colour by').selectOption('reply');
    expect(await card.getByTestId(`heat-${kWd}-${kHour}`).getAttribute('data-rate')).toBe('0.2');
    expect(await card.getByRole('table', { name: 'Reply rate by local weekday and hour' }).count()).toBe(1);
    await card.getByText('Figures as a table').click();
    const rows = card.getByTestId('heatmap-row');
    expect(await rows.count()).toBe(2);
    const texts = await rows.allTextContents();
    expect(texts.some((x) => x.includes('25') && x.includes('20') && x.includes('80%') && x.includes('20%'))).toBe(true);
    const href = await card.getByRole('link', { name: 'Download the engagement heatmap as CSV' }).getAttribute('href');
    expect(href).toBe(`/api/v1/analytics/engagement-heatmap.csv?from=${daysAgo(29)}&to=${daysAgo(0)}`);
    await shot('reply-table');
  });

  it('narrows to a segment, and the CSV follows', async () => {
    const card = page.getByTestId('heatmap');
    await card.getByLabel('Segment').selectOption({ label: 'First ten' });
    const kolkata = card.getByTestId(`heat-${kWd}-${kHour}`);
    await expect.poll(() => kolkata.getAttribute('title'), { timeout: UI_TIMEOUT }).toMatch(/10 sent/);
    expect(await kolkata.getAttribute('title')).toMatch(/10 sent, 10 read \(100%\), 5 replied \(50%\)/);
    expect(await card.getByTestId(`heat-${nWd}-${nHour}`).getAttribute('tabindex')).toBeNull();
    const href = await card.getByRole('link', { name: 'Download the engagement heatmap as CSV' }).getAttribute('href');
    expect(href).toBe(`/api/v1/analytics/engagement-heatmap.csv?from=${daysAgo(29)}&to=${daysAgo(0)}&segment_id=${listId}`);
    await shot('segment');
    await card.getByLabel('Segment').selectOption({ label: 'Everyone' });
  });

  it('keeps the grid inside its own box at 360 px', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    const scroller = page.getByTestId('heatmap-scroll');
    await scroller.scrollIntoViewIfNeeded();
    const box = await scroller.evaluate((e) => ({ sw: (e as unknown as { scrollWidth: number }).scrollWidth, cw: (e as unknown as { clientWidth: number }).clientWidth }));
    // The grid stays inside its box (scrolling there when wider than the phone), never widening the page.
    expect(box.cw).toBeLessThanOrEqual(360);
    expect(await page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(360);
    await shot('360');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(seen.pageErrors).toEqual([]);
  });
});
