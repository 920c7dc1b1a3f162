// A/B tests in the admin UI, in a real browser against the real app and the Cloud API simulator:
// the composer's "A/B test" section saves a draft with a second variant; a started test shows its
// results per variant with the confidence, and "Send the winner to the rest" (managers only) sends
// the leader to the rest once. A viewer sees the results without the button.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteBroadcastReplies } from '../../src/modules/broadcasts/index.js';
import { queryRows } from '../../src/adapters/db/database.js';
import { sql } from 'drizzle-orm';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const MARKETER = 'ab-marketer@shop.example';
const VIEWER = 'ab-viewer@shop.example';
const PASSWORD = 'a long enough passphrase';
const SHOTS = process.env.UI_SCREENSHOTS;

let h: BroadcastHarness;
let base: string;
let slug: string;
let browser: Browser;
let page: Page;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], consoleLines: [] as string[], cspViolations: [] as string[] };

const composer = () => page.getByTestId('broadcast-composer');
const view = () => page.getByTestId('broadcast-view');

const openBroadcasts = () => page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Broadcasts', exact: true }).click();

async function shot(name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

type Violation = { id: string; impact: string | null; tags: string[]; nodes: { target: string[] }[] };
/** Serious and critical axe violations inside `selector` (the A/B parts this test adds) as it is now. */
async function violations(selector: string): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async (sel) => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run(sel, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })).violations;
  }, selector);
  return found.filter((v) => (v.impact === 'serious' || v.impact === 'critical') && !v.tags.includes('experimental')).map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

