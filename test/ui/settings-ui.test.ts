// The Settings tab in Chromium against the real app: the business name and quiet hours are changed
// and still there after a reload; a bad value shows the API's message next to its field; a user is
// added with a role, given another and deactivated; a viewer sees the settings read-only with no
// Save buttons, no team and no owner-only tabs; the page fits a 360 px phone.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, serveApp, UI_TIMEOUT } from '../helpers/ui.js';
import { launchChromium, watchPage } from './browser.js';
import { ensureWebBuilt } from './web-build.js';

const PASSWORD = 'a long enough passphrase';
const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');
let t: TestApp;
let owner: { key: string };
let base: string;
let browser: Browser;
let page: Page;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[] };

const tab = (p: Page, name: string) => p.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true });
const card = (p: Page, name: string) => p.getByRole('form', { name });
const workspace = async () => (await t.call(owner.key, { method: 'GET', url: '/api/v1/workspace' })).json();
const overflow = (p: Page) => p.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth);

async function shot(p: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: join(SHOTS, `settings-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  await ensureWebBuilt();
  t = await createTestApp();
  owner = await t.tenant('settings-ui');
  for (const [email, role] of [
    ['owner@settings-ui.example', 'owner'],
    ['viewer@settings-ui.example', 'viewer'],
  ] as const) {
    expect((await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email, name: role === 'owner' ? 'Bench Owner' : 'Vi Ewer', role, password: PASSWORD } })).statusCode).toBe(201);
  }
  base = await serveApp(t);
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, base, { workspace: 'settings-ui', email: 'owner@settings-ui.example', password: PASSWORD });
  await tab(page, 'Settings').click();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the Settings tab (owner)', () => {
  it('changes the business name and quiet hours; both are there after a reload', async () => {
    const profile = card(page, 'Business profile');
    await profile.getByLabel('Business name').fill('Bench Bakery');
    await profile.getByLabel('Default country').fill('gb');
    await profile.getByRole('button', { name: 'Save business profile' }).click();
    await expect.poll(() => page.getByTestId('workspace-name').textContent(), { timeout: UI_TIMEOUT }).toBe('Bench Bakery');

    const sending = card(page, 'Sending');
    await sending.getByRole('radio', { name: 'Custom' }).first().check();
    await sending.getByLabel('Quiet from').fill('22:00');
    await sending.getByLabel('Quiet until').fill('07:30');
    await sending.getByLabel('Test numbers (comma-separated)').fill('+447700900123');
    await sending.getByRole('button', { name: 'Save sending' }).click();
    await expect.poll(async () => (await workspace()).settings.broadcasts?.quiet_hours, { timeout: UI_TIMEOUT }).toEqual({ start: '22:00', end: '07:30' });
    const stored = await workspace();
    expect(stored).toMatchObject({ name: 'Bench Bakery', settings: { default_country: 'GB', broadcasts: { test_numbers: ['+447700900123'] } } });

    await page.reload();
    await tab(page, 'Settings').click();
    expect(await card(page, 'Business profile').getByLabel('Business name').inputValue()).toBe('Bench Bakery');
    expect(await card(page, 'Sending').getByLabel('Quiet from').inputValue()).toBe('22:00');
    expect(await card(page, 'Sending').getByLabel('Quiet until').inputValue()).toBe('07:30');
  });

  it("shows the API's message next to the field it names, and stores nothing", async () => {
    const profile = card(page, 'Business profile');
    await profile.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await profile.getByRole('button', { name: 'Save business profile' }).click();
    const zone = profile.getByLabel('Time zone');
    await expect.poll(() => zone.getAttribute('aria-invalid'), { timeout: UI_TIMEOUT }).toBe('true');
    const describedBy = (await zone.getAttribute('aria-describedby')) ?? '';
    const message = page.locator(`#${describedBy.split(' ').find((id) => id.endsWith('-error'))}`);
    expect(await message.textContent()).toContain('IANA time zone');
    expect(await message.getAttribute('data-field')).toBe('settings.timezone');

    const sending = card(page, 'Sending');
    await sending.getByLabel('Quiet from').fill('25:00');
    await sending.getByRole('button', { name: 'Save sending' }).click();
    const from = sending.getByLabel('Quiet from');
    await expect.poll(() => from.getAttribute('aria-invalid'), { timeout: UI_TIMEOUT }).toBe('true');
    expect(await sending.locator('[data-field="settings.broadcasts.quiet_hours.start"]').textContent()).toContain('24-hour');
    expect(await sending.getByLabel('Quiet until').getAttribute('aria-invalid')).toBeNull();
    expect((await workspace()).settings).toMatchObject({ broadcasts: { quiet_hours: { start: '22:00' } } });
    expect((await workspace()).settings.timezone).toBeUndefined();
    await shot(page, 'owner-1280');
  });

  it('sets the conversion window: 31 days is refused next to the field, 14 is stored', async () => {
    const conv = card(page, 'Conversions');
    const days = conv.getByLabel('Attribution window (days, 1–30)');
    expect(await days.inputValue()).toBe('7');
    await days.fill('31');
    await conv.getByRole('button', { name: 'Save conversions' }).click();
    await expect.poll(() => days.getAttribute('aria-invalid'), { timeout: UI_TIMEOUT }).toBe('true');
    expect(await conv.locator('[data-field="settings.conversions.window_days"]').textContent()).toContain('30');
    expect((await workspace()).settings.conversions).toBeUndefined();
    await conv.screenshot({ path: join(SHOTS, 'settings-conversions-error.png') });
    await days.fill('14');
    await conv.getByLabel('Goal event types (comma-separated)').fill('purchase, signup');
    await conv.getByRole('button', { name: 'Save conversions' }).click();
    await expect.poll(async () => (await workspace()).settings.conversions, { timeout: UI_TIMEOUT }).toEqual({ window_days: 14, event_types: ['purchase', 'signup'] });
  });

  it('adds a user with a role, changes the role and deactivates them', async () => {
    const add = card(page, 'Add a user');
    await add.getByLabel('Email').fill('ana@settings-ui.example');
    await add.getByLabel('Name').fill('Ana Agent');
    await add.getByLabel('Role').selectOption('agent');
    await add.getByLabel('Password (optional)').fill('short');
    await add.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => add.getByLabel('Password (optional)').getAttribute('aria-invalid'), { timeout: UI_TIMEOUT }).toBe('true');
    expect(await add.locator('[data-field="password"]').textContent()).toContain('at least 12 characters');

    await add.getByLabel('Password (optional)').fill('');
    await add.getByRole('button', { name: 'Add user' }).click();
    const row = page.getByTestId('user-row').filter({ hasText: 'ana@settings-ui.example' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Ana Agent');
    const users = async () => (await t.call(owner.key, { method: 'GET', url: '/api/v1/users' })).json().data as { email: string; role: string; disabled: boolean }[];
    expect((await users()).find((u) => u.email === 'ana@settings-ui.example')).toMatchObject({ role: 'agent', disabled: false });

    await row.getByLabel('Role of ana@settings-ui.example').selectOption('marketer');
    await expect.poll(async () => (await users()).find((u) => u.email === 'ana@settings-ui.example')?.role, { timeout: UI_TIMEOUT }).toBe('marketer');
    await row.getByRole('button', { name: /^Deactivate/ }).click();
    await expect.poll(async () => (await users()).find((u) => u.email === 'ana@settings-ui.example')?.disabled, { timeout: UI_TIMEOUT }).toBe(true);
    await expect.poll(() => row.textContent(), { timeout: UI_TIMEOUT }).toContain('Deactivated');
    // The signed-in owner cannot demote or deactivate themselves from the list.
    const self = page.getByTestId('user-row').filter({ hasText: 'owner@settings-ui.example' });
    expect(await self.getByRole('button').count()).toBe(0);
    expect(await self.getByRole('combobox').count()).toBe(0);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  });
});

