// Broadcasts and templates in the admin UI, in a real browser (Debian's chromium driven by
// playwright-core) against the real app and the Cloud API simulator on loopback: the Templates tab
// (list, lint, sync, preview with sample values), composing a broadcast to `offers` with
// weekly_offers (body.1 ← first name, fallback "there"; body.2 ← fixed text), the audience check
// against the seeded data, a test send, Start, Pause / Resume, the live progress to "completed"
// with the messages the simulator got, the recipients table with its state filter, and a scheduled
// broadcast's pause banner and in-page confirmed Cancel.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/adapters/db/database.js';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'marketer@shop.example';
const PASSWORD = 'a long enough passphrase';
const OFFER_TEXT = '2 for 1 on Fridays';
const TEST_NUMBER = '+447700900123';
/** Set UI_SCREENSHOTS=<dir> to keep screenshots of the main steps. */
const SHOTS = process.env.UI_SCREENSHOTS;

let h: BroadcastHarness;
let base: string;
let slug: string;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];
const consoleLines: string[] = [];

type Person = { id: string; phone: string };
/** The seeded contacts, by what should happen to them. */
const people: { named: Person[]; nameless: Person[]; staff: Person; suppressed: Person; unreachable: Person; withdrawn: Person[]; none: Person[] } = {} as never;
let sendable: Person[];
let firstId: string;

const composer = () => page.getByTestId('broadcast-composer');
const view = () => page.getByTestId('broadcast-view');
const count = (key: string) => view().getByTestId(`count-${key}`);
const estimate = (key: string) => view().getByTestId(`estimate-${key}`);
const recipientRows = () => view().getByTestId('recipient-row');

async function shot(name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits until the element shows exactly `text`. */
async function shows(loc: ReturnType<Page['getByTestId']>, text: string, timeout = UI_TIMEOUT): Promise<void> {
  await expect.poll(async () => (await loc.textContent())?.trim(), { timeout }).toBe(text);
}

async function openTab(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true }).click();
  await page.getByRole('heading', { name, level: 2 }).waitFor();
}

/** The template parameters of every weekly_offers message the simulator got for `phone`. */
function offerParams(phone: string): string[][] {
  return h.sim
    .sent(phone)
    .filter((m) => m.template?.name === 'weekly_offers')
    .map((m) => (m.request as { template: { components: { parameters: { text: string }[] }[] } }).template.components[0]!.parameters.map((p) => p.text));
}

