// A contact's timeline shows the messages they sent, and its "Open the conversation in the Inbox"
// link opens that conversation's thread in the Inbox tab (issue 19, item 4), in a real browser.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/lib/logger.js';
import { syncConversations } from '../../src/modules/conversations/index.js';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');
const EMAIL = 'owner@timeline.example';
const PASSWORD = 'a long enough passphrase';
const TEXT = 'Do you still have the green teapot?';

let h: BroadcastHarness;
let browser: Browser;
let page: Page;
let ada: { id: string; phone: string };
let conversationId: string;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[] };

beforeAll(async () => {
  await ensureWebBuilt();
  mkdirSync(SHOTS, { recursive: true });
  h = await createBroadcastHarness({ seed: 'contacts-timeline-ui' });
  expect((await h.api('POST', '/api/v1/users', { email: EMAIL, role: 'owner', password: PASSWORD })).status).toBe(201);
  ada = (await h.seedContacts(1, { tag: 'timeline' }))[0]!;
  expect((await h.api('PATCH', `/api/v1/contacts/${ada.id}`, { name: 'Ada Timeline' })).status).toBe(200);
  h.sim.inbound({ from: ada.phone.slice(1), text: TEXT });
  // What a worker does: turn the new message into a conversation.
  await h.waitFor(async () => {
    await syncConversations({ db: h.t.db, log: silentLogger() });
    const list = (await h.api('GET', '/api/v1/conversations')).body as { data: { id: string; contact: { id: string } }[] };
    conversationId = list.data.find((c) => c.contact.id === ada.id)?.id ?? '';
    return conversationId !== '';
  }, 15_000, 'the conversation');
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
  const slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  await loginUi(page, h.appUrl.replace('localhost', '127.0.0.1'), { workspace: slug, email: EMAIL, password: PASSWORD });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("a contact's timeline and the Inbox", () => {
  it('lists the message they sent, and opens its conversation in the Inbox', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: ada.phone, exact: true }).click();
    const detail = page.getByTestId('contact-detail');
    const message = detail.getByTestId('timeline-item').and(page.locator('[data-kind=message]'));
    await message.waitFor();
    expect(await message.textContent()).toContain('Message received');
    expect(await message.textContent()).toContain(TEXT);
    const messages = (await h.api('GET', `/api/v1/contacts/${ada.id}/messages`)).body as { data: { direction: string; text: string | null }[] };
    expect(messages.data.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual([TEXT]);
    await page.screenshot({ path: join(SHOTS, 'contacts-timeline-message.png'), fullPage: true });

    await detail.getByRole('button', { name: 'Open the conversation in the Inbox' }).click();
    await page.getByRole('heading', { name: 'Inbox', level: 2 }).waitFor();
    const thread = page.getByTestId('thread');
    await thread.getByText(TEXT).waitFor();
    expect(await page.getByRole('button', { name: 'Inbox', exact: true }).getAttribute('aria-current')).toBe('page');
    expect(conversationId).not.toBe('');
    await page.screenshot({ path: join(SHOTS, 'contacts-timeline-inbox.png'), fullPage: true });
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  }, 30_000);
});
