// The Topics and Phone numbers tabs in Chromium against the real app (issue 19): an owner creates a
// topic, edits it, and sees the API's message next to Key for a bad or taken key; connects a number
// that points at the Cloud API simulator, copies the webhook URL and verify token, runs Test
// connection (quality and tier from the simulator), sees a clear error with a wrong token, replaces
// the token and disconnects after a confirmation. Both tabs fit a 360 px phone.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, QUIET_KNOBS, type Simulator } from '../../src/simulator/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, serveApp, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const PASSWORD = 'a long enough passphrase';
const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');
const NUMBER = { phoneNumberId: '7065403599', wabaId: '7022901299', accessToken: 'sim-token-topics-numbers', appSecret: 'tn-app-secret', verifyToken: 'tn-verify-token-01' };
let t: TestApp;
let owner: { key: string };
let sim: Simulator;
let simUrl: string;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[] };

const tab = (p: Page, name: string) => p.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true });
const form = (p: Page, name: string) => p.getByRole('form', { name });
const api = async (url: string) => (await t.call(owner.key, { method: 'GET', url })).json();
const topics = async () => (await api('/api/v1/topics')).data as { key: string; name: string; category: string; description: string | null; frequency: string | null }[];
const numbers = async () => (await t.call(owner.key, { method: 'GET', url: '/api/v1/phone-numbers' })).body;
// The browser's clipboard (the page runs in Chromium; Node's types have no navigator).
const clipboard = (p: Page) => p.evaluate('navigator.clipboard.readText()') as Promise<string>;
const overflow = (p: Page) => p.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth);

async function shot(p: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: join(SHOTS, `topics-numbers-${name}.png`), fullPage: true });
}

/** The API's message under the input labelled `label` in `scope` (its aria-describedby error). */
async function fieldError(scope: ReturnType<typeof form>, label: string): Promise<string | null> {
  const input = scope.getByLabel(label, { exact: true });
  await expect.poll(() => input.getAttribute('aria-invalid'), { timeout: UI_TIMEOUT }).toBe('true');
  const id = ((await input.getAttribute('aria-describedby')) ?? '').split(' ').find((x) => x.endsWith('-error'));
  return scope.locator(`#${id}`).textContent();
}

beforeAll(async () => {
  await ensureWebBuilt();
  t = await createTestApp();
  owner = await t.tenant('tn-ui');
  expect((await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: 'owner@tn-ui.example', name: 'Tess Owner', role: 'owner', password: PASSWORD } })).statusCode).toBe(201);
  base = await serveApp(t);
  sim = createSimulator({
    seed: 'topics-numbers-ui',
    phoneNumbers: [{ ...NUMBER, verifiedName: 'Tess Bakery', messagingLimitTier: 'TIER_10K', qualityRating: 'YELLOW', mps: 80 }],
    appSecret: NUMBER.appSecret,
    verifyToken: NUMBER.verifyToken,
    webhookUrl: `${base}/webhooks/whatsapp`,
    timeScale: 0.01,
    knobs: QUIET_KNOBS,
  });
  simUrl = await sim.listen(0);
  ({ browser, context, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await loginUi(page, base, { workspace: 'tn-ui', email: 'owner@tn-ui.example', password: PASSWORD });
  await tab(page, 'Topics').click();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  await t?.close();
});

