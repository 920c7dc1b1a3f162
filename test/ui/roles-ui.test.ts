// Roles in the admin app (issue 19): "every control respects roles: a viewer sees no buttons that
// would answer 403", and the role matrix. A viewer, an agent and a marketer each open every tab
// and press every button they are shown, then every button that appeared (a row's panel, a form's
// Save, a confirmation's Yes): no request may come back 403, each sees exactly the tabs its role
// opens, and none is shown the entry points of changes its role may not make.
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const PASSWORD = 'a long enough passphrase';
let h: BroadcastHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
let slug: string;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], consoleLines: [] as string[], cspViolations: [] as string[] };
const forbidden: string[] = [];
/** Every button the viewer was shown, as "tab › name". */
const shown: string[] = [];
/** Entry points of changes to contacts, broadcasts, segments and automations (contacts:write, broadcasts:manage). */
const LIST_WRITES = /^(Add contact|Edit|Add to list|Remove from list|Erase contact…|New broadcast|Duplicate|Edit draft|Pause|Cancel broadcast|Resend to failed.*|New automation|New segment|Delete|New template|Sync from WhatsApp)$/;
/** Entry points of changes to the workspace itself (workspace:manage and above). */
const WORKSPACE_WRITES = /^(Save|Save business hours|Save auto-replies|Add endpoint|Connect shop|Invite|Create key|Connect number)$/;
/** Tabs only managers (owners and admins) are shown. */
const MANAGER_TABS = ['API keys', 'Webhooks', 'Audit log'];
let where = '';

beforeAll(async () => {
  await ensureWebBuilt();
  h = await createBroadcastHarness({ seed: 'roles-ui', settings: { broadcasts: { quiet_hours: null } } });
  slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  for (const role of ['viewer', 'agent', 'marketer']) expect((await h.api('POST', '/api/v1/users', { email: `${role}@shop.example`, role, password: PASSWORD })).status).toBe(201);
  await h.seedContacts(3, { tag: 'roles' });
  const b = await h.api('POST', '/api/v1/broadcasts', {
    name: 'Viewer check',
    audience: { rules: { field: 'tags', op: 'contains', value: 'roles' }, topic: 'offers' },
    template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'x' } } },
  });
  expect(b.status).toBe(201);
  const seg = await h.api('POST', '/api/v1/segments', { name: 'Role check', kind: 'dynamic', rules: { field: 'tags', op: 'contains', value: 'roles' } });
  expect(seg.status, JSON.stringify(seg.body)).toBe(201);
  base = h.appUrl.replace('localhost', '127.0.0.1');
  ({ browser, context } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
}, 120_000);

/** A fresh page (no session) whose 403 answers are collected in `forbidden`. */
async function freshPage(): Promise<void> {
  await context.close();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => seen.pageErrors.push(e.message));
  page.on('response', (r) => {
    if (r.status() === 403 && r.url().includes('/api/')) forbidden.push(`${where}: ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
}

/** Logs in as `role`, opens every tab and presses every button in three passes; returns the tabs. */
async function crawlAs(role: string): Promise<string[]> {
  await freshPage();
  forbidden.length = 0;
  shown.length = 0;
  await loginUi(page, base, { workspace: slug, email: `${role}@shop.example`, password: PASSWORD });
  const nav = page.getByRole('navigation', { name: 'Sections' });
  await nav.waitFor();
  const tabs = (await nav.getByRole('button').allTextContents()).map((t) => t.trim());
  for (const tab of tabs) {
    await nav.getByRole('button', { name: tab, exact: true }).click();
    await page.waitForLoadState('networkidle');
    const done = new Set<string>();
    // Three passes: the later ones press what the earlier opened (a row's panel, its Edit, a form's Save, a confirmation's Yes).
    for (let round = 0; round < 3; round++) if ((await pressAll(tab, done)) === 0) break;
  }
  return tabs;
}

const named = (re: RegExp) => shown.filter((s) => re.test(s.split(' › ')[1]!));

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** Presses each visible, enabled button in the page's content that `done` has not seen yet. */
async function pressAll(tab: string, done: Set<string>): Promise<number> {
  const buttons = page.locator('main button:visible:enabled');
  let pressed = 0;
  for (let i = 0; i < (await buttons.count()); i++) {
    const b = buttons.nth(i);
    // A press may remove buttons (a deleted row, a closed form): one that is gone is skipped.
    const name = ((await b.getAttribute('aria-label', { timeout: 2_000 }).catch(() => null)) ?? (await b.textContent({ timeout: 2_000 }).catch(() => null)) ?? '').trim();
    if (!name || done.has(name) || /^(log out|close|cancel|not yet|back)$/i.test(name)) continue;
    done.add(name);
    shown.push(`${tab} › ${name}`);
    where = `${tab} › ${name}`;
    await b.click({ timeout: 2_000 }).catch(() => undefined);
    await page.waitForLoadState('networkidle').catch(() => undefined);
    pressed++;
  }
  return pressed;
}

describe('the role matrix in the admin app', () => {
  it('a viewer is never shown a button that answers 403, nor any write control', async () => {
    const tabs = await crawlAs('viewer');
    expect(forbidden).toEqual([]);
    expect(named(LIST_WRITES)).toEqual([]);
    expect(named(WORKSPACE_WRITES)).toEqual([]);
    for (const t of MANAGER_TABS) expect(tabs).not.toContain(t);
    // The crawl really went through the tabs and into rows' panels.
    expect(shown).toEqual(expect.arrayContaining(['Contacts › +2348030000000', 'Segments › Role check', 'Broadcasts › Viewer check']));
    expect(seen.pageErrors).toEqual([]);
  }, 300_000);

  it('an agent reads like a viewer and works the inbox: no 403, no list or workspace write control', async () => {
    const tabs = await crawlAs('agent');
    expect(forbidden).toEqual([]);
    expect(named(LIST_WRITES)).toEqual([]);
    expect(named(WORKSPACE_WRITES)).toEqual([]);
    expect(tabs).toContain('Inbox');
    for (const t of MANAGER_TABS) expect(tabs).not.toContain(t);
    expect(seen.pageErrors).toEqual([]);
  }, 300_000);

  it('a marketer changes contacts, segments and broadcasts but not the workspace: no 403', async () => {
    const tabs = await crawlAs('marketer');
    expect(forbidden).toEqual([]);
    expect(named(WORKSPACE_WRITES)).toEqual([]);
    for (const t of MANAGER_TABS) expect(tabs).not.toContain(t);
    // A marketer is shown the list writes a viewer is not.
    expect(shown).toEqual(expect.arrayContaining(['Contacts › Add contact', 'Segments › New segment']));
    expect(seen.pageErrors).toEqual([]);
  }, 300_000);
});
