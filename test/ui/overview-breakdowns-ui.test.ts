// The Overview's "Funnels compared" card (issue 17) in a real browser against the real app: two
// broadcasts of the last days (two templates, a saved segment and a rules audience) with recipients
// in known states, three of whom first joined through an opt-in source. The owner picks "By
// template", "By segment" and "By opt-in source" and reads each group's sent count and rates of
// sent; the CSV link follows the choice and downloads the same figures. At 360 px the rows stack
// and nothing is wider than the screen. Screenshots go to UI_SCREENSHOTS when set.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/adapters/db/database.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, revealOverviewCards, serveApp, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'owner@funnels.example';
const PASSWORD = 'a long enough passphrase';
const SHOTS = process.env.UI_SCREENSHOTS;

let t: TestApp;
let browser: Browser;
let page: Page;
let base: string;
let seq = 0;
const ids: Record<string, string> = {};
const dialogs: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const card = () => page.getByTestId('funnel-breakdowns');

const STATES: Record<string, { state: string; rank: number; reason?: string; replied?: boolean; clicked?: boolean; optedOut?: boolean }> = {
  R: { state: 'accepted', rank: 4 },
  D: { state: 'accepted', rank: 3 },
  S: { state: 'accepted', rank: 2 },
  P: { state: 'accepted', rank: 4, replied: true },
  C: { state: 'accepted', rank: 4, clicked: true },
  O: { state: 'accepted', rank: 3, optedOut: true },
  K: { state: 'skipped', rank: 0, reason: 'no_consent' },
};

async function shot(name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `breakdowns-${name}.png`), fullPage: true });
}

async function broadcast(ws: string, template: string, language: string, audience: object, startedAt: Date, spec: string): Promise<void> {
  const [row] = await queryRows<{ id: string }>(t.db, sql`insert into broadcasts (workspace_id, name, status, audience, template_name, template_language, template_category, schedule, started_at)
    values (${ws}, ${`b${++seq}`}, 'completed', ${JSON.stringify(audience)}::jsonb, ${template}, ${language}, 'MARKETING', '{}'::jsonb, ${startedAt.toISOString()}::timestamptz) returning id`);
  for (const part of spec.split(' ')) {
    const [person, letter] = part.split(':') as [string, string];
    const s = STATES[letter]!;
    const at = startedAt.toISOString();
    await t.db.execute(sql`insert into broadcast_recipients (broadcast_id, workspace_id, contact_id, state, not_before, is_marketing, timezone, sent_at, delivery_rank, reason, replied_at, clicked_at, opted_out_at)
      values (${row!.id}, ${ws}, ${ids[person]}, ${s.state}, ${at}::timestamptz, true, 'UTC', ${s.rank >= 2 ? at : null}::timestamptz, ${s.rank}, ${s.reason ?? null},
              ${s.replied ? at : null}::timestamptz, ${s.clicked ? at : null}::timestamptz, ${s.optedOut ? at : null}::timestamptz)`);
  }
}

/** The card's rows as [name, sent, delivered, read, replied, clicked, opted out]. */
async function rows(): Promise<string[][]> {
  const out: string[][] = [];
  const all = card().getByTestId('breakdown-row');
  for (let i = 0; i < (await all.count()); i++) {
    const row = all.nth(i);
    const name = ((await row.locator('th').first().innerText()).split('\n')[0] ?? '').trim();
    const cells = ['sent', 'delivered', 'read', 'replied', 'clicked', 'opted_out'].map((k) => row.getByTestId(`breakdown-${k}`).innerText());
    out.push([name, ...(await Promise.all(cells)).map((c) => c.trim())]);
  }
  return out;
}

/** Waits until the card shows a table whose first column is `column`. */
async function showing(column: string): Promise<void> {
  await card().getByRole('columnheader', { name: column, exact: true }).waitFor({ state: 'attached', timeout: UI_TIMEOUT });
  await card().getByTestId('breakdown-row').first().waitFor({ timeout: UI_TIMEOUT });
}

const BY_TEMPLATE = [
  ['offer (en)', '5', '80%', '40%', '20%', '0%', '20%'],
  ['news (es)', '2', '100%', '50%', '0%', '50%', '0%'],
];

