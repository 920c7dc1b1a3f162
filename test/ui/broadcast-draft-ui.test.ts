// Broadcast drafts in the admin UI (issue 19), in a real browser against the real app and the Cloud
// API simulator: a draft is edited in the prefilled composer (saved with PATCH), started only
// through a confirmation whose figures are the audience check's, duplicated into a new draft, and a
// broadcast whose recipients wait for quiet hours says until when; a 360 px phone fits.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'drafts@shop.example';
const PASSWORD = 'a long enough passphrase';
const ZONE = 'Africa/Lagos';
const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');

let h: BroadcastHarness;
let base: string;
let slug: string;
let browser: Browser;
let page: Page;
let draftId: string;
/** The end of the quiet hours set up to cover now ("HH:MM" in Lagos). */
let quietEnd: string;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], consoleLines: [] as string[], cspViolations: [] as string[] };

type Out = { id: string; name: string; status: string; topic: string; number_id: string; audience: unknown; template: { name: string; language: string; variables: unknown }; schedule: unknown; links: string[]; counts: { queued: number; planned: number }; next_attempt_at: string | null; next_attempt_reason: string | null };
type Plan = { matched: number; sendable: number; excluded: number; no_consent: number; consent_withdrawn: number; unreachable: number; suppressed: number };

const composer = () => page.getByTestId('broadcast-composer');
const view = () => page.getByTestId('broadcast-view');
const get = async (id: string) => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body as Out;

async function shot(name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function shows(loc: ReturnType<Page['getByTestId']>, text: string, timeout = UI_TIMEOUT): Promise<void> {
  await expect.poll(async () => (await loc.textContent())?.trim(), { timeout }).toBe(text);
}

/** "HH:MM" in Lagos, `minutes` from now. */
function lagosClock(minutes: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(Date.now() + minutes * 60_000));
}

