// The Webhooks tab in Chromium against the real app and a receiver on 127.0.0.1 (allow-listed by
// the operator setting): an unsafe URL is refused at its field, an endpoint is added and its secret
// shown once, a test event is sent and appears delivered in the log, it is replayed, and an
// endpoint disabled after 24 h of failures shows a banner.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookEndpoints } from '../../src/modules/hooks/hooks.tables.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, serveApp, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'owner@hooks-ui.example';
const PASSWORD = 'a long enough passphrase';
let t: TestApp;
let receiver: Server;
let origin: string;
let browser: Browser;
let page: Page;
const received: string[] = [];
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[] };
const section = () => page.locator('section.webhooks');

beforeAll(async () => {
  await ensureWebBuilt();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => (received.push(Buffer.concat(chunks).toString('utf8')), res.end('ok')));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  t = await createTestApp({ webhookAllowedOrigins: origin });
  const owner = await t.tenant('hooks-ui');
  expect((await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: EMAIL, role: 'owner', password: PASSWORD } })).statusCode).toBe(201);
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, await serveApp(t), { workspace: 'hooks-ui', email: EMAIL, password: PASSWORD });
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Webhooks', exact: true }).click();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((r) => receiver?.close(() => r()));
});

describe('the Webhooks tab', () => {
  it('refuses a private address at the URL field', async () => {
    const form = page.getByRole('form', { name: 'Add a webhook endpoint' });
    await form.getByLabel('Endpoint URL').fill('https://169.254.169.254/latest/meta-data');
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => form.getByRole('alert').textContent(), { timeout: UI_TIMEOUT }).toContain('private, loopback or link-local');
    expect(await form.getByLabel('Endpoint URL').getAttribute('aria-invalid')).toBe('true');
  });

  it('adds an endpoint and shows its secret once; sends a test that is delivered; replays it', async () => {
    const form = page.getByRole('form', { name: 'Add a webhook endpoint' });
    await form.getByLabel('Endpoint URL').fill(`${origin}/hooks`);
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.getByTestId('new-webhook-secret').locator('code.secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    await page.getByTestId('new-webhook-secret').getByRole('button', { name: 'Done' }).click();
    await section().getByTestId('webhook-endpoint-row').filter({ hasText: `${origin}/hooks` }).waitFor();
    expect(await section().textContent()).not.toContain(secret);
    await section().getByRole('button', { name: 'Send test' }).click();
    const rows = () => section().getByTestId('webhook-delivery-row');
    await expect.poll(async () => (await rows().first().textContent()) ?? '', { timeout: UI_TIMEOUT }).toContain('delivered');
    expect(await rows().first().textContent()).toContain('webhook.test');
    expect(received.some((b) => JSON.parse(b).type === 'webhook.test')).toBe(true);
    await rows().first().getByRole('button', { name: /^Replay/ }).click();
    await expect.poll(() => rows().count(), { timeout: UI_TIMEOUT }).toBe(2);
  });

  it('shows a banner for an endpoint disabled after 24 h of failures', async () => {
    // As the delivery loop leaves it (test/outbound-webhooks.test.ts drives the real 24 h).
    const [ep] = await t.db.update(hookEndpoints).set({ enabled: false, disabledReason: 'every delivery failed for 24 hours (since 2026-12-06T10:00:00Z)' }).returning({ id: hookEndpoints.id });
    expect(ep).toBeDefined();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'API keys', exact: true }).click();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Webhooks', exact: true }).click();
    await expect.poll(() => section().getByTestId('webhook-disabled-banner').textContent(), { timeout: UI_TIMEOUT }).toContain('every delivery failed for 24 hours');
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  });

  it('connects a shop: the URL to paste into the shop is shown, and the shop can be disconnected', async () => {
    const form = page.getByRole('form', { name: 'Connect a shop' });
    await form.getByLabel('Shop').selectOption('woocommerce');
    await form.getByLabel('Name').fill('Acme on Woo');
    await form.getByLabel('Webhook secret').fill('woo-secret-4242');
    await form.getByRole('button', { name: 'Connect shop' }).click();
    const url = page.getByTestId('shop-webhook-url');
    await expect.poll(() => url.textContent(), { timeout: UI_TIMEOUT }).toMatch(/\/webhooks\/shops\/[0-9a-f-]{36}$/);
    expect(await page.getByRole('table', { name: 'Connected shops' }).textContent()).toContain('Acme on Woo (WooCommerce)');
    expect(await page.content()).not.toContain('woo-secret-4242');
    await page.screenshot({ path: join(tmpdir(), 'webhooks-shops-1280.png'), fullPage: true });
    await page.getByRole('table', { name: 'Connected shops' }).getByRole('button', { name: 'Disconnect' }).click();
    await expect.poll(() => page.getByText('No shop connected yet.').count(), { timeout: UI_TIMEOUT }).toBe(1);
    expect(seen.pageErrors).toEqual([]);
  });
});