beforeAll(async () => {
  await ensureWebBuilt();
  h = await createBroadcastHarness({ seed: 'broadcast-ab-ui', tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
  slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  expect((await h.api('POST', '/api/v1/users', { email: MARKETER, role: 'marketer', password: PASSWORD })).status).toBe(201);
  expect((await h.api('POST', '/api/v1/users', { email: VIEWER, role: 'viewer', password: PASSWORD })).status).toBe(201);
  await h.seedContacts(40, { tag: 'ab-ui' });
  base = h.appUrl.replace('localhost', '127.0.0.1');
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('A/B tests in the admin UI', () => {
  it('composes a draft with an A/B test section', async () => {
    await loginUi(page, base, { workspace: slug, email: MARKETER, password: PASSWORD });
    await openBroadcasts();
    await page.getByRole('button', { name: 'New broadcast' }).click();
    await composer().getByLabel('Name', { exact: true }).fill('Offers A/B');
    await composer().getByLabel('Topic').selectOption('offers');
    await composer().getByLabel('Template').selectOption({ label: 'weekly_offers (en_US) · marketing' });
    await composer().getByLabel('body.2 source').first().selectOption({ label: 'Fixed text' });
    await composer().getByLabel('body.2 text').first().fill('half price');
    const ab = composer().getByTestId('ab-test-fields');
    await ab.getByRole('checkbox').check();
    const variantB = ab.getByTestId('ab-variant-B');
    await variantB.waitFor();
    // Variant B starts as a copy of the message; only its offer text changes.
    expect(await variantB.getByLabel('body.2 text').inputValue()).toBe('half price');
    await variantB.getByLabel('body.2 text').fill('free shipping');
    await ab.getByLabel('Test share (%)').fill('80');
    await ab.getByLabel('Holdout (%)').fill('30');
    await composer().getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => composer().getByTestId('composer-error').textContent()).toBe('A/B test: the test share and the holdout add up to more than 100 %.');
    await ab.getByLabel('Test share (%)').fill('50');
    await ab.getByLabel('Holdout (%)').fill('10');
    await ab.getByLabel('Winner by').selectOption('reply');
    await ab.getByLabel('Test window (hours)').fill('6');
    expect(await violations('[data-testid="ab-test-fields"]')).toEqual([]);
    await shot('ab-composer');
    await composer().getByRole('button', { name: 'Save draft' }).click();
    await composer().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    const list = (await h.api('GET', '/api/v1/broadcasts')).body.data as { name: string; ab_test: { test_percent: number; holdout_percent: number; metric: string; variants: { key: string; variables: Record<string, { value?: string }> | null }[] } }[];
    const saved = list.find((b) => b.name === 'Offers A/B')!;
    expect(saved.ab_test).toMatchObject({ test_percent: 50, holdout_percent: 10, metric: 'reply' });
    expect(saved.ab_test.variants[1]!.variables!['body.2']).toEqual({ value: 'free shipping' });
  });

  it('shows results per variant with the confidence and sends the winner to the rest once', async () => {
    const created = await h.api('POST', '/api/v1/broadcasts', {
      name: 'Results A/B',
      audience: { rules: { field: 'tags', op: 'contains', value: 'ab-ui' }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'half price' } } },
      ab_test: { variants: [{}, { variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'free shipping' } } }], test_percent: 60, holdout_percent: 10, metric: 'reply', window_hours: 6 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await h.api('POST', `/api/v1/broadcasts/${id}/start`)).status).toBe(200);
    const d = h.dispatcher();
    const rows = await queryRows<{ contact_id: string; variant: string }>(h.t.db, sql`select contact_id, variant from broadcast_recipients where broadcast_id = ${id}`);
    const tested = rows.filter((r) => r.variant === 'A' || r.variant === 'B');
    await h.waitFor(async () => {
      const ab = (await h.api('GET', `/api/v1/broadcasts/${id}`)).body.ab_test;
      return ab.variants[0].sent + ab.variants[1].sent === tested.length;
    }, 30_000, 'the test sends');
    await noteBroadcastReplies(h.t.db, h.tenant.workspaceId, rows.filter((r) => r.variant === 'B').map((r) => ({ contactId: r.contact_id, at: new Date() })));

    await page.reload();
    await openBroadcasts();
    await page.getByTestId('broadcast-row').getByRole('button', { name: 'Results A/B' }).click();
    const results = view().getByTestId('ab-results');
    await results.waitFor({ timeout: UI_TIMEOUT });
    expect(await results.getByTestId('ab-row-B').textContent()).toContain('(leading)');
    expect(await results.getByTestId('ab-row-B').textContent()).toContain('100.0 %');
    expect(await results.getByTestId('ab-confidence').textContent()).toMatch(/^Variant B leads variant A with \d+\.\d % confidence \(two-proportion z-test: z = -?\d+\.\d\d, p = \d\.\d{3}\)\.$/);
    expect(await violations('[data-testid="ab-results"]')).toEqual([]);
    await shot('ab-results-testing');

    await results.getByRole('button', { name: 'Send the winner to the rest' }).click();
    await results.getByRole('group', { name: 'Confirm the winner' }).getByRole('button', { name: 'Yes, send variant B' }).click();
    await expect.poll(() => results.getByRole('status').textContent(), { timeout: UI_TIMEOUT }).toMatch(/^Winner: variant B, /);
    expect(await results.getByRole('button', { name: 'Send the winner to the rest' }).count()).toBe(0);
    await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body.status === 'completed', 30_000, 'the rest');
    await d.stop();
    for (const r of rows.filter((x) => x.variant === 'rest')) {
      const [m] = await queryRows<{ body: string }>(h.t.db, sql`select body from messages where broadcast_id = ${id} and contact_id = ${r.contact_id}`);
      expect(m!.body).toContain('free shipping');
    }
    await view().getByRole('button', { name: 'Refresh' }).click();
    await results.getByTestId('ab-row-rest').waitFor();
    await shot('ab-results-done');

    // A viewer sees the results, never the button.
    const api = await h.api('POST', '/api/v1/broadcasts', { ...{ name: 'Viewer A/B', audience: { rules: { field: 'tags', op: 'contains', value: 'ab-ui' }, topic: 'offers' } }, template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { value: 'x' }, 'body.2': { value: 'y' } } }, ab_test: { variants: [{}, {}], test_percent: 10, metric: 'read', window_hours: 1 } });
    expect((await h.api('POST', `/api/v1/broadcasts/${api.body.id}/start`)).status).toBe(200);
    await page.getByRole('button', { name: /Log out|Sign out/ }).first().click();
    await loginUi(page, base, { workspace: slug, email: VIEWER, password: PASSWORD });
    await openBroadcasts();
    await page.getByTestId('broadcast-row').getByRole('button', { name: 'Viewer A/B' }).click();
    await view().getByTestId('ab-results').waitFor({ timeout: UI_TIMEOUT });
    expect(await view().getByRole('button', { name: 'Send the winner to the rest' }).count()).toBe(0);
  }, 120_000);

  it('raised no dialog, page error or CSP violation', () => {
    expect(seen.dialogs).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  });
});
