// The Inbox tab in a real browser (Debian's chromium driven by playwright-core) against the real
// app, the Cloud API simulator on loopback and a worker-like conversation sync every 200 ms: the
// empty inbox; a person writes in and the conversation appears without a reload (the live event
// stream); opening it clears its unread count; a text reply shows in the thread (sent by an agent)
// and reaches the simulator; a template sent on demand; an internal note; Assign to me; Waiting
// on customer; Close and Reopen; the filters; and at phone width the thread replaces the list
// (Back returns), with nothing wider than the screen.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPoller, type Poller } from '../../src/adapters/worker/poller.js';
import { silentLogger } from '../../src/lib/logger.js';
import { syncConversations } from '../../src/modules/conversations/index.js';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'agent-ui@shop.example';
const PASSWORD = 'a long enough passphrase';
/** Set UI_SCREENSHOTS=<dir> to keep screenshots of the main steps (look at them when the layout changes). */
const SHOTS = process.env.UI_SCREENSHOTS;

let h: BroadcastHarness;
let browser: Browser;
let page: Page;
let sync: Poller;
let userId: string;
let ada: { id: string; phone: string };
let conversationId: string;
/** How many times the page asked for the conversation list. */
let listRequests = 0;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];
const consoleLines: string[] = [];

const inbox = () => page.locator('section.inbox');
const rows = () => inbox().getByTestId('conversation-row');
const row = (name: string) => rows().filter({ hasText: name });
const thread = () => page.getByTestId('thread');

async function shot(name: string, of?: Locator): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `inbox-${name}.png`);
  await (of ? of.screenshot({ path }) : page.screenshot({ path, fullPage: true }));
}

/** Waits until the element shows exactly `text`. */
async function shows(loc: Locator, text: string, timeout = UI_TIMEOUT): Promise<void> {
  await expect.poll(async () => (await loc.textContent())?.trim(), { timeout }).toBe(text);
}

const conversation = async () => (await h.api('GET', `/api/v1/conversations/${conversationId}`)).body as { unread: number; state: string; assignee_id: string | null; notes: { text: string }[] };

beforeAll(async () => {
  await ensureWebBuilt();
  // No quiet hours or cap: the template reply must not depend on the hour in Lagos.
  h = await createBroadcastHarness({ seed: 'inbox-ui', liveInbox: true, tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
  // What a worker does: turn new messages into conversations (and notify the live stream).
  sync = startPoller({ name: 'conversations', idleMs: 200, yieldRatio: 1, log: silentLogger(), run: () => syncConversations({ db: h.t.db, log: silentLogger() }) });
  const slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  const made = await h.api('POST', '/api/v1/users', { email: EMAIL, role: 'marketer', password: PASSWORD });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  userId = made.body.id;
  ada = (await h.seedContacts(1, { tag: 'inbox-ui' }))[0]!;
  expect((await h.api('PATCH', `/api/v1/contacts/${ada!.id}`, { name: 'Ada Obi' })).status).toBe(200);

  ({ browser, page } = await openUiPage({ dialogs, pageErrors, consoleLines, cspViolations }, { viewport: { width: 1280, height: 900 } }));
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/conversations') listRequests++;
  });
  await loginUi(page, h.appUrl.replace('localhost', '127.0.0.1'), { workspace: slug, email: EMAIL, password: PASSWORD });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sync?.stop();
  await h?.close();
});