beforeAll(async () => {
  await ensureWebBuilt();
  t = await createTestApp();
  const owner = await t.tenant('funnels');
  expect((await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: EMAIL, role: 'owner', password: PASSWORD } })).statusCode).toBe(201);
  const ws = owner.workspaceId;
  for (let i = 1; i <= 6; i++) {
    const [c] = await queryRows<{ id: string }>(t.db, sql`insert into contacts (workspace_id, phone, name) values (${ws}, ${`+4477009000${i}`}, ${`Person ${i}`}) returning id`);
    ids[`c${i}`] = c!.id;
  }
  const [store] = await queryRows<{ id: string }>(t.db, sql`insert into optin_sources (workspace_id, kind, name, keyword, topic_ids, consent_text)
    values (${ws}, 'store', 'Store QR', 'join store', '{}'::uuid[], 'Offers on WhatsApp') returning id`);
  for (const p of ['c1', 'c2', 'c3']) {
    await t.db.execute(sql`insert into consent_events (workspace_id, contact_id, topic_id, action, source, evidence, actor_type, occurred_at)
      values (${ws}, ${ids[p]}, null, 'grant', 'qr_keyword', ${JSON.stringify({ source_id: store!.id })}::jsonb, 'system', now() - interval '20 days')`);
  }
  const [vip] = await queryRows<{ id: string }>(t.db, sql`insert into segments (workspace_id, name, kind) values (${ws}, 'VIP', 'static') returning id`);
  await broadcast(ws, 'offer', 'en', { segment_id: vip!.id }, new Date(Date.now() - 3 * 86_400_000), 'c1:R c2:P c3:S c4:K c5:D c6:O');
  await broadcast(ws, 'news', 'es', { rules: { field: 'tags', op: 'contains', value: 'vip' } }, new Date(Date.now() - 2 * 86_400_000), 'c1:C c2:D');

  base = await serveApp(t);
  ({ browser, page } = await openUiPage({ dialogs, pageErrors, cspViolations }, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, base, { workspace: 'funnels', email: EMAIL, password: PASSWORD });
  // Waits up to 30 s for the Overview (the login's scrypt alone takes seconds on a busy machine) and scrolls its cards in.
  await revealOverviewCards(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('Funnels compared (Overview)', () => {
  it('by template: each template’s sent count and rates of sent, with a CSV link of the same period', async () => {
    await card().scrollIntoViewIfNeeded();
    expect(await card().getByLabel('Compare funnels').inputValue()).toBe('templates');
    await showing('Template');
    expect(await rows()).toEqual(BY_TEMPLATE);
    const link = card().getByRole('link', { name: 'Download funnels by template as CSV' });
    expect(await link.getAttribute('download')).not.toBeNull();
    const href = await link.getAttribute('href');
    expect(href).toBe(`/api/v1/analytics/templates.csv?from=${daysAgo(29)}&to=${daysAgo(0)}`);
    // The link downloads the same figures (with the browser's session).
    const csv = await page.evaluate(async (u) => (await fetch(u!)).text(), href);
    expect(csv.split('\r\n')[1]!.replaceAll('"', '')).toBe('offer:en,offer (en),1,6,1,5,4,2,1,0,1,0,0.8,0.4,0.2,0,0.2,0,0,');
    await card().screenshot({ path: SHOTS ? join(SHOTS, 'breakdowns-card-1280.png') : join('/tmp', 'breakdowns-card-1280.png') });
    await shot('1280');
  });

  it('by segment and by opt-in source: the table and the link follow the choice', async () => {
    await card().getByLabel('Compare funnels').selectOption({ label: 'By segment' });
    await showing('Segment');
    expect(await rows()).toEqual([
      ['VIP', '5', '80%', '40%', '20%', '0%', '20%'],
      ['Custom rules', '2', '100%', '50%', '0%', '50%', '0%'],
    ]);
    expect(await card().getByRole('link', { name: 'Download funnels by segment as CSV' }).getAttribute('href')).toBe(`/api/v1/analytics/segments.csv?from=${daysAgo(29)}&to=${daysAgo(0)}`);
    await card().getByLabel('Compare funnels').selectOption({ label: 'By opt-in source' });
    await showing('Opt-in source');
    expect(await rows()).toEqual([
      ['Store QR', '5', '80%', '60%', '20%', '20%', '0%'],
      ['No opt-in recorded', '2', '100%', '0%', '0%', '0%', '50%'],
    ]);
    expect(await card().getByRole('link', { name: 'Download funnels by opt-in source as CSV' }).getAttribute('href')).toBe(`/api/v1/analytics/optin-sources.csv?from=${daysAgo(29)}&to=${daysAgo(0)}`);
  });

  it('fits a 360 px phone: rows stack with a caption per figure, nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await card().getByLabel('Compare funnels').selectOption({ label: 'By template' });
    await showing('Template');
    expect(await rows()).toEqual(BY_TEMPLATE);
    const first = card().getByTestId('breakdown-row').first();
    const read = first.getByTestId('breakdown-read');
    expect(await read.innerText()).toBe('40%');
    // Its caption (the column header is hidden on a phone), and the figures three to a line under the name.
    type Win = { getComputedStyle(el: unknown, pseudo: string): { content: string } };
    expect(await read.evaluate((el) => (globalThis as unknown as Win).getComputedStyle(el, '::before').content)).toBe('"Read"');
    const boxes = await Promise.all(['sent', 'delivered', 'read', 'replied'].map(async (k) => (await first.getByTestId(`breakdown-${k}`).boundingBox())!));
    expect(boxes[0]!.y).toBe(boxes[2]!.y);
    expect(boxes[3]!.y).toBeGreaterThan(boxes[0]!.y);
    expect(await page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(360);
    const box = (await card().boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    await card().screenshot({ path: SHOTS ? join(SHOTS, 'breakdowns-card-360.png') : join('/tmp', 'breakdowns-card-360.png') });
    await shot('360');
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
