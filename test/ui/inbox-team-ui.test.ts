// Two agents in two browsers (two Chromium contexts signed in as different users) on one inbox,
// against the real app, the Cloud API simulator and a worker-like conversation sync every 200 ms:
// both see a new conversation live; Bea sees "Ann is replying…" within a second of Ann typing (and
// the person gets WhatsApp's typing indicator); Ann's reply inside the window shows in Bea's open
// thread within a second, with its ticks arriving over the live stream; a canned reply is saved
// (an unknown variable refused, named) and picked in the composer with its variables filled;
// Ann assigns the conversation to herself and it leaves Bea's inbox live; the contact panel shows
// consent proof, lifecycle, tags and the automation running; a day later (the business clock) the
// window is closed and only the template picker is offered, and the template reaches the person;
// at phone width the three panes are one at a time with Back buttons.
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPoller, type Poller } from '../../src/adapters/worker/poller.js';
import { silentLogger } from '../../src/lib/logger.js';
import { syncConversations } from '../../src/modules/conversations/index.js';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, UI_TIMEOUT } from '../helpers/ui.js';
import { launchChromium, watchPage, type PageWatch } from './browser.js';
import { ensureWebBuilt } from './web-build.js';

const PASSWORD = 'a long enough passphrase';
/** The business clock: the wall clock plus an offset the test moves (a day later, the window is closed). */
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

let h: BroadcastHarness;
let browser: Browser;
let sync: Poller;
let ann: { id: string; page: Page; context: BrowserContext };
let bea: { id: string; page: Page; context: BrowserContext };
let ada: { id: string; phone: string };
let conversationId: string;
let slug: string;
const seen: PageWatch = { dialogs: [], pageErrors: [], cspViolations: [], consoleLines: [] };

const inbox = (p: Page) => p.locator('section.inbox');
const row = (p: Page, name: string) => inbox(p).getByTestId('conversation-row').filter({ hasText: name });
const thread = (p: Page) => p.getByTestId('thread');
async function shows(loc: Locator, text: string, timeout = UI_TIMEOUT): Promise<void> {
  await expect.poll(async () => (await loc.textContent())?.trim(), { timeout }).toBe(text);
}
const simStats = async () => (await h.sim.app.inject({ method: 'GET', url: '/_sim/stats' })).json() as { typing_indicators: number };

/** Creates a user, opens a browser context of their own and signs them in on the Inbox tab. */
async function signIn(email: string, name: string, slug: string) {
  const made = await h.api('POST', '/api/v1/users', { email, name, role: 'agent', password: PASSWORD });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  watchPage(page, seen);
  await loginUi(page, h.appUrl.replace('localhost', '127.0.0.1'), { workspace: slug, email, password: PASSWORD });
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Inbox', exact: true }).click();
  await inbox(page).getByTestId('live-mode').getByText('Live', { exact: true }).waitFor();
  return { id: made.body.id as string, page, context };
}

beforeAll(async () => {
  await ensureWebBuilt();
  h = await createBroadcastHarness({ seed: 'inbox-team-ui', liveInbox: true, clock, tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
  sync = startPoller({ name: 'conversations', idleMs: 200, yieldRatio: 1, log: silentLogger(), run: () => syncConversations({ db: h.t.db, log: silentLogger() }) });
  expect((await h.api('PATCH', '/api/v1/workspace', { name: 'Acme Shoes' })).status).toBe(200);
  slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  ada = (await h.seedContacts(1, { tag: 'vip' }))[0]!;
  expect((await h.api('PATCH', `/api/v1/contacts/${ada.id}`, { name: 'Ada Obi' })).status).toBe(200);
  // An automation waiting on Ada, for the contact panel.
  const auto = await h.api('POST', '/api/v1/automations', {
    name: 'Follow-up',
    definition: { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'pause', type: 'wait', duration: { days: 3 } }, { id: 'hello', type: 'send_message', text: 'Still interested?' }] },
  });
  expect(auto.status, JSON.stringify(auto.body)).toBe(201);
  expect((await h.api('POST', `/api/v1/automations/${auto.body.id}/publish`)).status).toBe(200);
  expect((await h.api('POST', `/api/v1/automations/${auto.body.id}/enrollments`, { contact_ids: [ada.id] })).body.enrolled).toBe(1);
  browser = await launchChromium();
  ann = await signIn('ann@shop.example', 'Ann', slug);
  bea = await signIn('bea@shop.example', 'Bea', slug);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sync?.stop();
  await h?.close();
});

