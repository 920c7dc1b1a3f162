// The sign-up page's branding and languages in Chromium against the real app: an owner sets a brand
// colour, uploads a logo (a forged file refused at its field first) and picks languages in the
// opt-in source form; the phone-sized preview shows them; a 360 px phone with a Portuguese browser
// opens the public page in Portuguese with the Portuguese STOP word and switches to English.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderQr } from '../../src/modules/optin/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { connectSimNumber } from '../helpers/factories.js';
import { loginUi, openUiPage, serveApp, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'owner@signup-brand-ui.example';
const PASSWORD = 'a long enough passphrase';
const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'signup-brand-ui-shots');
const NUMBER = { phoneNumberId: '8165403577', wabaId: '8122901277', accessToken: 'sim-token-signup-brand-ui' };

let t: TestApp;
let sim: Simulator;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let logoPng: Buffer;
let ownerKey: string;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[] };
const tab = () => page.locator('section.optin-sources');
const detail = () => tab().getByTestId('optin-source-detail');

/** A computed style of the element (in the browser). */
const styleOf = (l: Locator, prop: 'backgroundColor' | 'color') =>
  l.evaluate((e, p) => (globalThis as unknown as { getComputedStyle(el: unknown): Record<string, string> }).getComputedStyle(e)[p]!, prop);

async function shot(p: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: join(SHOTS, `brand-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  await ensureWebBuilt();
  t = await createTestApp();
  base = await serveApp(t);
  const owner = await t.tenant('signup-brand-ui');
  ownerKey = owner.key;
  ({ sim } = await connectSimNumber(t, owner.key, { seed: 'signup-brand-ui', number: NUMBER, displayNumber: '+55 11 5078 3990', appSecret: 'brand-ui-secret', verifyToken: 'brand-ui-verify', webhookUrl: `${base}/webhooks/whatsapp` }));
  expect((await t.call(owner.key, { method: 'POST', url: '/api/v1/topics', payload: { key: 'ofertas', name: 'Ofertas', category: 'marketing', frequency: '2 por semana' } })).statusCode).toBe(201);
  expect((await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: EMAIL, role: 'owner', password: PASSWORD } })).statusCode).toBe(201);
  const created = await t.call(owner.key, {
    method: 'POST',
    url: '/api/v1/optin-sources',
    payload: {
      kind: 'form',
      name: 'Site da Flor',
      keyword: 'FLOR',
      slug: 'flor-site',
      topics: ['ofertas'],
      consent_text: 'Sim, quero receber as ofertas da Flor no WhatsApp.',
      page: { business_name: 'Flor & Cia', frequency: '2 por semana', how_to_stop: 'Reply STOP at any time', privacy_url: 'https://flor.example/privacidade' },
    },
  });
  expect(created.statusCode).toBe(201);
  expect((await t.call(owner.key, { method: 'POST', url: `/api/v1/optin-sources/${created.json().id}/publish` })).statusCode).toBe(200);
  logoPng = (await renderQr('https://flor.example', 'png', 128)) as Buffer;
  ({ browser, context, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, base, { workspace: 'signup-brand-ui', email: EMAIL, password: PASSWORD });
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Opt-in sources', exact: true }).click();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await sim?.close();
  await t?.close();
});

describe('sign-up page branding and languages', () => {
  it('sets a brand colour, a logo (refusing a forged file) and languages in the form; the preview shows them', async () => {
    await tab().getByTestId('optin-source-row').filter({ hasText: 'Site da Flor' }).getByRole('button').click();
    await detail().getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit Site da Flor' });

    // A text file named .png is refused by the API for its contents, shown at the logo field.
    await edit.getByLabel('Logo (optional)').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('<svg onload="alert(1)"></svg>') });
    await expect.poll(() => edit.getByRole('alert').first().textContent(), { timeout: UI_TIMEOUT }).toContain('not a PNG, JPEG or WebP');
    expect(await edit.getByLabel('Logo (optional)').getAttribute('aria-invalid')).toBe('true');

    await edit.getByLabel('Logo (optional)').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: logoPng });
    const preview = edit.getByRole('img', { name: 'Current logo' });
    await expect.poll(() => preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: UI_TIMEOUT }).toBe(128);

    await edit.getByLabel('Brand colour (optional)').fill('#5B2A86');
    await edit.getByRole('checkbox', { name: 'Português' }).check();
    await edit.getByRole('checkbox', { name: 'Español' }).check();
    await shot(page, 'form-1280');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    // Stored through the API as the form shows it.
    const stored = (await t.call(ownerKey, { method: 'GET', url: '/api/v1/optin-sources?kind=form' })).json().data[0];
    expect(stored.page).toMatchObject({ brand_color: '#5B2A86', languages: ['en', 'pt', 'es'] });
    const inner = page.frameLocator('iframe[title="Sign-up page preview at phone size"]');
    await expect.poll(() => styleOf(inner.locator('button[type=submit]'), 'backgroundColor'), { timeout: UI_TIMEOUT }).toBe('rgb(91, 42, 134)');
    expect(await styleOf(inner.locator('button[type=submit]'), 'color')).toBe('rgb(255, 255, 255)');
    await expect.poll(() => inner.locator('img.logo').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: UI_TIMEOUT }).toBe(128);
    expect(await inner.locator('nav.langs').textContent()).toContain('Português');
    await shot(page, 'preview-1280');
  });

  it('opens the public page at 360 px in Portuguese with SAIR, and switches to English', async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'pt-BR' });
    try {
      const join = await phone.newPage();
      const csp: string[] = [];
      join.on('console', (m) => m.text().includes('Content Security Policy') && csp.push(m.text()));
      const res = await join.goto(`${base}/join/flor-site`);
      expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
      expect(await join.locator('html').getAttribute('lang')).toBe('pt');
      expect(await join.getByText('Como sair:').locator('..').textContent()).toContain('Responda SAIR a qualquer momento');
      expect(await styleOf(join.getByRole('button', { name: 'Continuar' }), 'backgroundColor')).toBe('rgb(91, 42, 134)');
      await expect.poll(() => join.locator('img.logo').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: UI_TIMEOUT }).toBe(128);
      expect(await join.getByText('Sim, quero receber as ofertas da Flor no WhatsApp.').count()).toBe(1);
      expect(await join.locator('html').evaluate((e) => e.scrollWidth)).toBeLessThanOrEqual(360);
      await shot(join, 'join-pt-360');

      await join.getByRole('link', { name: 'English' }).click();
      await join.getByRole('button', { name: 'Continue' }).waitFor();
      expect(await join.locator('html').getAttribute('lang')).toBe('en');
      expect(await join.getByText('How to stop:').locator('..').textContent()).toContain('Reply STOP at any time');
      expect(await join.getByLabel('WhatsApp number').count()).toBe(1);
      await join.getByRole('link', { name: 'Español' }).click();
      await join.getByRole('button', { name: 'Continuar' }).waitFor();
      expect(await join.getByText('Cómo darte de baja:').locator('..').textContent()).toContain('Responde BAJA');
      await shot(join, 'join-es-360');
      expect(csp).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it('fits the edit form on a 360 px screen', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await detail().getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('form', { name: 'Edit Site da Flor' }).getByLabel('Brand colour (optional)').scrollIntoViewIfNeeded();
    await shot(page, 'form-360');
    expect(await page.locator('html').evaluate((e) => e.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByRole('form', { name: 'Edit Site da Flor' }).getByRole('button', { name: 'Cancel' }).click();
  });

  it('showed no dialogs, page errors or CSP violations', () => {
    expect(seen).toEqual({ dialogs: [], pageErrors: [], cspViolations: [] });
  });
});
