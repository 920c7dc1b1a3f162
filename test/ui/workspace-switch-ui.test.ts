// The workspace switcher in the admin app's header (issue 19), in a real browser: one email in three
// workspaces, two with the same password. Logging in to one shows a switcher with the two whose
// password matched (never the third); choosing the other reloads the app there, its name in the
// header and its data on screen. A login whose email is in one workspace shows no switcher.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, serveApp } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const EMAIL = 'sam@two.example';
const PASSWORD = 'a long enough passphrase';
type Violation = { id: string; impact: string | null; tags: string[] };

let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[] };
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `workspace-switch-${name}.png`), fullPage: true });

async function seriousViolations(): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] }, resultTypes: ['violations'] })).violations;
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

beforeAll(async () => {
  await ensureWebBuilt();
  mkdirSync(SHOTS, { recursive: true });
  t = await createTestApp();
  const workspaces = [
    { slug: 'green-shop', name: 'Green Shop', password: PASSWORD, contact: { phone: '+14155550111', name: 'Shop Customer' } },
    { slug: 'corner-cafe', name: 'Corner Café', password: PASSWORD, contact: { phone: '+14155550122', name: 'Cafe Regular' } },
    { slug: 'other-bakery', name: 'Other Bakery', password: 'another long passphrase', contact: { phone: '+14155550133', name: 'Bakery Buyer' } },
  ];
  for (const w of workspaces) {
    const ws = await t.tenant(w.slug);
    const call = (url: string, payload: object, method: 'POST' | 'PATCH' = 'POST') => t.call(ws.key, { method, url, payload });
    expect((await call('/api/v1/workspace', { name: w.name }, 'PATCH')).statusCode).toBe(200);
    expect((await call('/api/v1/users', { email: EMAIL, role: 'owner', password: w.password })).statusCode).toBe(201);
    expect((await call('/api/v1/contacts', w.contact)).statusCode).toBe(201);
  }
  const solo = await t.tenant('solo-shop');
  expect((await t.call(solo.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'solo@one.example', role: 'owner', password: PASSWORD } })).statusCode).toBe(201);
  base = await serveApp(t);
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 800 } }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the workspace switcher', () => {
  it('lists only the workspaces whose password matched, and switching reloads the app in the other one', async () => {
    await loginUi(page, base, { workspace: 'green-shop', email: EMAIL, password: PASSWORD });
    await page.getByTestId('workspace-name').getByText('Green Shop').waitFor();
    const switcher = page.getByLabel('Switch workspace');
    await switcher.waitFor();
    const options = await switcher.locator('option').allTextContents();
    expect(options).toEqual(['Corner Café (owner)', 'Green Shop (owner)']);
    expect(await switcher.locator('option:checked').textContent()).toBe('Green Shop (owner)');
    expect(await seriousViolations()).toEqual([]);
    await shot('shop');

    await switcher.selectOption({ label: 'Corner Café (owner)' });
    await page.getByTestId('workspace-name').getByText('Corner Café').waitFor();
    expect(await page.getByLabel('Switch workspace').locator('option:checked').textContent()).toBe('Corner Café (owner)');
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Contacts' }).click();
    await page.getByText('Cafe Regular').first().waitFor();
    expect(await page.getByText('Shop Customer').count()).toBe(0);
    await shot('cafe');
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  }, 60_000);

  it('is usable at 360 px', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    const switcher = page.getByLabel('Switch workspace');
    await switcher.waitFor();
    const box = await switcher.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    await shot('phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 30_000);

  it('shows no switcher when the email is in one workspace only', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await loginUi(page, base, { workspace: 'solo-shop', email: 'solo@one.example', password: PASSWORD });
    await page.getByTestId('workspace-name').getByText('solo-shop').waitFor();
    // The list has loaded (one entry) before the header is judged.
    await page.waitForLoadState('networkidle');
    expect(await page.getByLabel('Switch workspace').count()).toBe(0);
    await shot('solo');
  }, 30_000);
});
