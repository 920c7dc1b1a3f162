// A shop owner runs the whole list in the browser (issue 19, "Tests" and "Targets"): `greenlist
// start` on a fresh data directory (or a fresh PostgreSQL database), then nothing but Chromium. The
// test reads the server's console only for the one-time setup link and the sandbox simulator's
// address, and talks to the simulator only where a real phone would act (a person texting the
// keyword). No API call outside the UI. Nine journeys, each with a full-page screenshot in
// $UI_SCREENSHOTS; the getting-started checklist ticks as they complete; no console error and no
// 4xx/5xx answer the UI did not expect.
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/db.js';
import { spawnGreenlist, type GreenlistProcess } from '../helpers/process.js';
import { revealOverviewCards, UI_TIMEOUT } from '../helpers/ui.js';
import { launchChromium, watchPage, type PageWatch } from './browser.js';
import { ensureWebBuilt } from './web-build.js';

const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');
const BUSINESS = 'Ana Bakery';
const JOINER = { national: '912 345 601', e164: '+351912345601' };
// A small list the owner exported from her till: two agreed to WhatsApp offers, one did not.
const CSV = 'phone,name,whatsapp_offers\r\n+351912345611,Rita Sousa,yes\r\n+351912345612,Joao Lima,yes\r\n+351912345613,Marta Reis,no\r\n';

let server: GreenlistProcess;
let base: string;
let simUrl: string;
let dir: string;
let tdb: TestDatabase | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const seen: PageWatch = { dialogs: [], pageErrors: [], cspViolations: [], consoleLines: [] };
const consoleErrors: string[] = [];
const failedAnswers: string[] = [];
// Answers the UI asks for knowing they may fail, and handles: before setup the login page asks who is logged in.
// The import wizard checks the mapping as it is chosen through the preview: a half-chosen one answers 422, shown next to its field.
const EXPECTED_FAILURES = [/^401 GET \/api\/v1\/auth\/me$/, /^422 POST \/api\/v1\/imports\/preview$/];

const nav = (name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true });
// The checklist is titled "Get started" until every step is done, then "You are all set".
const checklist = () => page.getByRole('region', { name: /^(Get started|You are all set)$/ });
const checklistStep = (id: string) => checklist().locator(`li[data-step="${id}"]`);
const sources = () => page.locator('section.optin-sources');
const sourceRow = (name: string) => sources().getByTestId('optin-source-row').filter({ hasText: name });
const sourceDetail = () => sources().getByTestId('optin-source-detail');

async function shot(p: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: join(SHOTS, `journey-${name}.png`), fullPage: true });
}

async function openTab(name: string): Promise<void> {
  await nav(name).click();
  await page.getByRole('heading', { name, level: 2 }).waitFor();
}

/** Opens the Overview and returns which checklist steps are ticked. */
async function checklistTicks(): Promise<Record<string, boolean>> {
  await openTab('Overview');
  await page.getByTestId('checklist-progress').waitFor();
  const ids = ['number', 'topic', 'source', 'import', 'template', 'broadcast'];
  await expect.poll(() => checklist().locator('li[data-step]').count(), { timeout: UI_TIMEOUT }).toBe(6);
  const ticks: Record<string, boolean> = {};
  for (const id of ids) ticks[id] = (await checklistStep(id).getAttribute('data-done')) === 'true';
  return ticks;
}

/** Records what the page logged as an error and every API answer of 400 or more. */
function watchAnswers(p: Page): void {
  p.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
  });
  p.on('response', (res) => {
    if (res.status() < 400) return;
    const url = new URL(res.url());
    failedAnswers.push(`${res.status()} ${res.request().method()} ${url.pathname}`);
  });
}