beforeAll(async () => {
  await ensureWebBuilt();
  h = await createBroadcastHarness({ seed: 'broadcasts-ui' });
  const ok = async (method: 'POST' | 'PATCH', url: string, payload: unknown, status = 200) => {
    const res = await h.api(method, url, payload);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body as { id: string };
  };
  // Quiet hours would hold marketing back at night in Lagos; the test must not depend on the hour.
  await ok('PATCH', '/api/v1/workspace', { settings: { broadcasts: { quiet_hours: null } } });
  slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  await ok('POST', '/api/v1/users', { email: EMAIL, role: 'marketer', password: PASSWORD }, 201);

  // Consent to `offers`: 9 named people, 2 without a name, 1 on the staff list (left out), 1
  // suppressed, 1 unreachable; then 3 who withdrew and 2 who never agreed.
  people.named = await h.seedContacts(9);
  people.nameless = await h.seedContacts(2);
  for (const p of people.nameless) await ok('PATCH', `/api/v1/contacts/${p.id}`, { name: null });
  [people.staff] = (await h.seedContacts(1)) as [Person];
  [people.suppressed] = (await h.seedContacts(1)) as [Person];
  [people.unreachable] = (await h.seedContacts(1)) as [Person];
  people.withdrawn = await h.seedContacts(3, { consent: 'withdrawn' });
  people.none = await h.seedContacts(2, { consent: 'none' });
  sendable = [...people.named, ...people.nameless];

  const staff = await ok('POST', '/api/v1/segments', { name: 'Staff', description: 'Our own team' }, 201);
  await ok('POST', `/api/v1/segments/${staff.id}/members`, { phones: [people.staff.phone] });
  const csv = await h.t.call(h.tenant.key, { method: 'POST', url: '/api/v1/suppressions/import', headers: { 'content-type': 'text/csv' }, payload: `phone\n${people.suppressed.phone}\n` });
  expect(csv.statusCode, csv.body).toBe(200);
  expect(csv.json()).toMatchObject({ added: 1 });
  // The hygiene sweep marks numbers unreachable after repeated 131026 failures; set it directly.
  await queryRows(h.t.db, sql`update contacts set unreachable_at = now() where id = ${people.unreachable.id}`);

  base = h.appUrl.replace('localhost', '127.0.0.1');
  ({ browser, page } = await openUiPage({ dialogs, pageErrors, consoleLines, cspViolations }, { viewport: { width: 1280, height: 900 } }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('templates in the admin UI', () => {
  it('logs in as a marketer and lists the synced templates with status, category, quality and lint', async () => {
    await loginUi(page, base, { workspace: slug, email: EMAIL, password: PASSWORD });
    await openTab('Templates');
    const rows = page.getByTestId('template-row');
    await rows.first().waitFor();
    expect(await rows.locator('td:first-child button').allTextContents()).toEqual(['hello_world', 'service_update', 'weekly_offers']);
    const offers = rows.filter({ hasText: 'weekly_offers' });
    const cells = await offers.locator('td').allTextContents();
    expect(cells.slice(0, 5)).toEqual(['weekly_offers en_US', 'marketing', 'approved', 'unknown', 'body.1body.2']);
    expect(await rows.filter({ hasText: 'service_update' }).locator('td').nth(4).textContent()).toBe('—');
    // Whatever the lint says, it is shown in the row: "ok" or the findings.
    const lint = await offers.getByTestId('template-lint').textContent();
    const api = (await h.api('GET', '/api/v1/templates?name=weekly_offers')).body.data[0] as { lint: { errors: { message: string }[]; warnings: { message: string }[] } };
    const findings = [...api.lint.errors, ...api.lint.warnings].map((i) => i.message);
    expect(lint).toBe(findings.length ? findings.join('') : 'ok');
  });

  it('syncs from WhatsApp and says what changed', async () => {
    await page.getByRole('button', { name: 'Sync from WhatsApp' }).click();
    await page.locator('[role=status]', { hasText: /^Synced 1 account: \d+ new, \d+ updated, \d+ removed\.$/ }).waitFor();
    expect(await page.getByTestId('template-row').count()).toBe(3);
  });

  it("previews a template with its example values, then with typed sample values", async () => {
    await page.getByTestId('template-row').getByRole('button', { name: 'weekly_offers' }).click();
    const preview = page.getByTestId('template-preview');
    await preview.getByRole('heading', { name: 'weekly_offers (en_US)' }).waitFor();
    await shows(preview.getByTestId('template-preview-text'), 'Hi Ada, this week: 10% off.\n\nReply STOP to unsubscribe');
    await preview.getByLabel('Sample for body.2').fill('half price on shoes');
    await preview.getByRole('button', { name: 'Preview' }).click();
    await shows(preview.getByTestId('template-preview-text'), 'Hi Ada, this week: half price on shoes.\n\nReply STOP to unsubscribe');
    await shot('templates');
  });
});

describe('broadcasts in the admin UI', () => {
  it('opens an empty Broadcasts tab and says what is missing in the composer', async () => {
    await openTab('Broadcasts');
    await page.getByText('No broadcasts yet.').waitFor();
    await page.getByRole('button', { name: 'New broadcast' }).click();
    await composer().getByRole('button', { name: 'Save draft' }).click();
    await shows(composer().getByTestId('composer-error'), 'Give the broadcast a name.');
    // What is missing updates as the form is filled in.
    await composer().getByLabel('Name', { exact: true }).fill('Weekly offers, week 48');
    await shows(composer().getByTestId('composer-error'), 'Choose the topic recipients must have agreed to.');
  });

  it('composes weekly_offers to offers: body.1 ← first name (fallback "there"), body.2 ← fixed text, leaving out Staff', async () => {
    await composer().getByLabel('Topic').selectOption('offers');
    await shows(composer().getByTestId('composer-error'), 'Choose a template.');
    expect(await composer().getByLabel('Send to').inputValue()).toBe('');
    expect(await composer().getByLabel('Send to').locator('option:checked').textContent()).toBe('All contacts');
    await composer().getByLabel('Leave out').selectOption({ label: 'Segment: Staff' });
    await composer().getByLabel('Template').selectOption({ label: 'weekly_offers (en_US) · marketing' });
    await shows(composer().getByTestId('composer-template-text'), 'Hi {{1}}, this week: {{2}}.\n\nReply STOP to unsubscribe');
    expect(await composer().getByTestId('variable-row').locator('th').allTextContents()).toEqual(['body.1', 'body.2']);

    await composer().getByLabel('body.1 source').selectOption('field');
    await composer().getByLabel('body.1 field').selectOption({ label: 'first name' });
    await composer().getByLabel('body.1 fallback').fill('there');
    await composer().getByLabel('body.2 source').selectOption({ label: 'Fixed text' });
    expect(await composer().getByLabel('body.2 fallback').count()).toBe(0);
    await shows(composer().getByTestId('composer-error'), 'Fill in every variable.');
    expect(await composer().getByTestId('variable-row').nth(1).getAttribute('aria-invalid')).toBe('true');
    await composer().getByLabel('body.2 text').fill(OFFER_TEXT);
    await expect.poll(() => composer().getByTestId('composer-error').count()).toBe(0);

    // The live preview renders the mapping for a sample contact, with and without a name.
    const preview = composer().getByTestId('composer-preview');
    await shows(preview, `Hi Ada, this week: ${OFFER_TEXT}.\n\nReply STOP to unsubscribe`);
    await composer().getByLabel('Preview for a contact named').fill('');
    await shows(preview, `Hi there, this week: ${OFFER_TEXT}.\n\nReply STOP to unsubscribe`);
    expect(await composer().getByLabel('Now, when started').isChecked()).toBe(true);
    await shot('composer');

    await composer().getByRole('button', { name: 'Save draft' }).click();
    await page.locator('[role=status]', { hasText: 'Saved the draft “Weekly offers, week 48”. Check the audience, then start it.' }).waitFor();
    await composer().waitFor({ state: 'detached' });
    await shows(view().getByTestId('broadcast-status'), 'Draft');

    const list = (await h.api('GET', '/api/v1/broadcasts')).body.data as { id: string; name: string; status: string; topic: string; audience: unknown; template: unknown; schedule: unknown }[];
    expect(list).toHaveLength(1);
    firstId = list[0]!.id;
    const staffId = ((await h.api('GET', '/api/v1/segments')).body.data as { id: string; name: string }[]).find((s) => s.name === 'Staff')!.id;
    expect(list[0]).toMatchObject({
      name: 'Weekly offers, week 48',
      status: 'draft',
      topic: 'offers',
      audience: { all_contacts: true, exclude: [{ segment_id: staffId }] },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: OFFER_TEXT } } },
      schedule: { type: 'now' },
    });
    const summary = await view().getByTestId('broadcast-summary').textContent();
    expect(summary).toContain('all contacts with consent to “offers”, leaving out segment “Staff”');
    expect(summary).toContain('body.1 ← contact first name (fallback “there”)');
    expect(summary).toContain(`body.2 ← “${OFFER_TEXT}”`);
  });

  it('checks the audience: every exclusion by reason, sendable, messaging limit, cost — as seeded', async () => {
    const start = view().getByRole('button', { name: /^Start sending/ });
    expect(await start.isDisabled()).toBe(true);
    await view().getByRole('button', { name: 'Check audience' }).click();
    await view().getByTestId('broadcast-estimate').waitFor();
    const all = 9 + 2 + 1 + 1 + 1 + 3 + 2;
    await shows(estimate('matched'), String(all));
    await shows(estimate('excluded'), '− 1');
    await shows(estimate('no-consent'), `− ${people.none.length}`);
    await shows(estimate('withdrawn'), `− ${people.withdrawn.length}`);
    await shows(estimate('unreachable'), '− 1');
    await shows(estimate('suppressed'), '− 1');
    await shows(estimate('sendable'), String(sendable.length));
    await shows(estimate('frequency-capped'), '0');
    await shows(estimate('messaging-limit'), '250 / 24 h: 0 people reached outside a chat window in the last 24 h, 250 more now.');
    await shows(estimate('spill'), 'Everyone fits within the limit (0 over).');
    await shows(estimate('quiet-hours'), 'None apply to this broadcast.');
    // The cost counts everyone with consent who is reachable (the suppressed contact too): 12 in NG at $0.0516.
    const plan = (await h.api('POST', `/api/v1/broadcasts/${firstId}/estimate`)).body as { cost: { total: number; by_country: Record<string, { recipients: number }> } };
    expect(plan.cost.by_country.NG!.recipients).toBe(12);
    await shows(estimate('cost'), `$${plan.cost.total.toFixed(2)} (Meta's price per delivered message; an estimate)`);
    expect(await view().getByTestId('cost-row').locator('td').allTextContents()).toEqual(['NG', '12', '$0.0516', '$0.6192']);
    await shot('estimate');
  });

  it('sends a test to an internal number', async () => {
    await view().getByLabel('Test numbers').fill(TEST_NUMBER);
    await view().getByRole('button', { name: 'Send test' }).click();
    const result = view().getByTestId('test-send-result');
    await result.waitFor();
    // The final status follows from WhatsApp's status webhooks: accepted first, then delivered (or read).
    await expect.poll(() => result.locator('li').allTextContents(), { timeout: 20_000 }).toEqual([expect.stringMatching(new RegExp(`^\\${TEST_NUMBER}: (Delivered|Read)$`))]);
    expect(await result.locator('.bubble').textContent()).toMatch(new RegExp(`this week: ${OFFER_TEXT}\\.`));
    await expect.poll(() => offerParams(TEST_NUMBER).length).toBe(1);
    expect(offerParams(TEST_NUMBER)[0]![1]).toBe(OFFER_TEXT);
  });

  it('starts it; the live view shows it queued, and Pause / Resume work', async () => {
    await view().getByRole('button', { name: `Start sending to ${sendable.length}` }).click();
    await view().getByRole('group', { name: 'Confirm starting' }).getByRole('button', { name: 'Yes, start sending' }).click();
    await shows(view().getByTestId('broadcast-status'), 'Sending');
    // The "saved the draft" line goes once the broadcast moves on.
    await expect.poll(() => page.locator('.status-line').textContent()).toBe('');
    // No dispatcher runs yet: everyone (the suppressed contact too) waits in the queue.
    await shows(count('planned'), '12');
    await shows(count('queued'), '12');
    // The 7 matched contacts left out at start are counted apart, by reason.
    await shows(count('excluded'), '7');
    await shows(view().getByTestId('excluded-by-reason'), 'Left out at start: left out by an exclusion (1), no consent to the topic (2), consent withdrawn (3), unreachable (not on WhatsApp) (1)');
    await shows(view().getByTestId('progress-text'), '0 of 12 done (0%)');
    await view().getByRole('button', { name: 'Pause' }).click();
    await shows(view().getByTestId('broadcast-status'), 'Paused');
    await shows(view().getByTestId('pause-note'), 'Paused: paused by a person. Resume to go on.');
    expect(await view().getByTestId('pause-banner').count()).toBe(0);
    expect((await h.api('GET', `/api/v1/broadcasts/${firstId}`)).body).toMatchObject({ status: 'paused', pause_code: 'MANUAL' });
    await view().getByRole('button', { name: 'Resume' }).click();
    await shows(view().getByTestId('broadcast-status'), 'Sending');
    // The list row follows the status.
    await shows(page.getByTestId('broadcast-row').locator('td').nth(1), 'Sending');
  });

  it('polls the progress to completed with sent = 11 and one skipped as suppressed', async () => {
    h.dispatcher();
    await shows(view().getByTestId('broadcast-status'), 'Completed', 30_000);
    await shows(count('sent'), String(sendable.length));
    await shows(count('skipped'), '1');
    await shows(count('failed'), '0');
    await shows(count('queued'), '0');
    await shows(view().getByTestId('progress-text'), '12 of 12 done (100%)');
    expect(await view().locator('progress[aria-label="Progress"]').evaluate((p) => [(p as unknown as { value: number }).value, (p as unknown as { max: number }).max])).toEqual([12, 12]);
    await shows(view().getByTestId('skipped-by-reason'), 'Skipped: suppressed (1)');
    expect(await view().getByRole('button', { name: 'Pause' }).count()).toBe(0);
    expect(await view().getByRole('button', { name: 'Cancel broadcast' }).count()).toBe(0);
    await shows(page.getByTestId('broadcast-row').locator('td').nth(2), '11 sent of 12');

    // The simulator got exactly one message per sendable contact, with the mapping applied.
    for (const p of people.named) expect(offerParams(p.phone)).toEqual([['Person', OFFER_TEXT]]);
    for (const p of people.nameless) expect(offerParams(p.phone)).toEqual([['there', OFFER_TEXT]]);
    for (const p of [people.staff, people.suppressed, people.unreachable, ...people.withdrawn, ...people.none]) expect(offerParams(p.phone)).toEqual([]);
    await shot('progress-completed');
  });

  it('lists everyone the audience matched with their outcome (why not, for those left out), and filters them by state', async () => {
    const left = [people.staff, people.unreachable, ...people.withdrawn, ...people.none];
    await expect.poll(() => recipientRows().count()).toBe(12 + left.length);
    const phones = await recipientRows().locator('td:first-child').allTextContents();
    expect(phones.sort()).toEqual([...sendable, people.suppressed, ...left].map((p) => p.phone).sort());
    const suppressedRow = recipientRows().filter({ hasText: people.suppressed.phone });
    expect((await suppressedRow.locator('td').allTextContents()).slice(1, 4)).toEqual(['Skipped', 'suppressed', '0']);
    const why = async (p: Person) => (await recipientRows().filter({ hasText: p.phone }).locator('td').allTextContents()).slice(1, 3);
    expect(await why(people.staff)).toEqual(['Excluded', 'left out by an exclusion']);
    expect(await why(people.unreachable)).toEqual(['Excluded', 'unreachable (not on WhatsApp)']);
    expect(await why(people.withdrawn[0]!)).toEqual(['Excluded', 'consent withdrawn']);
    expect(await why(people.none[0]!)).toEqual(['Excluded', 'no consent to the topic']);
    const statuses: string[] = [];
    for (const p of sendable) statuses.push((await recipientRows().filter({ hasText: p.phone }).locator('td:nth-child(2) .badge:first-child').textContent()) ?? '');
    for (const status of statuses) expect(['Sent', 'Delivered', 'Read']).toContain(status);

    await view().getByLabel('Show').selectOption('excluded');
    await expect.poll(() => recipientRows().count()).toBe(left.length);

    await view().getByLabel('Show').selectOption('skipped');
    await expect.poll(() => recipientRows().count()).toBe(1);
    expect(await recipientRows().locator('td:first-child').textContent()).toBe(people.suppressed.phone);
    await view().getByLabel('Show').selectOption('failed');
    await view().getByTestId('no-recipients').waitFor();
    // Delivery and read receipts keep arriving after completion; once all are read, the filter shows all 11.
    await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${firstId}`)).body.counts.read === sendable.length, 20_000, 'reads');
    await view().getByLabel('Show').selectOption('read');
    await expect.poll(() => recipientRows().count()).toBe(sendable.length);
    expect(new Set(await recipientRows().locator('td:nth-child(2) .badge').allTextContents())).toEqual(new Set(['Read']));
    await shot('recipients');
  });

  it('shows an auto-pause reason in a banner, and cancels only after the in-page confirmation', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const created = await h.api('POST', '/api/v1/broadcasts', {
      name: 'Tomorrow’s offers',
      audience: { rules: { field: 'phone', op: 'exists' }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: OFFER_TEXT } } },
      schedule: { type: 'at', at },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await h.api('POST', `/api/v1/broadcasts/${id}/start`)).body.status).toBe('scheduled');
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    await page.getByTestId('broadcast-row').getByRole('button', { name: 'Tomorrow’s offers' }).click();
    await shows(view().getByTestId('broadcast-status'), 'Scheduled');
    await view().getByTestId('scheduled-note').filter({ hasText: 'Recipients are chosen when it starts.' }).waitFor();
    expect(await view().getByTestId('progress-text').count()).toBe(0);

    // What the engine does on a template or account error (send.service.ts): pause with a code and reason.
    const reason = 'WhatsApp refused to send for this number (WHATSAPP_ACCOUNT_BLOCKED, error 131031); fix it in WhatsApp Manager, then resume';
    await queryRows(h.t.db, sql`update broadcasts set status = 'paused', pause_code = 'ACCOUNT_ERROR', pause_reason = ${reason} where id = ${id}`);
    await view().getByRole('button', { name: 'Refresh' }).click();
    await shows(view().getByTestId('pause-banner'), `Paused automatically (ACCOUNT_ERROR): ${reason}`);
    await shot('auto-paused');

    await view().getByRole('button', { name: 'Cancel broadcast' }).click();
    const confirm = view().getByRole('group', { name: 'Confirm cancelling' });
    await confirm.getByRole('button', { name: 'Keep sending' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await h.api('GET', `/api/v1/broadcasts/${id}`)).body.status).toBe('paused');
    await view().getByRole('button', { name: 'Cancel broadcast' }).click();
    await confirm.getByRole('button', { name: 'Yes, cancel it' }).click();
    await shows(view().getByTestId('broadcast-status'), 'Cancelled');
    expect((await h.api('GET', `/api/v1/broadcasts/${id}`)).body.status).toBe('cancelled');
    expect(await view().getByRole('button', { name: 'Resume' }).count()).toBe(0);
    await shows(page.getByTestId('broadcast-row').filter({ hasText: 'Tomorrow’s offers' }).locator('td').nth(1), 'Cancelled');
  });

  it('raised no dialog, page error or CSP violation, and logged no phone number', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    const digits = (s: string) => s.replace(/\D/g, '');
    const all = [...sendable, people.staff, people.suppressed, people.unreachable, ...people.withdrawn, ...people.none];
    expect(consoleLines.filter((line) => all.some((p) => digits(line).includes(digits(p.phone))))).toEqual([]);
  });
});