describe('the inbox in the admin UI', () => {
  it('starts empty and shows a conversation as soon as someone writes in, without a reload', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Inbox', exact: true }).click();
    await page.getByRole('heading', { name: 'Inbox', level: 2 }).waitFor();
    await page.getByText('No conversations yet: they start when someone writes to your number.').waitFor();
    await shows(inbox().getByTestId('live-mode'), 'Live');
    expect(await inbox().getByRole('group', { name: 'Filter' }).getByRole('button').allTextContents()).toEqual(['All', 'Mine', 'Unassigned', 'Open', 'Waiting on customer', 'Closed', 'Window closing']);

    h.sim.inbound({ from: ada.phone.slice(1), text: 'Hi! Is the blue dress still in stock?' });
    await row('Ada Obi').waitFor({ timeout: 15_000 });
    await shows(row('Ada Obi').getByTestId('unread'), '1');
    await shows(row('Ada Obi').getByTestId('conversation-state'), 'Open');
    expect(await row('Ada Obi').textContent()).toContain('Hi! Is the blue dress still in stock?');
    expect(await row('Ada Obi').textContent()).toContain(ada.phone);
    conversationId = ((await h.api('GET', '/api/v1/conversations')).body.data as { id: string }[])[0]!.id;
    await shot('list');
  }, 30_000);

  it('opens the thread and marks it read', async () => {
    await row('Ada Obi').click();
    await thread().getByRole('heading', { name: 'Ada Obi' }).waitFor();
    await shows(thread().getByTestId('message-body').first(), 'Hi! Is the blue dress still in stock?');
    expect(await thread().getByTestId('window').textContent()).toMatch(/^Window open — closes in 2[34] h \d+ min$/);
    await expect.poll(async () => (await conversation()).unread).toBe(0);
    await expect.poll(() => row('Ada Obi').getByTestId('unread').count()).toBe(0);
    await shows(thread().getByTestId('thread-assignee'), 'Unassigned');
  });

  it('replies with text: the message shows in the thread as the agent’s and reaches the person', async () => {
    await thread().getByLabel('Reply', { exact: true }).fill('Yes, in sizes 10 and 12.');
    await thread().getByRole('button', { name: 'Send', exact: true }).click();
    const mine = thread().getByTestId('message').filter({ hasText: 'Yes, in sizes 10 and 12.' });
    await mine.waitFor();
    await shows(mine.getByTestId('message-source'), 'agent');
    // The ticks follow the simulator's status webhooks (sent, then delivered or read).
    await expect.poll(async () => (await mine.getByTestId('message-status').textContent())?.trim(), { timeout: UI_TIMEOUT }).toMatch(/^· ✓✓ (delivered|read)$/);
    await expect
      .poll(() => h.sim.sent(ada.phone.slice(1)).map((m) => (m.request as { text?: { body?: string } }).text?.body))
      .toContain('Yes, in sizes 10 and 12.');
    await expect.poll(() => row('Ada Obi').textContent()).toContain('Yes, in sizes 10 and 12.');
    expect(await thread().getByLabel('Reply', { exact: true }).inputValue()).toBe('');
  });

  it('sends an approved template on demand, with its topic', async () => {
    await thread().getByRole('button', { name: 'Send a template instead' }).click();
    const composer = thread().getByTestId('composer');
    await composer.getByLabel('Template', { exact: true }).selectOption({ label: 'weekly_offers (en_US) · marketing' });
    await composer.getByLabel('body.2 source').selectOption({ label: 'Fixed text' });
    await composer.getByLabel('body.2 text').fill('10% off dresses');
    await composer.getByRole('button', { name: 'Send template' }).click();
    await shows(composer.getByTestId('composer-error'), 'Choose the topic the message is about.');
    await composer.getByLabel('Topic', { exact: true }).selectOption('offers');
    await composer.getByRole('button', { name: 'Send template' }).click();
    await expect.poll(() => h.sim.sent(ada.phone.slice(1)).filter((m) => (m.request as { type?: string }).type === 'template').length).toBe(1);
    await expect.poll(() => thread().getByTestId('message').count()).toBe(3);
    await composer.getByRole('button', { name: 'Write a message instead' }).click();
    await thread().getByLabel('Reply', { exact: true }).waitFor();
  });

  it('adds an internal note, assigns to me, waits on the customer, closes and reopens', async () => {
    await thread().getByLabel('Internal note').fill('Keep a size 12 aside until Friday.');
    await thread().getByRole('button', { name: 'Add note' }).click();
    await shows(thread().getByTestId('note-text'), 'Keep a size 12 aside until Friday.');
    expect(await thread().getByTestId('note').textContent()).toContain('Internal note · you');
    expect((await conversation()).notes.map((n) => n.text)).toEqual(['Keep a size 12 aside until Friday.']);

    await thread().getByRole('button', { name: 'Assign to me' }).click();
    await shows(thread().getByTestId('thread-assignee'), 'Assigned to you');
    expect((await conversation()).assignee_id).toBe(userId);
    await inbox().getByRole('button', { name: 'Mine', exact: true }).click();
    await expect.poll(() => rows().count()).toBe(1);
    await inbox().getByRole('button', { name: 'Unassigned', exact: true }).click();
    await inbox().getByText('No conversation matches.').waitFor();
    await inbox().getByRole('button', { name: 'All', exact: true }).click();
    await row('Ada Obi').waitFor();

    await thread().getByRole('button', { name: 'Waiting on customer' }).click();
    await shows(thread().getByTestId('thread-state'), 'Waiting on customer');
    await shows(row('Ada Obi').getByTestId('conversation-state'), 'Waiting on customer');
    await shot('thread');

    await thread().getByRole('button', { name: 'Close', exact: true }).click();
    await shows(thread().getByTestId('thread-state'), 'Closed');
    expect((await conversation()).state).toBe('closed');
    await shows(row('Ada Obi').getByTestId('conversation-state'), 'Closed');
    await thread().getByRole('button', { name: 'Reopen' }).click();
    await shows(thread().getByTestId('thread-state'), 'Open');
    await thread().getByRole('button', { name: 'Close', exact: true }).click();
    await shows(thread().getByTestId('thread-state'), 'Closed');
  });

  it('shows a new message in the open thread live, and it reopens the conversation', async () => {
    // WhatsApp's timestamps are whole seconds: a message reopens a conversation closed before its second.
    await new Promise((r) => setTimeout(r, 1_100));
    const before = listRequests;
    h.sim.inbound({ from: ada.phone.slice(1), text: 'Thanks, I will come on Friday.' });
    await thread().getByTestId('message-body').filter({ hasText: 'Thanks, I will come on Friday.' }).waitFor({ timeout: 15_000 });
    await shows(thread().getByTestId('thread-state'), 'Open');
    await shows(row('Ada Obi').getByTestId('conversation-state'), 'Open');
    expect(await row('Ada Obi').textContent()).toContain('Thanks, I will come on Friday.');
    // The server repeats the event while the message settles (about 2 s): the page gathers them.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(listRequests - before).toBeLessThan(25);
    // It is open on screen, so it is read at once.
    await expect.poll(async () => (await conversation()).unread).toBe(0);
  }, 30_000);

  it('offers only a template once the window is closed, and shows the API’s refusal', async () => {
    const ben = (await h.seedContacts(1, { tag: 'inbox-ui' }))[0]!;
    expect((await h.api('PATCH', `/api/v1/contacts/${ben.id}`, { name: 'Ben Eze' })).status).toBe(200);
    h.sim.inbound({ from: ben.phone.slice(1), text: 'Do you deliver to Abuja?' });
    await row('Ben Eze').waitFor({ timeout: 15_000 });
    // Newest activity first.
    await expect.poll(async () => (await rows().locator('.inbox-who').allTextContents())).toEqual(['Ben Eze', 'Ada Obi']);
    // Search by words in the messages, then clear it.
    await inbox().getByLabel('Search conversations').fill('Abuja');
    await inbox().getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(async () => (await rows().locator('.inbox-who').allTextContents())).toEqual(['Ben Eze']);
    await inbox().getByLabel('Search conversations').fill('');
    await inbox().getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(async () => (await rows().locator('.inbox-who').allTextContents())).toEqual(['Ben Eze', 'Ada Obi']);
    const benConv = ((await h.api('GET', '/api/v1/conversations?q=Abuja')).body.data as { id: string }[])[0]!.id;
    // The API decides the window; here it answers as it would a day later.
    await page.route(`**/api/v1/conversations/${benConv}**`, async (route) => {
      try {
        const res = await route.fetch();
        const body = (await res.json()) as { window?: unknown };
        if (body && typeof body === 'object' && 'window' in body) body.window = { open: false, closes_at: new Date(Date.now() - 3_600_000).toISOString() };
        await route.fulfill({ response: res, json: body });
      } catch {
        // A request still in flight when the route is removed below ("Route is already handled"): nothing to rewrite any more.
      }
    });
    await row('Ben Eze').click();
    await thread().getByRole('heading', { name: 'Ben Eze' }).waitFor();
    await shows(thread().getByTestId('window'), 'Window closed: only a template can be sent');
    const composer = thread().getByTestId('composer');
    expect(await composer.getByLabel('Reply', { exact: true }).count()).toBe(0);
    expect(await composer.getByRole('button', { name: 'Write a message instead' }).count()).toBe(0);
    // A marketing template about a utility topic: the API refuses, and says why.
    await composer.getByLabel('Template', { exact: true }).selectOption({ label: 'weekly_offers (en_US) · marketing' });
    await composer.getByLabel('body.2 source').selectOption({ label: 'Fixed text' });
    await composer.getByLabel('body.2 text').fill('free delivery');
    await composer.getByLabel('Topic', { exact: true }).selectOption('updates');
    await composer.getByRole('button', { name: 'Send template' }).click();
    await composer.getByTestId('composer-error').waitFor();
    const refusal = (await composer.getByTestId('composer-error').textContent()) ?? '';
    expect(refusal).toMatch(/categor|topic|consent/i);
    await shot('window-closed');
    expect(h.sim.sent(ben.phone.slice(1))).toEqual([]);
    await page.unroute(`**/api/v1/conversations/${benConv}**`);
    await row('Ada Obi').click();
    await thread().getByRole('heading', { name: 'Ada Obi' }).waitFor();
  }, 30_000);

  it('fits a phone: the thread replaces the list, Back returns to it', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    // Every element of the tab ends inside the 390 px screen.
    type Box = { getBoundingClientRect(): { right: number } };
    const noOverflow = async () => Math.max(...(await inbox().locator('*').evaluateAll((els) => els.map((e) => (e as unknown as Box).getBoundingClientRect().right)))) <= 391;
    expect(await rows().first().isVisible()).toBe(false); // the open thread replaces the list
    await thread().getByRole('heading', { name: 'Ada Obi' }).waitFor();
    expect(await noOverflow()).toBe(true);
    await shot('thread-phone');
    await thread().getByRole('button', { name: '← Back' }).click();
    await row('Ada Obi').waitFor();
    expect(await thread().isVisible()).toBe(false);
    expect(await noOverflow()).toBe(true);
    // Nor the page: the section tabs scroll sideways in their own bar.
    expect(await page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(390);
    await shot('list-phone');
    await row('Ada Obi').click();
    await thread().getByRole('heading', { name: 'Ada Obi' }).waitFor();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('showed no dialogs, page errors or CSP violations', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