describe('the Settings tab (viewer)', () => {
  it('shows the settings read-only: no Save buttons, no team, no owner-only tabs; fits 360 px', async () => {
    const viewerBrowser = await launchChromium();
    try {
      const context = await viewerBrowser.newContext({ viewport: { width: 360, height: 780 } });
      const p = await context.newPage();
      p.setDefaultTimeout(UI_TIMEOUT);
      watchPage(p, seen);
      await loginUi(p, base, { workspace: 'settings-ui', email: 'viewer@settings-ui.example', password: PASSWORD });
      // On a phone the tab bar is a menu (the shell's "Section" select).
      const menu = p.getByLabel('Section', { exact: true });
      await menu.selectOption({ label: 'Settings' });
      await card(p, 'Business profile').getByLabel('Business name').waitFor();
      expect(await card(p, 'Business profile').getByLabel('Business name').inputValue()).toBe('Bench Bakery');
      expect(await card(p, 'Business profile').getByLabel('Business name').isDisabled()).toBe(true);
      expect(await p.locator('section.settings').getByRole('button').count()).toBe(0);
      expect(await p.getByRole('heading', { name: 'Team' }).count()).toBe(0);
      expect(await p.getByRole('table', { name: 'Users' }).count()).toBe(0);
      // Owner-only tabs are neither in the menu nor in the (hidden on a phone) tab bar.
      const sections = await menu.locator('option').allTextContents();
      expect(sections).toContain('Settings');
      expect(sections).not.toContain('Audit log');
      expect(sections).not.toContain('API keys');
      expect(await p.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Audit log', includeHidden: true }).count()).toBe(0);
      expect(await overflow(p)).toBeLessThanOrEqual(360);
      await shot(p, 'viewer-360');
    } finally {
      await viewerBrowser.close();
    }
  });

  it('fits a 360 px phone for the owner too', async () => {
    await page.setViewportSize({ width: 360, height: 780 });
    await page.getByRole('table', { name: 'Users' }).waitFor();
    await shot(page, 'owner-360');
    await card(page, 'Sending').screenshot({ path: join(SHOTS, 'settings-sending-360.png') });
    await page.locator('section.team').screenshot({ path: join(SHOTS, 'settings-team-360.png') });
    expect(await overflow(page)).toBeLessThanOrEqual(360);
    expect(seen.pageErrors).toEqual([]);
  });
});
