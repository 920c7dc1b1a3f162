// The Inbox tab's Agents view in a real browser (Debian's chromium driven by playwright-core) against
// the real app and the Cloud API simulator: an agent answers a person 90 s after their first message
// and closes the conversation 5 min after it opened (a controlled clock), then a signed-in owner opens
// Inbox → Agents and reads the agent's figures per agent and per day; a period with nothing shows so;
// and at phone width nothing is wider than the screen.
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/lib/logger.js';
import { syncConversations } from '../../src/modules/conversations/index.js';
import { testClock } from '../helpers/app.js';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const PASSWORD = 'a long enough passphrase';
const clock = testClock(new Date());
let h: BroadcastHarness;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];
const consoleLines: string[] = [];

let t0: number;
const figures = () => page.getByTestId('agent-figures');

beforeAll(async () => {
  await ensureWebBuilt();
  h = await createBroadcastHarness({ seed: 'figures-ui', clock, tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
  const slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  for (const [email, name, role] of [['owner-ui@figures.example', 'Olu Owner', 'owner'], ['ann-ui@figures.example', 'Ann Agent', 'agent']]) {
    const made = await h.api('POST', '/api/v1/users', { email, name, role, password: PASSWORD });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  }
  // Ann answers 90 s after the person's first message and closes 5 min after it: on a controlled clock, ten minutes ago.
  t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
  const [person] = await h.seedContacts(1, { tag: 'figures-ui' });
  h.sim.inbound({ from: person!.phone.slice(1), text: 'Where is my order?', timestamp: t0 / 1000 });
  let id: string | undefined;
  await h.waitFor(async () => {
    await h.sim.webhooksIdle();
    await syncConversations({ db: h.t.db, log: silentLogger() });
    id = ((await h.api('GET', '/api/v1/conversations')).body.data as { id: string }[])[0]?.id;
    return id !== undefined;
  }, 10_000, 'the conversation');
  clock.set(new Date(t0 + 30_000));
  const login = await h.t.call(undefined, { method: 'POST', url: '/api/v1/auth/login', payload: { workspace: slug, email: 'ann-ui@figures.example', password: PASSWORD } });
  expect(login.statusCode, login.body).toBe(200);
  const headers = { cookie: String(login.headers['set-cookie']).split(';')[0]!, 'x-greenlist-csrf': '1' };
  clock.set(new Date(t0 + 90_000));
  const sent = await h.t.call(undefined, { method: 'POST', url: `/api/v1/conversations/${id}/messages`, headers, payload: { type: 'text', text: 'On its way.' } });
  expect([201, 202], sent.body).toContain(sent.statusCode);
  clock.set(new Date(t0 + 300_000));
  expect((await h.t.call(undefined, { method: 'POST', url: `/api/v1/conversations/${id}/state`, headers, payload: { state: 'closed' } })).statusCode).toBe(200);
  clock.set(new Date());

  ({ browser, page } = await openUiPage({ dialogs, pageErrors, consoleLines, cspViolations }, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, h.appUrl.replace('localhost', '127.0.0.1'), { workspace: slug, email: 'owner-ui@figures.example', password: PASSWORD });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('the Agents view of the inbox', () => {
  it('shows each agent’s first response and resolution times and conversations handled, per agent and per day', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Inbox', exact: true }).click();
    await page.getByRole('heading', { name: 'Inbox', level: 2 }).waitFor();
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Agents', exact: true }).click();
    const agent = figures().getByRole('table', { name: 'Per agent' }).getByTestId('agent-row');
    await agent.first().waitFor({ timeout: UI_TIMEOUT });
    expect(await agent.count()).toBe(1);
    expect(await agent.getByRole('rowheader').textContent()).toBe('Ann Agent');
    expect(await agent.getByTestId('handled').textContent()).toBe('1');
    expect(await agent.getByTestId('first-response').textContent()).toBe('1 min 30 s');
    expect(await agent.getByTestId('resolution').textContent()).toBe('5 min');
    // Days in the workspace's zone (UTC here): the reply's and the close's.
    const days = [...new Set([t0 + 90_000, t0 + 300_000].map((t) => new Date(t).toISOString().slice(0, 10)))];
    const dayRows = figures().getByRole('table', { name: 'Per day' }).getByTestId('day-row');
    await expect.poll(() => dayRows.locator('td:first-child').allTextContents()).toEqual(days);
    expect(await figures().getByTestId('figures-period').textContent()).toContain('(UTC)');
    // The conversations are one click away.
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Conversations', exact: true }).click();
    await page.getByTestId('conversation-row').first().waitFor();
    expect(await figures().count()).toBe(0);
  });

  it('asks for another period, and says when nothing happened in it', async () => {
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Agents', exact: true }).click();
    await figures().getByTestId('agent-row').first().waitFor();
    await figures().getByLabel('From').fill('2025-01-01');
    await figures().getByLabel('To').fill('2025-01-31');
    await figures().getByRole('button', { name: 'Show' }).click();
    await figures().getByText('No replies or closes in this period.').waitFor();
    expect(await figures().getByTestId('figures-period').textContent()).toContain('2025-01-01 to 2025-01-31');
    // A period the wrong way round: the API's refusal is shown.
    await figures().getByLabel('From').fill('2025-02-01');
    await figures().getByRole('button', { name: 'Show' }).click();
    await figures().getByRole('alert').waitFor();
    expect(await figures().getByRole('alert').textContent()).toContain('from');
  });

  it('fits a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    type Box = { getBoundingClientRect(): { right: number } };
    // The tables scroll sideways in their own box; nothing else reaches past the screen.
    const right = await page.locator('section.inbox > *').evaluateAll((els) => els.map((e) => (e as unknown as Box).getBoundingClientRect().right));
    expect(Math.max(...right)).toBeLessThanOrEqual(391);
    expect(await page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('showed no dialogs, page errors or CSP violations', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