describe('two agents on one inbox', () => {
  it('both see the new conversation live and open it; the contact panel shows consent proof, lifecycle, tags and the automation running', async () => {
    h.sim.inbound({ from: ada.phone.slice(1), text: 'Hello, is my order ready?' });
    for (const a of [ann, bea]) await row(a.page, 'Ada Obi').waitFor({ timeout: 15_000 });
    conversationId = ((await h.api('GET', '/api/v1/conversations')).body.data as { id: string }[])[0]!.id;
    for (const a of [ann, bea]) {
      await row(a.page, 'Ada Obi').click();
      await thread(a.page).getByRole('heading', { name: 'Ada Obi' }).waitFor();
    }
    const panel = ann.page.getByTestId('contact-panel');
    await shows(panel.getByTestId('contact-stage'), (await h.api('GET', `/api/v1/contacts/${ada.id}`)).body.lifecycle_stage);
    expect(await panel.getByTestId('contact-tags').textContent()).toContain('vip');
    const offers = panel.getByTestId('consent-proof').filter({ hasText: 'offers' });
    expect(await offers.textContent()).toMatch(/granted.*offers.*“Yes, send me offers” · via api/);
    // No engine runs in this test: the run is enrolled and due ("running"), not yet waiting.
    await shows(panel.getByTestId('automation-run'), 'Follow-up running');
  }, 30_000);

  it('Bea sees “Ann is replying…” within a second of Ann typing, and Ada gets WhatsApp’s typing indicator', async () => {
    const before = (await simStats()).typing_indicators;
    const started = Date.now();
    await thread(ann.page).getByLabel('Reply', { exact: true }).fill('Let me check');
    await shows(thread(bea.page).getByTestId('typing-warning'), 'Ann is replying…', 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await thread(ann.page).getByTestId('typing-warning').count()).toBe(0); // not for one's own typing
    await expect.poll(async () => (await simStats()).typing_indicators).toBe(before + 1);
  });

  it('Ann’s reply inside the window shows in Bea’s open thread within a second; its ticks arrive over the live stream', async () => {
    await thread(ann.page).getByLabel('Reply', { exact: true }).fill('Yes, ready since this morning.');
    await thread(ann.page).getByRole('button', { name: 'Send', exact: true }).click();
    const onBea = thread(bea.page).getByTestId('message').filter({ hasText: 'Yes, ready since this morning.' });
    // Within a second of the click (the wait starts once the click is done).
    await onBea.waitFor({ timeout: 1_000 });
    await shows(onBea.getByTestId('message-source'), 'agent');
    // No polling while live: the read tick can only come from the stream (status events announced by the sync).
    await expect.poll(async () => (await onBea.getByTestId('message-status').textContent())?.trim(), { timeout: UI_TIMEOUT }).toBe('· ✓✓ read');
    await expect.poll(() => h.sim.sent(ada.phone.slice(1)).map((m) => (m.request as { text?: { body?: string } }).text?.body)).toContain('Yes, ready since this morning.');
  });

  it('saves a canned reply (an unknown variable is refused, named) and picks it with its variables filled', async () => {
    await inbox(ann.page).getByRole('button', { name: 'Canned replies' }).click();
    const manager = ann.page.getByTestId('canned-manager');
    await manager.getByLabel('Shortcut').fill('pickup');
    await manager.getByLabel('Canned text').fill('Hi {{first_name}}, pick it up at {{shop}}.');
    await manager.getByRole('button', { name: 'Save canned reply' }).click();
    await expect.poll(async () => (await manager.getByTestId('canned-error').textContent()) ?? '').toContain('unknown variable {{shop}}');
    await manager.getByLabel('Canned text').fill('Hi {{first_name|there}}, {{business_name}} keeps it for you until Friday. {{agent_name}}');
    await manager.getByRole('button', { name: 'Save canned reply' }).click();
    await shows(manager.getByTestId('canned-row').locator('code'), '/pickup');
    await manager.getByRole('button', { name: 'Done' }).click();
    // The open composer's picker has it at once (the manager tells it).
    const picker = thread(ann.page).getByLabel('Insert a canned reply');
    await expect.poll(async () => (await picker.locator('option').allTextContents()).slice(1)).toEqual(['/pickup — Hi Ada, Acme Shoes keeps it for you until Friday.…']);
    await picker.selectOption({ index: 1 });
    expect(await thread(ann.page).getByLabel('Reply', { exact: true }).inputValue()).toBe('Hi Ada, Acme Shoes keeps it for you until Friday. Ann');
    await thread(ann.page).getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => h.sim.sent(ada.phone.slice(1)).map((m) => (m.request as { text?: { body?: string } }).text?.body)).toContain('Hi Ada, Acme Shoes keeps it for you until Friday. Ann');
  }, 30_000);

  it('Ann assigns it to herself: Bea’s inbox drops it live (agents see their own and unassigned ones)', async () => {
    await thread(ann.page).getByRole('button', { name: 'Assign to me' }).click();
    await shows(thread(ann.page).getByTestId('thread-assignee'), 'Assigned to you');
    await expect.poll(() => row(bea.page, 'Ada Obi').count(), { timeout: 2_000 }).toBe(0);
    await bea.page.getByText('This conversation was assigned to another agent').waitFor({ timeout: 2_000 });
    await inbox(ann.page).getByRole('button', { name: 'Mine', exact: true }).click();
    await row(ann.page, 'Ada Obi').waitFor();
  });

  it('a day later the window is closed: only the template picker is offered, and the template reaches Ada', async () => {
    offsetMs = 25 * 3_600_000;
    // A day later Ann's 12-hour session has ended too: she signs in again and opens Ada's conversation.
    await loginUi(ann.page, h.appUrl.replace('localhost', '127.0.0.1'), { workspace: slug, email: 'ann@shop.example', password: PASSWORD });
    await ann.page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Inbox', exact: true }).click();
    await row(ann.page, 'Ada Obi').click();
    await thread(ann.page).getByRole('heading', { name: 'Ada Obi' }).waitFor();
    expect((await h.api('GET', `/api/v1/conversations/${conversationId}`)).body.window.open).toBe(false);
    await shows(thread(ann.page).getByTestId('window'), 'Window closed: only a template can be sent');
    const composer = thread(ann.page).getByTestId('composer');
    expect(await composer.getByLabel('Reply', { exact: true }).count()).toBe(0);
    await composer.getByLabel('Template', { exact: true }).selectOption({ label: 'weekly_offers (en_US) · marketing' });
    await composer.getByLabel('body.2 source').selectOption({ label: 'Fixed text' });
    await composer.getByLabel('body.2 text').fill('20% off boots');
    await composer.getByLabel('Topic', { exact: true }).selectOption('offers');
    await composer.getByRole('button', { name: 'Send template' }).click();
    await expect.poll(() => h.sim.sent(ada.phone.slice(1)).filter((m) => (m.request as { type?: string }).type === 'template').length).toBe(1);
  }, 30_000);

  it('fits a phone: list, thread and contact one at a time, each with Back', async () => {
    const p = ann.page;
    await p.setViewportSize({ width: 390, height: 844 });
    type Box = { getBoundingClientRect(): { right: number } };
    const noOverflow = async () => Math.max(...(await inbox(p).locator('*').evaluateAll((els) => els.map((e) => (e as unknown as Box).getBoundingClientRect().right)))) <= 391;
    await thread(p).getByRole('heading', { name: 'Ada Obi' }).waitFor();
    expect(await row(p, 'Ada Obi').isVisible()).toBe(false);
    expect(await p.getByTestId('contact-panel').isVisible()).toBe(false);
    expect(await noOverflow()).toBe(true);
    await thread(p).getByRole('button', { name: 'Contact', exact: true }).click();
    await p.getByTestId('contact-panel').waitFor();
    expect(await thread(p).isVisible()).toBe(false);
    expect(await noOverflow()).toBe(true);
    await p.getByTestId('contact-panel').getByRole('button', { name: '← Conversation' }).click();
    await thread(p).getByRole('heading', { name: 'Ada Obi' }).waitFor();
    await thread(p).getByRole('button', { name: '← Back' }).click();
    await row(p, 'Ada Obi').waitFor();
    expect(await thread(p).isVisible()).toBe(false);
    expect(await noOverflow()).toBe(true);
    expect(await p.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(390);
  });

  it('showed no dialogs, page errors or CSP violations in either browser', () => {
    expect(seen.dialogs).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  });
});
