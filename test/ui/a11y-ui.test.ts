// Accessibility (issue 19): no serious or critical axe-core violation on any page of the admin
// app — the login page, the first-run pages' shell and every tab, at desktop and phone size — with
// a workspace that has data (a number, topics, templates, contacts, a sent broadcast), so tables,
// badges and forms are on screen, not only empty states.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const EMAIL = 'a11y@shop.example';
const PASSWORD = 'a long enough passphrase';

type Violation = { id: string; impact: string | null; help: string; tags: string[]; nodes: { target: string[] }[] };
let h: BroadcastHarness;
let browser: Browser;
let page: Page;
let base: string;
let slug: string;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], consoleLines: [] as string[], cspViolations: [] as string[] };

/** Serious and critical violations on the page as it is now (WCAG 2.x A and AA rules), one line each. */
async function violations(): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (no script tag is added).
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Violation[] }> } }).axe;
    const r = await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations;
  });
  return found
    // Experimental rules are left out: label-content-name-mismatch flags "CSV" links named "Download growth (CSV)", which WCAG 2.5.3 allows.
    .filter((v) => (v.impact === 'serious' || v.impact === 'critical') && !v.tags.includes('experimental'))
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}${v.nodes.length > 3 ? ` (+${v.nodes.length - 3})` : ''}`);
}

beforeAll(async () => {
  await ensureWebBuilt();
  h = await createBroadcastHarness({ seed: 'a11y-ui', settings: { broadcasts: { quiet_hours: null } } });
  slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  const user = await h.api('POST', '/api/v1/users', { email: EMAIL, role: 'owner', password: PASSWORD });
  expect(user.status, JSON.stringify(user.body)).toBe(201);
  await h.seedContacts(4, { tag: 'a11y' });
  const b = await h.api('POST', '/api/v1/broadcasts', {
    name: 'Accessible offers',
    audience: { rules: { field: 'tags', op: 'contains', value: 'a11y' }, topic: 'offers' },
    template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'x' } } },
  });
  expect((await h.api('POST', `/api/v1/broadcasts/${b.body.id}/start`)).status).toBe(200);
  h.dispatcher();
  await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${b.body.id}`)).body.status === 'completed', 30_000, 'the broadcast to complete');
  base = h.appUrl.replace('localhost', '127.0.0.1');
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('accessibility (axe-core, WCAG 2.1 A and AA)', () => {
  it('the login page has no serious or critical violation', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('Workspace').waitFor();
    expect(await violations()).toEqual([]);
  });

  it('no tab has a serious or critical violation, at desktop and phone size', async () => {
    await loginUi(page, base, { workspace: slug, email: EMAIL, password: PASSWORD });
    const nav = page.getByRole('navigation', { name: 'Sections' });
    await nav.waitFor();
    const tabs = (await nav.getByRole('button').allTextContents()).map((t) => t.trim());
    expect(tabs.length).toBeGreaterThan(10);
    const problems: Record<string, string[]> = {};
    for (const size of [{ width: 1280, height: 900 }, { width: 360, height: 780 }]) {
      await page.setViewportSize(size);
      for (const tab of tabs) {
        if (size.width < 640) await page.getByLabel('Section', { exact: true }).selectOption({ label: tab });
        else await nav.getByRole('button', { name: tab, exact: true }).click();
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(200);
        const v = await violations();
        if (v.length > 0) problems[`${tab} @${size.width}px`] = v;
      }
    }
    expect(problems).toEqual({});
  }, 240_000);
});
