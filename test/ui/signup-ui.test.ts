// The Opt-in sources tab in Chromium against the real app, with the Cloud API simulator as the
// business number: a QR source is created (a STOP keyword refused at its field first), its link
// shown, its QR downloaded as PNG and SVG with the session cookie, its poster opened; a web form is
// created, previewed at phone size and published; a phone-sized browser joins at /join/<slug>, the
// keyword is confirmed through the simulator, and the counts go up. Then 360 px and a viewer.
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { connectSimNumber, settleSim } from '../helpers/factories.js';
import { loginUi, openUiPage, serveApp, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'owner@signup-ui.example';
const VIEWER = 'viewer@signup-ui.example';
const PASSWORD = 'a long enough passphrase';
const BUSINESS = 'Bloom Flowers';
const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'signup-ui-shots');
const NUMBER = { phoneNumberId: '8165403522', wabaId: '8122901293', accessToken: 'sim-token-signup-ui' };

let t: TestApp;
let sim: Simulator;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[] };
const tab = () => page.locator('section.optin-sources');
const row = (name: string) => tab().getByTestId('optin-source-row').filter({ hasText: name });
const detail = () => tab().getByTestId('optin-source-detail');

async function shot(p: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: join(SHOTS, `signup-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  await ensureWebBuilt();
  t = await createTestApp();
  base = await serveApp(t);
  const owner = await t.tenant('signup-ui');
  ({ sim } = await connectSimNumber(t, owner.key, { seed: 'signup-ui', number: NUMBER, displayNumber: '+1 555 078 3990', appSecret: 'signup-ui-secret', verifyToken: 'signup-ui-verify', webhookUrl: `${base}/webhooks/whatsapp` }));
  expect((await t.call(owner.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { name: BUSINESS } })).statusCode).toBe(200);
  expect((await t.call(owner.key, { method: 'POST', url: '/api/v1/topics', payload: { key: 'offers', name: 'Offers', category: 'marketing', frequency: 'at most 2 a week', description: 'Seasonal bouquets and deals' } })).statusCode).toBe(201);
  for (const [email, role] of [[EMAIL, 'owner'], [VIEWER, 'viewer']] as const) {
    expect((await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email, role, password: PASSWORD } })).statusCode).toBe(201);
  }
  ({ browser, context, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, base, { workspace: 'signup-ui', email: EMAIL, password: PASSWORD });
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Opt-in sources', exact: true }).click();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  await t?.close();
});

describe('the Opt-in sources tab', () => {
  it('refuses a STOP keyword at its field, then creates a QR source and shows its link', async () => {
    await tab().getByRole('button', { name: 'New source' }).click();
    const form = page.getByRole('form', { name: 'New opt-in source' });
    expect(await form.getByLabel('Kind').inputValue()).toBe('store');
    await form.getByLabel('Name', { exact: true }).fill('Till QR');
    await form.getByLabel('Keyword').fill('STOP');
    await form.getByRole('checkbox', { name: /Offers/ }).check();
    await form.getByLabel('Consent text').fill('Text SPRING to get Bloom offers on WhatsApp, at most 2 a week. Reply STOP to stop.');
    await form.getByRole('button', { name: 'Create source' }).click();
    await expect.poll(async () => form.getByLabel('Keyword').getAttribute('aria-invalid'), { timeout: UI_TIMEOUT }).toBe('true');
    expect(await form.locator('#src-new-keyword-error').textContent()).toContain('opt-out or opt-in word');

    await form.getByLabel('Keyword').fill('Spring');
    await form.getByRole('button', { name: 'Create source' }).click();
    await row('Till QR').waitFor();
    expect(await row('Till QR').getByTestId('optin-count').textContent()).toBe('0');
    await expect.poll(() => detail().getByLabel('Click-to-chat link').inputValue(), { timeout: UI_TIMEOUT }).toBe('https://wa.me/15550783990?text=spring');
    await detail().getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => detail().getByRole('status').textContent(), { timeout: UI_TIMEOUT }).toMatch(/copied|Selected/);
    await shot(page, 'qr-source-1280');
  });

  it('downloads the QR code as PNG and SVG with the session cookie', async () => {
    const png = await Promise.all([page.waitForEvent('download'), detail().getByRole('link', { name: 'Download PNG' }).click()]).then(([d]) => d);
    expect(png.suggestedFilename()).toMatch(/^optin-[0-9a-f-]{36}\.png$/);
    const pngBytes = readFileSync((await png.path())!);
    expect(pngBytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(pngBytes.readUInt32BE(16)).toBe(1024); // IHDR width: the print size asked for
    const svg = await Promise.all([page.waitForEvent('download'), detail().getByRole('link', { name: 'Download SVG' }).click()]).then(([d]) => d);
    expect(svg.suggestedFilename()).toMatch(/^optin-[0-9a-f-]{36}\.svg$/);
    expect(readFileSync((await svg.path())!, 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);

    // The same links with the browser's cookie (no API key): the right content types.
    for (const [name, type] of [['Download PNG', 'image/png'], ['Download SVG', 'image/svg+xml']] as const) {
      const res = await context.request.get(`${base}${await detail().getByRole('link', { name }).getAttribute('href')}`);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toContain(type);
    }
    const anonymous = await fetch(`${base}${await detail().getByRole('link', { name: 'Download PNG' }).getAttribute('href')}`);
    expect(anonymous.status).toBe(401);
  });

  it('opens a printable poster with the business, what people get, how often, how to stop and the QR code', async () => {
    const [poster] = await Promise.all([context.waitForEvent('page'), detail().getByRole('link', { name: /Open poster/ }).click()]);
    const sheet = poster.getByTestId('optin-poster');
    await sheet.waitFor();
    const text = (await sheet.textContent()) ?? '';
    for (const part of [BUSINESS, 'Join us on WhatsApp', 'send SPRING', 'Offers', 'Seasonal bouquets and deals', 'How often', 'at most 2 a week', 'Reply STOP at any time', 'https://wa.me/15550783990?text=spring']) expect(text).toContain(part);
    const qr = sheet.getByRole('img', { name: /QR code/ });
    await expect.poll(() => qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
    await shot(poster, 'poster-a4-screen');
    await poster.getByLabel('Paper').selectOption('A5');
    await poster.emulateMedia({ media: 'print' });
    expect(await poster.getByRole('toolbar', { name: 'Poster' }).isVisible()).toBe(false);
    await shot(poster, 'poster-a5-print');
    // Chromium prints it to a PDF at the page size the print CSS asks for (A5: 420 × 595 pt).
    const pdf = (await poster.pdf({ preferCSSPageSize: true })).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf);
    expect(box?.slice(1, 3).map((n) => Math.round(Number(n)))).toEqual([420, 595]);
    await poster.close();
  });

  it('creates a web form, previews its page at phone size, and publishes it', async () => {
    await tab().getByRole('button', { name: 'New source' }).click();
    const form = page.getByRole('form', { name: 'New opt-in source' });
    await form.getByLabel('Kind').selectOption('form');
    await form.getByLabel('Name', { exact: true }).fill('Website sign-up');
    await form.getByLabel('Keyword').fill('Join Bloom');
    await form.getByRole('checkbox', { name: /Offers/ }).check();
    await form.getByLabel('Consent text').fill('Yes, send me Bloom offers on WhatsApp, at most 2 a week. Reply STOP to stop.');
    await form.getByLabel('Page address').fill('bloom-offers');
    expect(await form.getByLabel('Business name').inputValue()).toBe(BUSINESS);
    await form.getByLabel('Title').fill('Fresh offers on WhatsApp');
    await form.getByLabel('How often').fill('about 2 messages a week');
    await form.getByRole('button', { name: 'Create source' }).click();
    await row('Website sign-up').waitFor();

    // A draft without a privacy link cannot be published: the panel says why.
    await detail().getByRole('button', { name: 'Publish page' }).click();
    await expect.poll(() => detail().getByRole('alert').textContent(), { timeout: UI_TIMEOUT }).toContain('page.privacy_url');
    const frame = detail().locator('iframe[title="Sign-up page preview at phone size"]');
    expect(await frame.evaluate((f) => (f as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width)).toBe(360 + 20);
    const inner = page.frameLocator('iframe[title="Sign-up page preview at phone size"]');
    await expect.poll(() => inner.locator('body').textContent(), { timeout: UI_TIMEOUT }).toContain('Fresh offers on WhatsApp');
    expect(await inner.locator('.preview').textContent()).toContain('page.privacy_url');

    await detail().getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit Website sign-up' });
    await edit.getByLabel('Privacy policy URL').fill('not a url');
    await edit.getByLabel('Privacy policy URL').evaluate((i) => i.setAttribute('type', 'text')); // past the browser's own check, to the API's
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => edit.getByLabel('Privacy policy URL').getAttribute('aria-invalid'), { timeout: UI_TIMEOUT }).toBe('true');
    await edit.getByLabel('Privacy policy URL').fill('https://bloom.example/privacy');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await detail().getByRole('button', { name: 'Publish page' }).click();
    await detail().getByRole('button', { name: 'Unpublish page' }).waitFor();
    expect(await detail().getByTestId('optin-page-url').textContent()).toBe('http://127.0.0.1:8080/join/bloom-offers') // the configured public URL;
    await expect.poll(() => inner.locator('.preview').textContent(), { timeout: UI_TIMEOUT }).toContain('This page is live.');
    expect(await row('Website sign-up').textContent()).toContain('published');
    await shot(page, 'form-preview-1280');
  });

  it('counts a person who joins from a phone-sized browser and confirms the keyword through the simulator', async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const joinPage = await phone.newPage();
    await joinPage.goto(`${base}/join/bloom-offers`);
    expect(await joinPage.locator('html').evaluate((e) => e.scrollWidth)).toBeLessThanOrEqual(360);
    await shot(joinPage, 'join-360');
    await joinPage.getByLabel('Country').selectOption('US');
    await joinPage.getByLabel('WhatsApp number').fill('(415) 555-0142');
    await joinPage.waitForTimeout(2_100); // the page refuses a form filled faster than a person could
    await joinPage.getByRole('button', { name: 'Continue' }).click();
    await joinPage.getByRole('heading', { name: 'One more step: confirm on WhatsApp' }).waitFor();
    expect(await joinPage.getByRole('link', { name: 'Confirm on WhatsApp' }).getAttribute('href')).toBe('https://wa.me/15550783990?text=join%20bloom');
    await shot(joinPage, 'join-confirm-360');
    await phone.close();

    // The person sends the keyword from WhatsApp (the simulator), and someone else scans the till's QR.
    for (const [from, text] of [['+14155550142', 'join bloom'], ['+14155550143', 'SPRING']]) {
      expect((await sim.app.inject({ method: 'POST', url: '/_sim/inbound', payload: { from, text } })).statusCode).toBeLessThan(300);
    }
    await settleSim(t, sim);
    await tab().getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => row('Website sign-up').getByTestId('optin-count').textContent(), { timeout: UI_TIMEOUT }).toBe('1');
    expect(await row('Till QR').getByTestId('optin-count').textContent()).toBe('1');
  }, 60_000);

  it('fits a 360 px wide screen', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await row('Till QR').getByRole('button').click();
    await detail().waitFor();
    await shot(page, 'tab-360');
    expect(await page.locator('html').evaluate((e) => e.scrollWidth)).toBeLessThanOrEqual(360);
    await tab().getByRole('button', { name: 'New source' }).click();
    await page.getByRole('form', { name: 'New opt-in source' }).getByLabel('Kind').selectOption('form');
    await shot(page, 'new-form-360');
    expect(await page.locator('html').evaluate((e) => e.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByRole('form', { name: 'New opt-in source' }).getByRole('button', { name: 'Cancel' }).click();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows a viewer the sources, links and counts without buttons that would answer 403', async () => {
    const other = await openUiPage(seen, { viewport: { width: 1280, height: 900 } });
    try {
      await loginUi(other.page, base, { workspace: 'signup-ui', email: VIEWER, password: PASSWORD });
      await other.page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Opt-in sources', exact: true }).click();
      const section = other.page.locator('section.optin-sources');
      await section.getByTestId('optin-source-row').filter({ hasText: 'Website sign-up' }).getByRole('button').click();
      await section.getByTestId('optin-source-detail').getByRole('link', { name: 'Download SVG' }).waitFor();
      const buttons = await section.getByRole('button').allTextContents();
      for (const refused of ['New source', 'Edit', 'Publish page', 'Unpublish page', 'Archive (stop the keyword)']) expect(buttons).not.toContain(refused);
    } finally {
      await other.browser.close();
    }
  });

  it('showed no dialogs, page errors or CSP violations', () => {
    expect(seen).toEqual({ dialogs: [], pageErrors: [], cspViolations: [] });
  });
});
