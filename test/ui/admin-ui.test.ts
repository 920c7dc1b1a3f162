// The admin UI in a real browser (Debian's chromium driven by playwright-core) against the real
// app on loopback: login, workspace shell, phone numbers, API keys, audit log, logout, escaping, CSP.
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNumber } from '../../src/modules/numbers/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { openUiPage, serveApp, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'owner@acme.example';
const PASSWORD = 'a long enough passphrase';
const WORKSPACE_NAME = 'Acme <b>Shop</b>';
const XSS_NAME = '<img src=x onerror=alert(1)>';

let t: TestApp;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let createdKey: string;
let sessionCookie: string;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];

/** GET /api/v1/auth/me from Node with the given headers. */
function whoAmI(headers: Record<string, string>): Promise<Response> {
  return fetch(`${base}/api/v1/auth/me`, { headers });
}

/** Trimmed text of the first match, once it is visible. */
async function textOf(selector: string): Promise<string> {
  const loc = page.locator(selector).first();
  await loc.waitFor({ timeout: UI_TIMEOUT });
  return (await loc.textContent())?.trim() ?? '';
}

beforeAll(async () => {
  await ensureWebBuilt();
  t = await createTestApp();
  const owner = await t.tenant('acme');
  const call = (method: 'POST' | 'PATCH', url: string, payload: object) => t.call(owner.key, { method, url, payload });
  expect((await call('PATCH', '/api/v1/workspace', { name: WORKSPACE_NAME })).statusCode).toBe(200);
  expect((await call('POST', '/api/v1/users', { email: EMAIL, role: 'owner', password: PASSWORD })).statusCode).toBe(201);
  const real = { phone_number_id: '1098765432', waba_id: '2098765432', display_number: '+1 555 010 0001', access_token: 'EAAtoken-0123456789', app_secret: 'app-secret-1', verify_token: 'verify-token-1' };
  expect((await call('POST', '/api/v1/phone-numbers', { ...real, messaging_limit_tier: 'TIER_10K' })).statusCode).toBe(201);
  const sandbox = { ...real, phone_number_id: '1098765499', display_number: '+1 555 010 0099' };
  await connectNumber(owner.ctx, t.wiring.box, sandbox, { isSandbox: true });

  base = await serveApp(t);
  ({ browser, context, page } = await openUiPage({ dialogs, pageErrors, cspViolations }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('admin UI in a real browser', () => {
  it('serves the login page under the CSP, with the workspace defaulting to "default"', async () => {
    const res = await page.goto(`${base}/`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByLabel('Email').waitFor();
    expect(await page.getByLabel('Workspace').inputValue()).toBe('default');
  });

  it("shows the API's error message for a wrong password", async () => {
    await page.getByLabel('Workspace').fill('acme');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await textOf('[role=alert]')).toBe('email or password is wrong');
  });

  it('logs in and shows the workspace name as text', async () => {
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    // The name shows "…" until GET /workspace answers: wait for the answer, then compare exactly.
    await page.locator('[data-testid=workspace-name]', { hasText: 'Shop' }).waitFor();
    expect(await textOf('[data-testid=workspace-name]')).toBe(WORKSPACE_NAME);
    expect(await page.locator('header b').count()).toBe(0);
    sessionCookie = (await context.cookies(base)).find((c) => c.name === 'greenlist_session')!.value;
    expect(sessionCookie).toBeTruthy();
  });

  it('lists phone numbers with the sandbox badge, quality and tier', async () => {
    await page.getByRole('button', { name: 'Phone numbers' }).click();
    const sandboxRow = page.getByTestId('number-card').filter({ hasText: '+1 555 010 0099' });
    await sandboxRow.waitFor();
    expect(await sandboxRow.locator('.badge.sandbox').textContent()).toBe('sandbox');
    const realRow = page.getByTestId('number-card').filter({ hasText: '+1 555 010 0001' });
    expect(await realRow.locator('.badge').count()).toBe(0);
    expect(await realRow.textContent()).toContain('10K / 24 h');
    expect(await realRow.locator('.quality').textContent()).toBe('unknown');
  });

  it('creates an API key, shows it once, and the key works', async () => {
    await page.getByRole('button', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill(XSS_NAME);
    await page.getByLabel('Role').selectOption('viewer');
    await page.getByRole('button', { name: 'Create key' }).click();
    createdKey = await textOf('[data-testid=new-api-key] code');
    expect(createdKey).toMatch(/^glk_/);
    expect(await textOf('[data-testid=new-api-key]')).toContain('shown only this once');

    const me = await whoAmI({ authorization: `Bearer ${createdKey}` });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { actor: { role: string } }).actor.role).toBe('viewer');

    await page.getByRole('button', { name: 'Done' }).click();
    await page.locator('[data-testid=new-api-key]').waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(createdKey);
  });

  it('renders a markup-like key name as text and runs nothing', async () => {
    const cell = page.getByRole('cell', { name: XSS_NAME, exact: true });
    await cell.waitFor();
    expect(await cell.textContent()).toBe(XSS_NAME);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('revokes the key after a confirmation; the key then gets 401', async () => {
    await page.getByRole('button', { name: `Revoke ${XSS_NAME}` }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    const row = page.locator('[data-testid=api-key-row]', { has: page.getByRole('cell', { name: XSS_NAME, exact: true }) });
    await row.locator('.badge.revoked').waitFor();
    expect((await whoAmI({ authorization: `Bearer ${createdKey}` })).status).toBe(401);
  });

  it('shows the audit log, newest first', async () => {
    await page.getByRole('button', { name: 'Audit log' }).click();
    await page.getByTestId('audit-entry').first().waitFor();
    const actions = await page.getByTestId('audit-entry').evaluateAll((els) => els.map((el) => el.getAttribute('data-action') ?? ''));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.length).toBeLessThanOrEqual(50);
    expect(actions.slice(0, 3)).toEqual(['api_key.revoked', 'api_key.created', 'session.created']);
    expect(await page.locator('img').count()).toBe(0);
  });

  it('logs out: back to the login page, and the old session cookie is refused', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect((await whoAmI({ cookie: `greenlist_session=${sessionCookie}` })).status).toBe(401);
  });

  it('raised no dialog, page error or CSP violation along the way', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