/** The simulated phone: a person sends `text` from `from` to the sandbox number. */
async function phoneSends(from: string, text: string): Promise<void> {
  const res = await fetch(`${simUrl}/_sim/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, text }) });
  expect(res.status).toBeLessThan(300);
}

/** A message the sandbox number sent, as the simulator recorded the request. */
interface SentMessage {
  type: string;
  state: string;
  request: { text?: { body: string }; template?: { name: string; components?: { type: string; parameters: { text?: string }[] }[] } };
}

/** What the sandbox number sent to `to` (what the person's phone got). */
async function phoneReceived(to: string): Promise<SentMessage[]> {
  const res = await fetch(`${simUrl}/_sim/sent?to=${encodeURIComponent(to)}`);
  const body = (await res.json()) as { data?: SentMessage[] } | SentMessage[];
  return Array.isArray(body) ? body : (body.data ?? []);
}

beforeAll(async () => {
  await ensureWebBuilt();
  dir = await mkdtemp(join(tmpdir(), 'gl-journeys-ui-'));
  tdb = onPostgres ? await createTestDatabase() : undefined;
  // Sandbox mode on its default (auto): with no credentials the bundled simulator's number is connected.
  server = spawnGreenlist(['start'], { GREENLIST_DATA_DIR: dir, GREENLIST_PORT: '0', ...(tdb ? { DATABASE_URL: tdb.url!, GREENLIST_MASTER_KEY: 'ef'.repeat(32) } : {}) });
  base = await server.ready(180_000); // PGlite's first start runs initdb: slow on a loaded machine
  for (let i = 0; i < 200 && !/setup#token=/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 50));
  simUrl = /"simulator":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(server.output())?.[1] ?? '';
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  watchPage(page, seen);
  watchAnswers(page);
  page.on('pageerror', (e) => console.log('PAGEERROR', e.stack));
}, 240_000);

// A failed journey leaves a picture of where it stopped.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await shot(page, `failed-${ctx.task.name.slice(0, 2).replace(/\W/g, '')}`).catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await tdb?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a shop owner, from a fresh data directory, in the browser only', () => {
  it('1. opens the printed setup link: the owner is created, the business named, country and zone set', async () => {
    const setupUrl = /(http:\/\/127\.0\.0\.1:\d+\/setup#token=[\w-]+)/.exec(server.output())?.[1] ?? '';
    expect(setupUrl, server.output()).toMatch(`${base}/setup#token=`);
    expect(simUrl, server.output()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await page.goto(setupUrl);
    await page.getByRole('heading', { name: 'Welcome to Greenlist' }).waitFor();
    await page.getByLabel('Business name').fill(BUSINESS);
    await page.getByLabel('Country').selectOption('PT');
    await page.getByLabel('Time zone').selectOption('Europe/Lisbon');
    await page.getByLabel('Your name').fill('Ana');
    await page.getByLabel('Email').fill('ana@bakery.example');
    await page.getByLabel('Password').fill('plum tractor lantern');
    await page.getByRole('button', { name: 'Create owner and start' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor({ timeout: 30_000 }); // the password hash (scrypt) is slow on a loaded machine
    await expect.poll(() => page.getByTestId('workspace-name').textContent(), { timeout: UI_TIMEOUT }).toBe(BUSINESS);
    const ticks = await checklistTicks();
    expect(ticks).toMatchObject({ number: false, topic: false, source: false, import: false, broadcast: false });
    await shot(page, '1-setup-overview');
  }, 60_000);

  it('2. keeps the sandbox number from the checklist and sees it connected', async () => {
    await checklistStep('number').getByRole('button', { name: 'Keep the sandbox' }).click();
    await expect.poll(() => checklistStep('number').getAttribute('data-done'), { timeout: UI_TIMEOUT }).toBe('true');
    await openTab('Phone numbers');
    await expect.poll(() => page.locator('main.content').textContent(), { timeout: UI_TIMEOUT }).toContain('sandbox');
    await shot(page, '2-phone-numbers');
    expect((await checklistTicks()).number).toBe(true);
  }, 60_000);

  it('3. creates a topic and a QR opt-in source, downloads the QR and prints the poster', async () => {
    await openTab('Topics');
    const topic = page.getByRole('form', { name: 'New topic' });
    await topic.getByLabel('Key', { exact: true }).fill('offers');
    await topic.getByLabel('Name', { exact: true }).fill('Offers');
    await topic.getByLabel('Category').selectOption('marketing');
    await topic.getByLabel('Description (optional)').fill('Fresh bread of the day and weekend deals');
    await topic.getByLabel('Frequency promised (optional)').fill('at most 2 a week');
    await topic.getByRole('button', { name: 'Create topic' }).click();
    await page.getByTestId('topic-row').filter({ hasText: 'offers' }).waitFor();

    await openTab('Opt-in sources');
    await sources().getByRole('button', { name: 'New source' }).click();
    const form = page.getByRole('form', { name: 'New opt-in source' });
    await form.getByLabel('Name', { exact: true }).fill('Counter QR');
    await form.getByLabel('Keyword').fill('Bread');
    await form.getByRole('checkbox', { name: /Offers/ }).check();
    await form.getByLabel('Consent text').fill('Text BREAD to get Ana Bakery offers on WhatsApp, at most 2 a week. Reply STOP to stop.');
    await form.getByRole('button', { name: 'Create source' }).click();
    await sourceRow('Counter QR').waitFor();
    await expect.poll(() => sourceDetail().getByLabel('Click-to-chat link').inputValue(), { timeout: UI_TIMEOUT }).toBe('https://wa.me/15550783881?text=bread');

    const [png] = await Promise.all([page.waitForEvent('download'), sourceDetail().getByRole('link', { name: 'Download PNG' }).click()]);
    expect(readFileSync((await png.path())!).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const [poster] = await Promise.all([context.waitForEvent('page'), sourceDetail().getByRole('link', { name: /Open poster/ }).click()]);
    watchAnswers(poster);
    const sheet = poster.getByTestId('optin-poster');
    await sheet.waitFor();
    const text = (await sheet.textContent()) ?? '';
    for (const part of [BUSINESS, 'send BREAD', 'Offers', 'at most 2 a week', 'Reply STOP']) expect(text).toContain(part);
    await expect.poll(() => sheet.getByRole('img', { name: /QR code/ }).evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
    await poster.emulateMedia({ media: 'print' });
    const pdf = await poster.pdf({ preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await shot(poster, '3-poster');
    await poster.close();
    await shot(page, '3-qr-source');
    expect(await checklistTicks()).toMatchObject({ number: true, topic: true, source: true });
  }, 90_000);

  it('4. publishes a sign-up page; a person joins from a 360 px phone and confirms the keyword on WhatsApp (the simulator)', async () => {
    await openTab('Opt-in sources');
    await sources().getByRole('button', { name: 'New source' }).click();
    const form = page.getByRole('form', { name: 'New opt-in source' });
    await form.getByLabel('Kind').selectOption('form');
    await form.getByLabel('Name', { exact: true }).fill('Website sign-up');
    await form.getByLabel('Keyword').fill('Join Ana');
    await form.getByRole('checkbox', { name: /Offers/ }).check();
    await form.getByLabel('Consent text').fill('Yes, send me Ana Bakery offers on WhatsApp, at most 2 a week. Reply STOP to stop.');
    await form.getByLabel('Page address').fill('ana-bakery');
    await form.getByLabel('Title').fill('Fresh bread news on WhatsApp');
    await form.getByLabel('How often').fill('about 2 messages a week');
    await form.getByLabel('Privacy policy URL').fill('https://bakery.example/privacy');
    // The business named at setup is the page's business name (publishing needs one).
    expect(await form.getByLabel('Business name').inputValue()).toBe(BUSINESS);
    await form.getByRole('button', { name: 'Create source' }).click();
    await sourceRow('Website sign-up').waitFor();
    await sourceDetail().getByRole('button', { name: 'Publish page' }).click();
    await sourceDetail().getByRole('button', { name: 'Unpublish page' }).waitFor();
    const pageUrl = (await sourceDetail().getByTestId('optin-page-url').textContent()) ?? '';
    expect(pageUrl).toMatch(/\/join\/ana-bakery$/);
    await shot(page, '4-signup-published');

    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const joinPage = await phone.newPage();
    joinPage.setDefaultTimeout(UI_TIMEOUT);
    watchPage(joinPage, seen);
    watchAnswers(joinPage);
    await joinPage.goto(`${base}/join/ana-bakery`);
    expect(await joinPage.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(360);
    await joinPage.getByLabel('Country').selectOption('PT');
    await joinPage.getByLabel('WhatsApp number').fill(JOINER.national);
    await joinPage.waitForTimeout(2_100); // the page refuses a form filled faster than a person could
    await joinPage.getByRole('button', { name: 'Continue' }).click();
    await joinPage.getByRole('heading', { name: 'One more step: confirm on WhatsApp' }).waitFor();
    expect(await joinPage.getByRole('link', { name: 'Confirm on WhatsApp' }).getAttribute('href')).toBe('https://wa.me/15550783881?text=join%20ana');
    await shot(joinPage, '4-join-360');
    await phone.close();

    // The person taps "Confirm on WhatsApp" and sends the prefilled keyword; the welcome comes back.
    await phoneSends(JOINER.e164, 'join ana');
    await expect.poll(async () => (await phoneReceived(JOINER.e164)).map((m) => m.request.text?.body ?? '').join('\n'), { timeout: 20_000 }).toMatch(/Ana Bakery/);
    await sources().getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(async () => {
      await sources().getByRole('button', { name: 'Refresh' }).click();
      return sourceRow('Website sign-up').getByTestId('optin-count').textContent();
    }, { timeout: 20_000 }).toBe('1');
    await shot(page, '4-signup-counted');
  }, 90_000);

  it('5. imports a CSV through the Imports tab, with a consent attestation and a dry run first', async () => {
    await openTab('Imports');
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'till-customers.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByTestId('file-header').waitFor();
    await page.getByLabel('Phone column').selectOption('phone');
    await page.getByLabel('Name column').selectOption('name');
    await page.getByLabel('A yes/no column says who agreed to a topic').check();
    await page.getByLabel('Topic granted').selectOption('offers');
    await page.getByLabel('Yes/no consent column').selectOption('whatsapp_offers');
    await expect.poll(async () => (await page.getByTestId('preview-row').allTextContents()).join(' | '), { timeout: 30_000 }).toContain('Rita Sousa');
    const attest = page.getByTestId('import-attestation');
    await attest.getByLabel('Who attests').fill('Ana');
    await attest.getByLabel('Text people were shown').fill('Send me Ana Bakery offers on WhatsApp. Reply STOP to stop.');
    await attest.getByLabel('Where it was collected').fill('the till, on paper');
    await attest.getByLabel('When it was collected').fill('2026-11-01');
    await attest.getByLabel('The text people agreed to named WhatsApp').check();
    await page.getByRole('button', { name: /^Dry run/ }).click();
    await page.getByTestId('dry-run-result').waitFor();
    await shot(page, '5-import-dry-run');
    await page.getByRole('button', { name: 'Import 3 rows' }).click();
    await page.getByTestId('import-result').waitFor({ timeout: 30_000 });
    const created = page.getByTestId('import-result').locator('dt', { hasText: 'Created' }).locator('xpath=following-sibling::dd[1]');
    expect(await created.textContent()).toBe('3');
    await shot(page, '5-import-done');
    expect((await checklistTicks()).import).toBe(true);
  }, 90_000);

  it('6. builds a segment in the Segments tab with a live count', async () => {
    await openTab('Segments');
    await page.getByRole('button', { name: 'New segment' }).click();
    const editor = page.getByTestId('segment-editor');
    await editor.getByLabel('Condition 1 field').selectOption('field:country');
    await editor.getByLabel('Condition 1 operator').selectOption('eq');
    await editor.getByLabel('Condition 1 value').fill('PT');
    await expect.poll(() => page.getByTestId('preview-count').textContent(), { timeout: UI_TIMEOUT }).toContain('4 contacts match');
    await editor.getByLabel('Name', { exact: true }).fill('Portugal');
    await editor.getByRole('button', { name: 'Save segment' }).click();
    await page.locator('[role=status]', { hasText: 'Saved “Portugal”.' }).waitFor();
    await page.getByTestId('segment-detail').getByTestId('segment-count').filter({ hasText: '4 contacts now' }).waitFor();
    await shot(page, '6-segment');
  }, 60_000);

  it('7. creates a template in the composer; the simulated review approves it and a sync shows it', async () => {
    await openTab('Templates');
    await page.getByRole('button', { name: 'New template' }).click();
    const composer = page.getByTestId('template-composer');
    await composer.getByLabel('Name', { exact: true }).fill('fresh_bread');
    await composer.getByLabel('Language').selectOption('en_US');
    await composer.getByLabel('Category').selectOption('MARKETING');
    await composer.getByLabel('Body', { exact: true }).fill('Hi {{1}}, fresh sourdough is out of the oven at Ana Bakery this morning.');
    await composer.getByLabel('Example for {{1}}').fill('Rita');
    await composer.getByLabel('Footer (optional)').fill('Reply STOP to stop');
    await expect.poll(() => composer.getByTestId('template-lint-summary').textContent(), { timeout: UI_TIMEOUT }).toContain('Ready to submit');
    await shot(page, '7-template-composer');
    await composer.getByRole('button', { name: 'Submit for review' }).click();
    await composer.waitFor({ state: 'detached' });
    const row = page.getByTestId('template-row').filter({ hasText: 'fresh_bread' });
    await expect.poll(() => row.locator('.badge[class*="status-"]').textContent(), { timeout: UI_TIMEOUT }).toContain('pending');
    // Meta's (simulated) review answers within seconds; the owner syncs to see it.
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Sync from WhatsApp' }).click();
      await page.getByRole('status').filter({ hasText: 'Synced' }).waitFor();
      return row.locator('.badge[class*="status-"]').textContent();
    }, { timeout: 30_000, interval: 2_000 }).toContain('approved');
    await shot(page, '7-template-approved');
    expect((await checklistTicks()).template).toBe(true);
  }, 90_000);

  it('8. sends a broadcast to the segment and reads its results', async () => {
    // Why: the default quiet hours (21:00–08:00 in each recipient's zone) would hold the send when
    // this runs in the evening; the owner turns them off in Settings, as a shop sending now would.
    await openTab('Settings');
    const sending = page.getByRole('form', { name: 'Sending' });
    await sending.getByRole('radio', { name: 'Off' }).first().check();
    await sending.getByRole('button', { name: 'Save sending' }).click();
    await sending.getByRole('status').getByText('Saved.').waitFor({ timeout: UI_TIMEOUT });
    await openTab('Broadcasts');
    await page.getByRole('button', { name: 'New broadcast' }).click();
    const composer = page.getByTestId('broadcast-composer');
    await composer.getByLabel('Name', { exact: true }).fill('Sourdough Saturday');
    await composer.getByLabel('Topic').selectOption('offers');
    await composer.getByLabel('Send to').selectOption({ label: 'Segment: Portugal' });
    await composer.getByLabel('Template').selectOption({ label: 'fresh_bread (en_US) · marketing' });
    await composer.getByLabel('body.1 source').selectOption('field');
    await composer.getByLabel('body.1 field').selectOption({ label: 'first name' });
    await composer.getByLabel('body.1 fallback').fill('there');
    await composer.getByRole('button', { name: 'Save draft' }).click();
    await composer.waitFor({ state: 'detached' });
    const view = page.getByTestId('broadcast-view');
    await view.getByRole('button', { name: 'Check audience' }).click();
    await view.getByTestId('broadcast-estimate').waitFor();
    // The joiner and the two who agreed on paper; Marta said no.
    await expect.poll(() => view.getByTestId('estimate-sendable').textContent(), { timeout: UI_TIMEOUT }).toBe('3');
    await view.getByRole('button', { name: 'Start sending to 3' }).click();
    await view.getByRole('group', { name: 'Confirm starting' }).getByRole('button', { name: 'Yes, start sending' }).click();
    const count = (key: string) => view.getByTestId(`count-${key}`);
    await expect.poll(async () => Number(await count('delivered').textContent()) + Number(await count('read').textContent()), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect.poll(() => view.getByTestId('broadcast-status').textContent(), { timeout: 60_000 }).toBe('Completed');
    await shot(page, '8-broadcast-results');
    // The simulator took the approved template for Rita with her first name in it.
    const toRita = (await phoneReceived('+351912345611')).filter((m) => m.type === 'template');
    expect(toRita.map((m) => [m.request.template?.name, m.request.template?.components?.[0]?.parameters[0]?.text])).toEqual([['fresh_bread', 'Rita']]);
    const ticks = await checklistTicks();
    expect(ticks).toEqual({ number: true, topic: true, source: true, import: true, template: true, broadcast: true });
    await expect.poll(() => page.getByTestId('checklist-progress').textContent(), { timeout: UI_TIMEOUT }).toBe('6 of 6 done');
    expect(await checklist().getByRole('heading').first().textContent()).toBe('You are all set');
    // The Overview's funnel of the broadcast: delivered (and read, once phones report it) as a share of those sent.
    const delivered = page.getByRole('list', { name: 'Funnel of Sourdough Saturday' }).getByTestId('funnel-delivered');
    const funnelTitle = async () => {
      await openTab('Broadcasts');
      await openTab('Overview');
      await revealOverviewCards(page); // the cards below the checklist load when scrolled to
      await delivered.waitFor({ timeout: 30_000 });
      return delivered.getAttribute('title');
    };
    // The sandbox, like WhatsApp, has numbers that are not on WhatsApp (131026 a moment after the
    // send was accepted, chosen by the workspace's seed): those do not count as sent.
    await expect.poll(funnelTitle, { timeout: 90_000, interval: 1_000 }).toMatch(/^[1-3] of [1-3] sent$/);
    await shot(page, '8-overview-done');
  }, 240_000);

  it('9. finds a contact by search, reads their consent proof, and erases them', async () => {
    await openTab('Contacts');
    await page.getByLabel('Name or phone').fill('912345601');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('[role=status]', { hasText: 'shown' }).waitFor();
    await page.getByRole('button', { name: JOINER.e164, exact: true }).click();
    const detail = page.locator('[data-testid=contact-detail]');
    const grant = detail.locator('[data-testid=consent-event]').filter({ hasText: 'grant' }).first();
    await grant.waitFor();
    expect(await grant.locator('dd[data-field=text]').textContent()).toContain('Ana Bakery offers on WhatsApp');
    // The timeline loads its pages after the proof and pushes the privacy buttons down: wait for it, as a person would.
    await detail.getByText(/^That is everything/).waitFor();
    await shot(page, '9-contact-proof');
    await detail.getByRole('button', { name: 'Erase contact…' }).click();
    await detail.getByRole('alertdialog').getByRole('button', { name: 'Yes, erase' }).click();
    await detail.waitFor({ state: 'detached' });
    await page.getByLabel('Name or phone').fill('912345601');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByRole('button', { name: JOINER.e164, exact: true }).count(), { timeout: UI_TIMEOUT }).toBe(0);
    await shot(page, '9-contact-erased');
  }, 60_000);

  it('saw no console error, dialog, page error, CSP violation, or an error answer the UI did not expect', () => {
    expect(seen.dialogs).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
    const unexpected = failedAnswers.filter((a) => !EXPECTED_FAILURES.some((re) => re.test(a)));
    expect(unexpected).toEqual([]);
    // Chromium logs every failed answer as a console error; those expected above are not errors of the UI.
    const expectedLine = (e: string) => /^Failed to load resource: the server responded with a status of (401|422) .*\(http:\/\/127\.0\.0\.1:\d+\/api\/v1\/(auth\/me|imports\/preview)(\?\S*)?\)$/.test(e);
    expect(consoleErrors.filter((e) => !expectedLine(e))).toEqual([]);
  });
});
