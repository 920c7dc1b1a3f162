// Roles in the admin app (issue 19): "every control respects roles: a viewer sees no buttons that
// would answer 403". A viewer opens every tab and presses every button it is shown, then every
// button that appeared (a row's panel, a form's Save, a confirmation's Yes), and no request may
// come back 403.
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const PASSWORD = 'a long enough passphrase';
let h: BroadcastHarness;
let browser: Browser;
let page: Page;
let base: string;
let slug: string;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], consoleLines: [] as string[], cspViolations: [] as string[] };
const forbidden: string[] = [];
/** Every button the viewer was shown, as "tab › name". */
const shown: string[] = [];
/** Entry points of changes a viewer may not make: none may be on screen for one. */
const WRITE_CONTROLS = /^(Add contact|Edit|Erase contact…|New broadcast|Duplicate|Edit draft|Pause|Cancel broadcast|Resend to failed.*|New automation|New segment|Delete|New template|Sync from WhatsApp|Save|Save business hours|Save auto-replies|Add endpoint|Connect shop)$/;
let where = '';

beforeAll(async () => {
  await ensureWebBuilt();
  h = await createBroadcastHarness({ seed: 'roles-ui', settings: { broadcasts: { quiet_hours: null } } });
  slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  expect((await h.api('POST', '/api/v1/users', { email: 'viewer@shop.example', role: 'viewer', password: PASSWORD })).status).toBe(201);
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
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
  page.on('response', (r) => {
    if (r.status() === 403 && r.url().includes('/api/')) forbidden.push(`${where}: ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
}, 120_000);

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
    const name = ((await b.getAttribute('aria-label')) ?? (await b.textContent()) ?? '').trim();
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

describe('a viewer in the admin app', () => {
  it('is never shown a button that answers 403', async () => {
    await loginUi(page, base, { workspace: slug, email: 'viewer@shop.example', password: PASSWORD });
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
    expect(forbidden).toEqual([]);
    expect(shown.filter((s) => WRITE_CONTROLS.test(s.split(' › ')[1]!))).toEqual([]);
    // The crawl really went through the tabs and into rows' panels.
    expect(shown).toEqual(expect.arrayContaining(['Contacts › +2348030000000', 'Segments › Role check', 'Broadcasts › Viewer check']));
    expect(seen.pageErrors).toEqual([]);
  }, 300_000);
});