beforeAll(async () => {
  await ensureWebBuilt();
  h = await createBroadcastHarness({ seed: 'broadcast-draft-ui' });
  // Quiet hours that cover now in the contacts' zone (Lagos): marketing started now waits for their end.
  quietEnd = lagosClock(120);
  const settings = await h.api('PATCH', '/api/v1/workspace', { settings: { timezone: ZONE, broadcasts: { quiet_hours: { start: lagosClock(-60), end: quietEnd } } } });
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  const user = await h.api('POST', '/api/v1/users', { email: EMAIL, role: 'marketer', password: PASSWORD });
  expect(user.status, JSON.stringify(user.body)).toBe(201);
  // 5 with consent to offers (Lagos), 2 who withdrew it and 1 who never gave it.
  await h.seedContacts(5);
  await h.seedContacts(2, { consent: 'withdrawn' });
  await h.seedContacts(1, { consent: 'none' });
  base = h.appUrl.replace('localhost', '127.0.0.1');
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('broadcast drafts in the admin UI', () => {
  it('saves a new draft from the composer', async () => {
    await loginUi(page, base, { workspace: slug, email: EMAIL, password: PASSWORD });
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Broadcasts', exact: true }).click();
    await page.getByRole('button', { name: 'New broadcast' }).click();
    await composer().getByLabel('Name', { exact: true }).fill('Friday offers');
    await composer().getByLabel('Topic').selectOption('offers');
    await composer().getByLabel('Template').selectOption({ label: 'weekly_offers (en_US) · marketing' });
    await composer().getByLabel('body.1 source').selectOption('field');
    await composer().getByLabel('body.1 field').selectOption({ label: 'first name' });
    await composer().getByLabel('body.1 fallback').fill('there');
    await composer().getByLabel('body.2 source').selectOption({ label: 'Fixed text' });
    await composer().getByLabel('body.2 text').fill('10% off');
    await composer().getByRole('button', { name: 'Save draft' }).click();
    await page.locator('[role=status]', { hasText: 'Saved the draft “Friday offers”.' }).waitFor();
    const list = (await h.api('GET', '/api/v1/broadcasts')).body.data as Out[];
    expect(list).toHaveLength(1);
    draftId = list[0]!.id;
  });

  it('edits the draft in the prefilled composer: name and a variable change, the rest stays, as the API shows', async () => {
    await view().getByRole('button', { name: 'Edit draft' }).click();
    await composer().getByRole('heading', { name: 'Edit “Friday offers”' }).waitFor();
    // Prefilled with what was saved.
    expect(await composer().getByLabel('Name', { exact: true }).inputValue()).toBe('Friday offers');
    expect(await composer().getByLabel('Topic').inputValue()).toBe('offers');
    await expect.poll(() => composer().getByLabel('Template').locator('option:checked').textContent()).toBe('weekly_offers (en_US) · marketing');
    expect(await composer().getByLabel('body.1 fallback').inputValue()).toBe('there');
    expect(await composer().getByLabel('body.2 text').inputValue()).toBe('10% off');
    expect(await composer().getByLabel('Now, when started').isChecked()).toBe(true);
    await composer().getByLabel('Name', { exact: true }).fill('Friday offers, week 49');
    await composer().getByLabel('body.2 text').fill('20% off shoes');
    await shot('draft-edit');
    await composer().getByRole('button', { name: 'Save changes' }).click();
    await page.locator('[role=status]', { hasText: 'Saved the changes to “Friday offers, week 49”.' }).waitFor();
    await composer().waitFor({ state: 'detached' });
    await view().getByRole('heading', { name: /^Friday offers, week 49/ }).waitFor();
    expect(await view().getByTestId('broadcast-summary').textContent()).toContain('body.2 ← “20% off shoes”');

    const b = await get(draftId);
    expect(b).toMatchObject({
      name: 'Friday offers, week 49',
      status: 'draft',
      topic: 'offers',
      audience: { all_contacts: true },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: '20% off shoes' } } },
      schedule: { type: 'now' },
    });
    expect((await h.api('GET', '/api/v1/broadcasts')).body.data).toHaveLength(1);
  });

  it('starts only through a confirmation stating the template, the estimate, the sending number and when', async () => {
    await view().getByRole('button', { name: 'Check audience' }).click();
    await view().getByTestId('broadcast-estimate').waitFor();
    await view().getByRole('button', { name: /^Start sending to 5/ }).click();
    const confirm = view().getByRole('group', { name: 'Confirm starting' });
    await confirm.waitFor();
    const plan = (await h.api('POST', `/api/v1/broadcasts/${draftId}/estimate`)).body as Plan;
    expect(plan).toMatchObject({ matched: 8, sendable: 5, consent_withdrawn: 2, no_consent: 1 });
    const numberId = (await get(draftId)).number_id;
    const number = ((await h.api('GET', '/api/v1/phone-numbers')).body.data as { id: string; display_number: string }[]).find((n) => n.id === numberId)!;
    await shows(confirm.getByTestId('confirm-template'), 'Template: weekly_offers (en_US)');
    await shows(confirm.getByTestId('confirm-audience'), `Sends to ${plan.sendable} of ${plan.matched} in the audience`);
    await shows(confirm.getByTestId('confirm-skipped'), `Skipped: ${plan.no_consent} without consent to the topic, ${plan.consent_withdrawn} who withdrew consent`);
    expect(await confirm.getByTestId('confirm-from').textContent()).toMatch(new RegExp(`^From: \\${number.display_number}`));
    await shows(confirm.getByTestId('confirm-when'), 'When: now');
    await shot('draft-confirm-start');
    // Backing out leaves it a draft.
    await confirm.getByRole('button', { name: 'Not yet' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await get(draftId)).status).toBe('draft');
    await view().getByRole('button', { name: /^Start sending to 5/ }).click();
    await confirm.getByRole('button', { name: 'Yes, start sending' }).click();
    await shows(view().getByTestId('broadcast-status'), 'Sending');
    expect((await get(draftId)).status).toBe('sending');
  });

  it('says until when the recipients held back by quiet hours wait, and why', async () => {
    h.dispatcher();
    await h.waitFor(async () => (await get(draftId)).next_attempt_reason === 'deferred: quiet hours', 20_000, 'quiet-hours deferrals');
    const b = await get(draftId);
    expect(b.counts).toMatchObject({ planned: 5, queued: 5 });
    expect(new Date(b.next_attempt_at!).getTime()).toBeGreaterThan(Date.now());
    await view().getByRole('button', { name: 'Refresh' }).click();
    const when = await page.evaluate(
      ([iso, timeZone]) => new Date(iso).toLocaleString(undefined, { timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
      [b.next_attempt_at!, ZONE] as const,
    );
    await shows(view().getByTestId('waiting-until'), `5 waiting until ${when} (${ZONE}), the earliest next attempt: quiet hours in the recipient’s time zone.`);
    // The time is the end of quiet hours in Lagos.
    expect(await page.evaluate(([iso, timeZone]) => new Date(iso).toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }), [b.next_attempt_at!, ZONE] as const)).toBe(quietEnd);
    // Each waiting recipient says the same in the recipients table.
    await expect.poll(() => view().getByTestId('recipient-row').filter({ hasText: 'Queued' }).locator('td:nth-child(3)').allTextContents()).toEqual(
      Array(5).fill(`until ${when} (quiet hours)`),
    );
    await shot('waiting-until');
  });

  it('duplicates the broadcast into a new draft with the same settings and opens it', async () => {
    await view().getByRole('button', { name: 'Duplicate' }).click();
    await page.locator('[role=status]', { hasText: 'Duplicated as the new draft “Copy of Friday offers, week 49”.' }).waitFor();
    await view().getByRole('heading', { name: /^Copy of Friday offers, week 49/ }).waitFor();
    await shows(view().getByTestId('broadcast-status'), 'Draft');
    const all = (await h.api('GET', '/api/v1/broadcasts')).body.data as Out[];
    expect(all).toHaveLength(2);
    const copy = all.find((x) => x.id !== draftId)!;
    const orig = await get(draftId);
    expect(copy).toMatchObject({ name: 'Copy of Friday offers, week 49', status: 'draft', topic: orig.topic, number_id: orig.number_id, audience: orig.audience, template: orig.template, schedule: orig.schedule, links: orig.links });
    await shows(page.getByTestId('broadcast-row').first().locator('td').nth(1), 'Draft');
  });

  it('fits a 360 px phone: the waiting text and the start confirmation', async () => {
    await page.setViewportSize({ width: 360, height: 780 });
    await view().getByRole('button', { name: 'Check audience' }).click();
    await view().getByRole('button', { name: /^Start sending to 5/ }).click();
    await view().getByRole('group', { name: 'Confirm starting' }).waitFor();
    expect(await page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(360);
    await shot('draft-confirm-360');
    await view().getByRole('button', { name: 'Not yet' }).click();
    await page.getByTestId('broadcast-row').filter({ hasText: 'Friday offers, week 49' }).filter({ hasNotText: 'Copy of' }).getByRole('button').first().click();
    await view().getByTestId('waiting-until').waitFor();
    expect(await page.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(360);
    await shot('waiting-360');
  });

  it('schedules the copy at a set time through the confirmation, which says when in the workspace zone', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByTestId('broadcast-row').filter({ hasText: 'Copy of' }).getByRole('button').first().click();
    await view().getByRole('button', { name: 'Edit draft' }).click();
    await composer().getByLabel('At a set time').check();
    // Tomorrow at 10:00 in the browser's own zone (the composer's field is "your time").
    const local = await page.evaluate(() => {
      const d = new Date(Date.now() + 86_400_000);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T10:00`;
    });
    await composer().getByLabel('Send at (your time)').fill(local);
    await composer().getByRole('button', { name: 'Save changes' }).click();
    await composer().waitFor({ state: 'detached' });
    const copyId = ((await h.api('GET', '/api/v1/broadcasts')).body.data as Out[]).find((x) => x.name.startsWith('Copy of'))!.id;
    const at = ((await get(copyId)).schedule as { type: string; at: string }).at;
    expect(at).toBe(await page.evaluate((v) => new Date(v).toISOString(), local));
    await view().getByRole('button', { name: 'Check audience' }).click();
    await view().getByRole('button', { name: 'Schedule…' }).click();
    const confirm = view().getByRole('group', { name: 'Confirm scheduling' });
    const when = await page.evaluate(
      ([iso, timeZone]) => new Date(iso).toLocaleString(undefined, { timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
      [at, ZONE] as const,
    );
    await shows(confirm.getByTestId('confirm-when'), `When: at ${when} (${ZONE})`);
    await confirm.getByRole('button', { name: 'Yes, schedule it' }).click();
    await shows(view().getByTestId('broadcast-status'), 'Scheduled');
    expect((await get(copyId)).status).toBe('scheduled');
  });

  it("schedules a draft at each recipient's best hour, and says which hour was chosen and why", async () => {
    const made = await h.api('POST', '/api/v1/broadcasts', {
      name: 'Best hour offers',
      audience: { all_contacts: true, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'x' } } },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const id = made.body.id as string;
    await page.reload();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Broadcasts', exact: true }).click();
    await page.getByTestId('broadcast-row').filter({ hasText: 'Best hour offers' }).getByRole('button').first().click();
    await view().getByRole('button', { name: 'Edit draft' }).click();
    await composer().getByLabel("At each recipient's best hour").check();
    const date = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await composer().getByLabel('Date', { exact: true }).fill(date);
    await composer().getByLabel('Local time if there is too little history').fill('09:30');
    await composer().getByRole('button', { name: 'Save changes' }).click();
    await composer().waitFor({ state: 'detached' });
    expect((await get(id)).schedule).toEqual({ type: 'best_hour', date, fallback_time: '09:30' });
    expect(await view().getByTestId('broadcast-summary').textContent()).toContain(`On ${date} at the best send time's hour for that weekday, in each recipient's time zone`);
    await view().getByRole('button', { name: 'Check audience' }).click();
    await view().getByRole('button', { name: 'Schedule…' }).click();
    const confirm = view().getByRole('group', { name: 'Confirm scheduling' });
    expect(await confirm.getByTestId('confirm-when').textContent()).toContain('(chosen when it starts; 09:30 if there is too little history)');
    await confirm.getByRole('button', { name: 'Yes, schedule it' }).click();
    // Nothing was read yet in this workspace: no weekday has a best hour, so the fallback time.
    await shows(view().getByTestId('best-hour-choice'), "09:30 in each recipient's zone: too little history on " + new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`)) + 's to pick an hour, so the fallback time');
    expect((await get(id)).status).toBe('sending');
    await shot('best-hour-started');
  });

  it('raised no dialog, page error or CSP violation', () => {
    expect(seen.dialogs).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  });
});