describe('the Topics tab (owner)', () => {
  it('creates a topic through the form; the API has it with every field', async () => {
    const create = form(page, 'New topic');
    await create.getByLabel('Key', { exact: true }).fill('weekly-offers');
    await create.getByLabel('Name', { exact: true }).fill('Weekly offers');
    await create.getByLabel('Category').selectOption('marketing');
    await create.getByLabel('Description (optional)').fill('Bread of the week and discounts');
    await create.getByLabel('Frequency promised (optional)').fill('at most 1 a week');
    await create.getByRole('button', { name: 'Create topic' }).click();
    const row = page.getByTestId('topic-row').filter({ hasText: 'weekly-offers' });
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(['weekly-offers', 'Weekly offersBread of the week and discounts', 'marketing', 'at most 1 a week', 'Edit']);
    expect(await topics()).toEqual([expect.objectContaining({ key: 'weekly-offers', name: 'Weekly offers', category: 'marketing', description: 'Bread of the week and discounts', frequency: 'at most 1 a week' })]);
    // The form is empty again for the next topic.
    expect(await create.getByLabel('Key', { exact: true }).inputValue()).toBe('');
  });

  it("shows the API's message under Key for a bad key and for a key already taken; nothing is stored", async () => {
    const create = form(page, 'New topic');
    await create.getByLabel('Key', { exact: true }).fill('Bad Key!');
    await create.getByLabel('Name', { exact: true }).fill('Bad');
    await create.getByRole('button', { name: 'Create topic' }).click();
    expect(await fieldError(create, 'Key')).toContain('lowercase letters, digits');
    expect(await create.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    await shot(page, 'topic-422-1280');

    await create.getByLabel('Key', { exact: true }).fill('weekly-offers');
    await create.getByRole('button', { name: 'Create topic' }).click();
    await expect.poll(() => create.locator('[data-field="key"]').textContent(), { timeout: UI_TIMEOUT }).toContain('already exists');
    expect((await topics()).map((x) => x.key)).toEqual(['weekly-offers']);
  });

  it('edits the name, description and frequency; key and category are shown as fixed', async () => {
    await page.getByRole('button', { name: 'Edit weekly-offers' }).click();
    const edit = form(page, 'Edit topic weekly-offers');
    expect(await edit.textContent()).toContain('stay as they are: people gave their consent to them');
    expect(await edit.getByLabel('Key', { exact: true }).count()).toBe(0);
    await edit.getByLabel('Name', { exact: true }).fill('Offers of the week');
    await edit.getByLabel('Description').fill('');
    await edit.getByLabel('Frequency promised').fill('at most 2 a week');
    await edit.getByRole('button', { name: 'Save topic' }).click();
    await page.getByRole('status').filter({ hasText: 'Topic "Offers of the week" saved.' }).waitFor();
    expect(await topics()).toEqual([expect.objectContaining({ key: 'weekly-offers', name: 'Offers of the week', category: 'marketing', description: null, frequency: 'at most 2 a week' })]);
    const row = page.getByTestId('topic-row').filter({ hasText: 'weekly-offers' });
    await expect.poll(() => row.locator('td').allTextContents(), { timeout: UI_TIMEOUT }).toEqual(['weekly-offers', 'Offers of the week', 'marketing', 'at most 2 a week', 'Edit']);

    // An empty name is refused next to the field.
    await page.getByRole('button', { name: 'Edit weekly-offers' }).click();
    await edit.getByLabel('Name', { exact: true }).fill(' ');
    await edit.getByRole('button', { name: 'Save topic' }).click();
    expect(await fieldError(edit, 'Name')).toBe('give the topic a name people will recognise');
    expect((await topics())[0]!.name).toBe('Offers of the week');
    await shot(page, 'topics-1280');
    await page.locator('.topic-edit').getByRole('button', { name: 'Close' }).click();
    await edit.waitFor({ state: 'detached' });
    expect(seen.pageErrors).toEqual([]);
  });
});

describe('the Phone numbers tab (owner)', () => {
  it('shows the webhook URL for Meta with a Copy button', async () => {
    await tab(page, 'Phone numbers').click();
    const url = page.getByRole('textbox', { name: 'Callback URL' });
    expect(await url.inputValue()).toBe(`${base}/webhooks/whatsapp`);
    await page.getByRole('button', { name: 'Copy callback url' }).click();
    await page.getByTestId('webhook-setup').getByRole('status').waitFor();
    expect(await clipboard(page)).toBe(`${base}/webhooks/whatsapp`);
    expect(await page.getByText('No number is connected yet.').count()).toBe(1);
  });

  it('refuses a bad phone number id next to the field, then connects a number pointing at the simulator', async () => {
    const connect = form(page, 'Connect a number');
    await connect.getByLabel('Display number').fill('+1 555 078 3899');
    await connect.getByLabel('Phone number ID').fill('not-a-number');
    await connect.getByLabel('WhatsApp Business Account ID').fill(NUMBER.wabaId);
    await connect.getByLabel('Access token').fill(NUMBER.accessToken);
    await connect.getByLabel('App secret').fill(NUMBER.appSecret);
    await connect.getByLabel('Verify token').fill(NUMBER.verifyToken);
    expect(await connect.getByLabel('Access token').getAttribute('type')).toBe('password');
    expect(await connect.getByLabel('App secret').getAttribute('type')).toBe('password');
    await connect.getByText('Advanced').click();
    await connect.getByLabel('Cloud API address (optional)').fill(simUrl);
    await connect.getByRole('button', { name: 'Connect number' }).click();
    expect(await fieldError(connect, 'Phone number ID')).toContain('numeric phone number id');
    expect(JSON.parse(await numbers()).data).toEqual([]);
    await shot(page, 'numbers-422-1280');

    await connect.getByLabel('Phone number ID').fill(NUMBER.phoneNumberId);
    await connect.getByRole('button', { name: 'Connect number' }).click();
    const card = page.getByTestId('number-card').filter({ hasText: '+1 555 078 3899' });
    await card.waitFor();
    const stored = await numbers();
    expect(JSON.parse(stored).data).toEqual([expect.objectContaining({ phone_number_id: NUMBER.phoneNumberId, waba_id: NUMBER.wabaId, display_number: '+1 555 078 3899', api_base_url: simUrl })]);
    // Secrets are write-only: no answer holds them, and the form is cleared.
    for (const secret of [NUMBER.accessToken, NUMBER.appSecret, NUMBER.verifyToken]) expect(stored).not.toContain(secret);
    expect(await connect.getByLabel('Access token').inputValue()).toBe('');
    expect(await connect.getByLabel('App secret').inputValue()).toBe('');
    expect(await page.locator(`input[value="${NUMBER.accessToken}"], input[value="${NUMBER.appSecret}"]`).count()).toBe(0);

    // What to paste into Meta: the callback URL and the verify token just chosen, each copyable.
    const setup = page.getByTestId('webhook-setup');
    expect(await setup.getByRole('textbox', { name: 'Verify token' }).inputValue()).toBe(NUMBER.verifyToken);
    await setup.getByRole('button', { name: 'Copy verify token' }).click();
    await expect.poll(() => clipboard(page), { timeout: UI_TIMEOUT }).toBe(NUMBER.verifyToken);
    // Meta's handshake with that token and URL succeeds.
    const handshake = await fetch(`${base}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${NUMBER.verifyToken}&hub.challenge=4711`);
    expect(await handshake.text()).toBe('4711');
    await shot(page, 'numbers-connected-1280');
  });

  it('Test connection shows the quality rating and messaging tier the Cloud API reports', async () => {
    const card = page.getByTestId('number-card').filter({ hasText: '+1 555 078 3899' });
    expect(await card.textContent()).toContain('250 / 24 h');
    await card.getByRole('button', { name: 'Test connection' }).click();
    const ok = card.getByTestId('connection-ok');
    await ok.waitFor();
    expect(await ok.textContent()).toContain('Quality yellow, messaging limit 10K / 24 h');
    await expect.poll(async () => card.locator('.fields').textContent(), { timeout: UI_TIMEOUT }).toContain('Tess Bakery');
    const [n] = JSON.parse(await numbers()).data;
    expect(n).toMatchObject({ quality_rating: 'YELLOW', messaging_limit_tier: 'TIER_10K', verified_name: 'Tess Bakery' });
    expect(n.health_checked_at).not.toBeNull();
  });

  it('a wrong access token: Test connection says so; a new token fixes it', async () => {
    const card = page.getByTestId('number-card').filter({ hasText: '+1 555 078 3899' });
    await card.getByRole('button', { name: 'Replace access token' }).click();
    const tokenForm = card.getByRole('form', { name: 'Replace access token' });
    await tokenForm.getByLabel('New access token').fill('a-wrong-token-for-the-sim');
    await tokenForm.getByRole('button', { name: 'Save new token' }).click();
    await tokenForm.waitFor({ state: 'detached' });
    await card.getByRole('button', { name: 'Test connection' }).click();
    const failed = card.getByTestId('connection-failed');
    await failed.waitFor();
    expect(await failed.textContent()).toContain('the access token for this business number is invalid, expired or lacks permission');
    expect(await failed.textContent()).not.toMatch(/[{}]/);
    await shot(page, 'numbers-wrong-token-1280');

    await card.getByRole('button', { name: 'Replace access token' }).click();
    await tokenForm.getByLabel('New access token').fill(NUMBER.accessToken);
    await tokenForm.getByRole('button', { name: 'Save new token' }).click();
    await tokenForm.waitFor({ state: 'detached' });
    await card.getByRole('button', { name: 'Test connection' }).click();
    await card.getByTestId('connection-ok').waitFor();
  });

  it('fits a 360 px phone: both tabs through the Section menu, a topic created there', async () => {
    const phoneContext = await browser.newContext({ viewport: { width: 360, height: 780 } });
    try {
      const p = await phoneContext.newPage();
      p.setDefaultTimeout(UI_TIMEOUT);
      await loginUi(p, base, { workspace: 'tn-ui', email: 'owner@tn-ui.example', password: PASSWORD });
      const menu = p.getByLabel('Section', { exact: true });
      await menu.selectOption({ label: 'Topics' });
      const create = form(p, 'New topic');
      await create.getByLabel('Key', { exact: true }).fill('orders');
      await create.getByLabel('Name', { exact: true }).fill('Order updates');
      await create.getByLabel('Category').selectOption('utility');
      await create.getByRole('button', { name: 'Create topic' }).click();
      await p.getByTestId('topic-row').filter({ hasText: 'orders' }).waitFor();
      expect((await topics()).find((x) => x.key === 'orders')).toMatchObject({ name: 'Order updates', category: 'utility' });
      // Each topic is a block on a phone: its Edit button is on screen, not scrolled off to the side.
      const edit = await p.getByRole('button', { name: 'Edit orders' }).boundingBox();
      expect(edit!.x + edit!.width).toBeLessThanOrEqual(360);
      expect(await overflow(p)).toBeLessThanOrEqual(360);
      await shot(p, 'topics-360');

      await menu.selectOption({ label: 'Phone numbers' });
      const card = p.getByTestId('number-card').filter({ hasText: '+1 555 078 3899' });
      await card.getByRole('button', { name: 'Test connection' }).click();
      await card.getByTestId('connection-ok').waitFor();
      expect(await overflow(p)).toBeLessThanOrEqual(360);
      await shot(p, 'numbers-360');
    } finally {
      await phoneContext.close();
    }
  });

  it('disconnects a number only after a confirmation', async () => {
    const card = page.getByTestId('number-card').filter({ hasText: '+1 555 078 3899' });
    await card.getByRole('button', { name: 'Disconnect' }).click();
    const confirm = card.getByRole('group', { name: 'Confirm disconnecting' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(JSON.parse(await numbers()).data).toHaveLength(1);

    await card.getByRole('button', { name: 'Disconnect' }).click();
    await shot(page, 'numbers-confirm-1280');
    await confirm.getByRole('button', { name: 'Yes, disconnect' }).click();
    await page.getByRole('status').filter({ hasText: '+1 555 078 3899 disconnected.' }).waitFor();
    await card.waitFor({ state: 'detached' });
    expect(JSON.parse(await numbers()).data).toEqual([]);
    expect(seen.dialogs).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  });
});
