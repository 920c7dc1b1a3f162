// Teams in the Inbox tab, in Chromium against the real app: an admin adds a team with a member in
// the Teams manager, assigns a conversation to it from the thread's "Assign to team…" (the user
// outside the team is cleared, the thread names the team), the team filter lists it, the member
// finds it under "Mine" (a team conversation no one took yet); at phone width nothing overflows.
import { type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHandovers } from '../../src/modules/conversations/index.js';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, UI_TIMEOUT } from '../helpers/ui.js';
import { launchChromium, watchPage, type PageWatch } from './browser.js';
import { ensureWebBuilt } from './web-build.js';

const PASSWORD = 'a long enough passphrase';
let h: BroadcastHarness;
let browser: Browser;
let page: Page;
let admin: string;
let bea: string;
const seen: PageWatch = { dialogs: [], pageErrors: [], cspViolations: [], consoleLines: [] };

const inbox = () => page.locator('section.inbox');
const row = (name: string) => inbox().getByTestId('conversation-row').filter({ hasText: name });
const thread = () => page.getByTestId('thread');
async function shows(loc: Locator, text: string): Promise<void> {
  await expect.poll(async () => (await loc.textContent())?.trim(), { timeout: UI_TIMEOUT }).toBe(text);
}
async function user(email: string, name: string, role: string): Promise<string> {
  const made = await h.api('POST', '/api/v1/users', { email, name, role, password: PASSWORD });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body.id as string;
}

beforeAll(async () => {
  await ensureWebBuilt();
  h = await createBroadcastHarness({ seed: 'inbox-teams-ui', liveInbox: true, tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
  const slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  admin = await user('ann@teams-ui.example', 'Ann', 'admin');
  bea = await user('bea@teams-ui.example', 'Bea', 'agent');
  const [ada] = await h.seedContacts(1, { tag: 'teams-ui' });
  expect((await h.api('PATCH', `/api/v1/contacts/${ada!.id}`, { name: 'Ada Obi' })).status).toBe(200);
  await h.t.db.transaction((tx) => openHandovers(tx, { workspaceId: h.tenant.workspaceId, numberId: h.numberId, contactIds: [ada!.id], note: null, now: new Date() }));
  const [c] = (await h.api('GET', '/api/v1/conversations')).body.data as { id: string }[];
  // Assigned to the admin, who is not in the team: assigning the team clears them.
  expect((await h.api('POST', `/api/v1/conversations/${c!.id}/assign`, { assignee_id: admin })).status).toBe(200);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  watchPage(page, seen);
  await loginUi(page, h.appUrl.replace('localhost', '127.0.0.1'), { workspace: slug, email: 'ann@teams-ui.example', password: PASSWORD });
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Inbox', exact: true }).click();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('teams in the inbox', () => {
  it('adds a team with a member, assigns a conversation to it, filters by it; the member finds it under Mine', async () => {
    await inbox().getByRole('button', { name: 'Teams', exact: true }).click();
    const manager = page.getByTestId('teams-manager');
    await manager.getByLabel('Team name').fill('Returns');
    await manager.getByRole('group', { name: 'Members of the new team' }).getByLabel('Bea').check();
    await manager.getByRole('button', { name: 'Add team' }).click();
    await shows(manager.getByTestId('team-row').locator('strong'), 'Returns');
    expect(await manager.getByRole('group', { name: 'Members of Returns' }).getByLabel('Bea').isChecked()).toBe(true);
    // The same name again (any case) is refused, and said so.
    await manager.getByLabel('Team name').fill('returns');
    await manager.getByRole('button', { name: 'Add team' }).click();
    await expect.poll(async () => (await manager.getByTestId('teams-error').textContent()) ?? '').toContain('already exists');
    const team = ((await h.api('GET', '/api/v1/inbox-teams')).body.data as { id: string; user_ids: string[] }[])[0]!;
    expect(team.user_ids).toEqual([bea]);

    await row('Ada Obi').click();
    await shows(thread().getByTestId('thread-assignee'), 'Assigned to you');
    await thread().getByLabel('Assign to team').selectOption({ label: 'Returns' });
    await shows(thread().getByTestId('thread-team'), '· Team Returns');
    await shows(thread().getByTestId('thread-assignee'), 'Unassigned');
    const c = ((await h.api('GET', '/api/v1/conversations')).body.data as { assignee_id: string | null; team_id: string | null }[])[0]!;
    expect(c).toMatchObject({ assignee_id: null, team_id: team.id });

    await inbox().getByLabel('Team filter').selectOption({ label: 'Returns' });
    await row('Ada Obi').waitFor();
    // Bea (in the team) has it under "mine"; Ann (not in it) does not.
    const login = await h.t.call(undefined, { method: 'POST', url: '/api/v1/auth/login', payload: { workspace: (await h.api('GET', '/api/v1/workspace')).body.slug, email: 'bea@teams-ui.example', password: PASSWORD } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect((await h.t.call(undefined, { method: 'GET', url: '/api/v1/conversations?filter=mine', headers: { cookie } })).json().data).toHaveLength(1);
    await inbox().getByRole('button', { name: 'Mine', exact: true }).click();
    await expect.poll(() => row('Ada Obi').count()).toBe(0);
  }, 60_000);

  it('fits a phone with the Teams manager open and the team filter shown', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await thread().getByRole('button', { name: '← Back' }).click();
    await inbox().getByLabel('Team filter').waitFor();
    type Box = { getBoundingClientRect(): { right: number } };
    const right = Math.max(...(await inbox().locator('*').evaluateAll((els) => els.map((e) => (e as unknown as Box).getBoundingClientRect().right))));
    expect(right).toBeLessThanOrEqual(391);
    expect(await page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(390);
  });

  it('showed no dialogs, page errors or CSP violations', () => {
    expect(seen.dialogs).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  });
});
