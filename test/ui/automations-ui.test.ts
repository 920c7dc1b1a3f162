// Automations in the admin UI, in a real browser (Debian's chromium driven by playwright-core)
// against the real app and the Cloud API simulator on loopback: an empty tab, a new automation from
// the "Welcome series" starting point with weekly_offers in its two send steps, a missing variable
// refused by the API and shown at the step it names (not at the other send step), fixed and saved,
// the JSON editor, publishing, enrolling by pasted phones and by a saved segment (enrolled /
// skipped / unknown), the runs with their state, current step and steps log after the engine runs,
// per-step counts, and Pause / Resume showing only the actions the status allows.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/lib/logger.js';
import { runDueAutomations, scanAutomationTriggers } from '../../src/modules/automations/index.js';
import { sendQueuedAutomated } from '../../src/modules/messaging/index.js';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'marketer@shop.example';
const PASSWORD = 'a long enough passphrase';
const OFFER = '10% off this week';
const UNKNOWN_PHONE = '+2348099999999';
/** Set UI_SCREENSHOTS=<dir> to keep screenshots of the main steps (look at them when the layout changes). */
const SHOTS = process.env.UI_SCREENSHOTS;

let h: BroadcastHarness;
let base: string;
let browser: Browser;
let page: Page;
let people: { id: string; phone: string }[];
let automationId: string;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];
const consoleLines: string[] = [];
const log = silentLogger();

const editor = () => page.getByTestId('automation-editor');
const view = () => page.getByTestId('automation-view');
const stepCard = (n: number) => editor().getByTestId('step-card').nth(n - 1);
const runRows = () => view().getByTestId('run-row');

async function shot(name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `automations-${name}.png`), fullPage: true });
}

/** Waits until the element shows exactly `text`. */
async function shows(loc: Locator, text: string, timeout = UI_TIMEOUT): Promise<void> {
  await expect.poll(async () => (await loc.textContent())?.trim(), { timeout }).toBe(text);
}

/** One pass of what a worker does for automations: triggers, due steps, then the outbox to the simulator. */
async function tick(): Promise<void> {
  const deps = { db: h.t.db, now: new Date(), log };
  await scanAutomationTriggers(deps);
  while ((await runDueAutomations(deps)) > 0) {
    /* until nothing is due */
  }
  await sendQueuedAutomated({ ...deps, box: h.t.wiring.box, gateway: h.t.wiring.gateway });
}

/** Picks weekly_offers in a send step's card; body.1 ← first name (fallback "there"), body.2 ← fixed text `offer`. */
async function chooseOffer(card: Locator, offer: string): Promise<void> {
  await card.getByLabel('Template', { exact: true }).selectOption({ label: 'weekly_offers (en_US) · marketing' });
  await card.getByLabel('body.1 fallback').fill('there');
  await card.getByLabel('body.2 source').selectOption({ label: 'Fixed text' });
  await card.getByLabel('body.2 text').fill(offer);
}

beforeAll(async () => {
  await ensureWebBuilt();
  h = await createBroadcastHarness({ seed: 'automations-ui' });
  const ok = async (method: 'POST' | 'PATCH', url: string, payload: unknown, status = 200) => {
    const res = await h.api(method, url, payload);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body as { id: string };
  };
  // Quiet hours would hold marketing back at night in Lagos; the test must not depend on the hour.
  await ok('PATCH', '/api/v1/workspace', { settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
  const slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  await ok('POST', '/api/v1/users', { email: EMAIL, role: 'marketer', password: PASSWORD }, 201);
  people = await h.seedContacts(3);
  const regulars = await ok('POST', '/api/v1/segments', { name: 'Regulars', description: 'Come in every week' }, 201);
  await ok('POST', `/api/v1/segments/${regulars.id}/members`, { phones: people.map((p) => p.phone) });

  base = h.appUrl.replace('localhost', '127.0.0.1');
  ({ browser, page } = await openUiPage({ dialogs, pageErrors, consoleLines, cspViolations }, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, base, { workspace: slug, email: EMAIL, password: PASSWORD });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('automations in the admin UI', () => {
  it('opens an empty tab and starts a new automation from the Welcome series', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Automations', exact: true }).click();
    await page.getByRole('heading', { name: 'Automations', level: 2 }).waitFor();
    await page.getByText('No automations yet.').waitFor();
    await page.getByRole('button', { name: 'New automation' }).click();
    // The first starting point is chosen: its name and its three steps.
    expect(await editor().getByRole('radio', { name: /^Welcome series/ }).getAttribute('aria-checked')).toBe('true');
    expect(await editor().getByLabel('Name', { exact: true }).inputValue()).toBe('Welcome series');
    await expect.poll(() => editor().getByTestId('step-card').locator('h4').allTextContents()).toEqual(['1 Send a template welcome', '2 Wait wait', '3 Send a template follow-up']);
    // Another starting point replaces the steps (and the preset name); back to the welcome series.
    await editor().getByRole('radio', { name: /^Win-back/ }).click();
    await expect.poll(() => editor().getByTestId('step-card').locator('h4').allTextContents()).toEqual(['1 Send a template we-miss-you', '2 Wait wait', '3 Add or remove tags mark']);
    expect(await editor().getByLabel('Name', { exact: true }).inputValue()).toBe('Win-back');
    await editor().getByRole('radio', { name: /^Welcome series/ }).click();
    expect(await stepCard(2).getByLabel('Days').inputValue()).toBe('2');
    // Each step says what it does.
    expect(await stepCard(2).locator('.help').textContent()).toMatch(/^Holds the person here/);
  });

  it('shows the API’s problem at the step it names (a variable left empty in step 3), then saves once fixed', async () => {
    await editor().getByLabel('Name', { exact: true }).fill('Welcome to the shop');
    await editor().getByLabel('Topic', { exact: true }).selectOption('offers');
    await editor().getByLabel('Only when I enrol people (here or through the API)').check();
    await chooseOffer(stepCard(1), OFFER);
    // Step 3: the offer text is forgotten.
    await stepCard(3).getByLabel('Template', { exact: true }).selectOption({ label: 'weekly_offers (en_US) · marketing' });
    await stepCard(3).getByLabel('body.2 source').selectOption({ label: 'Fixed text' });
    await shot('editor');
    await editor().getByRole('button', { name: 'Save draft' }).click();

    await shows(editor().getByTestId('automation-editor-error'), 'The automation was not saved: one thing needs fixing (shown at the steps).');
    const problem = stepCard(3).getByTestId('automation-problem');
    await problem.waitFor();
    expect(await problem.getByTestId('automation-problem-path').textContent()).toBe('template.variables["body.2"]');
    expect(await problem.getByTestId('automation-problem-text').textContent()).toMatch(/no source for body\.2/);
    expect(await stepCard(3).getAttribute('aria-invalid')).toBe('true');
    expect(await stepCard(1).getByTestId('automation-problem').count()).toBe(0);
    expect((await h.api('GET', '/api/v1/automations')).body.data).toEqual([]);
    await shot('problem-at-step');

    // Fixing the step clears its problem; saving goes through.
    await stepCard(3).getByLabel('body.2 text').fill('a free coffee');
    await expect.poll(() => stepCard(3).getByTestId('automation-problem').count()).toBe(0);
    await editor().getByRole('button', { name: 'Save draft' }).click();
    await page.locator('[role=status]', { hasText: 'Saved the draft “Welcome to the shop”. Publish it to start.' }).waitFor();
    await editor().waitFor({ state: 'detached' });
    await shows(view().getByTestId('automation-status'), 'Draft');

    const list = (await h.api('GET', '/api/v1/automations')).body.data as { id: string; definition: unknown; status: string }[];
    expect(list).toHaveLength(1);
    automationId = list[0]!.id;
    const offer = (text: string) => ({ name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: text } } });
    expect(list[0]).toMatchObject({
      status: 'draft',
      definition: {
        trigger: { type: 'api' },
        topic: 'offers',
        steps: [
          { id: 'welcome', type: 'send_template', template: offer(OFFER) },
          { id: 'wait', type: 'wait', duration: { days: 2 } },
          { id: 'follow-up', type: 'send_template', template: { ...offer('a free coffee'), variables: { 'body.1': { field: 'first_name' }, 'body.2': { value: 'a free coffee' } } } },
        ],
      },
    });
    // The list row: status, version, counts.
    const row = page.getByTestId('automation-row');
    expect(await row.locator('td').allTextContents()).toEqual(['Welcome to the shop', 'Draft', '—', 'you enrol people (here or through the API)', '0', '0', '0', '0', '0']);
    expect(await view().getByTestId('enrol-unavailable').textContent()).toBe('Publish it first; then you can enrol people here.');
  });

  it('edits the draft as JSON and back: a problem in the JSON is shown with its full path', async () => {
    await view().getByRole('button', { name: 'Edit the steps' }).click();
    await editor().getByLabel('Edit as JSON (for developers)').check();
    const json = editor().getByLabel('Definition as JSON');
    const text = await json.inputValue();
    expect(JSON.parse(text)).toMatchObject({ topic: 'offers', steps: [{ id: 'welcome' }, { id: 'wait' }, { id: 'follow-up' }] });
    // A branch pointing at a step that does not exist.
    const def = JSON.parse(text) as { steps: Record<string, unknown>[] };
    def.steps.splice(2, 0, { id: 'vip', type: 'branch', rules: { field: 'tags', op: 'contains', value: 'vip' }, then: 'follow-up', else: 'nowhere' });
    await json.fill(JSON.stringify(def, null, 2));
    await editor().getByRole('button', { name: 'Save draft' }).click();
    await editor().getByTestId('automation-problem-path').filter({ hasText: 'definition.steps[2].else' }).waitFor();
    expect(await editor().getByTestId('automation-problem-text').first().textContent()).toMatch(/no step has the id "nowhere"/);
    // Back to the steps: the branch shows with its two targets, the condition in the rule builder.
    await editor().getByLabel('Edit as JSON (for developers)').uncheck();
    await expect.poll(() => editor().getByTestId('step-card').count()).toBe(4);
    expect(await stepCard(3).locator('h4').textContent()).toBe('3 Check a condition vip');
    expect(await stepCard(3).getByLabel('If they match, go to').locator('option:checked').textContent()).toBe('Step 4 · Send a template');
    expect(await stepCard(3).getByLabel('Otherwise, go to').locator('option:checked').textContent()).toBe('nowhere (no such step)');
    expect(await stepCard(3).getByLabel('Condition 1 value').inputValue()).toBe('vip');
    await shot('branch');
    // Cancel keeps the saved draft.
    await editor().getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => view().getByTestId('flow-step').count()).toBe(3);
  });

  it('publishes, then enrols by pasted phones and by a saved segment (enrolled / skipped / unknown)', async () => {
    expect(await view().getByRole('button', { name: 'Resume' }).count()).toBe(0);
    expect(await view().getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await view().getByRole('button', { name: 'Publish', exact: true }).click();
    await shows(view().getByTestId('automation-status'), 'Live');
    expect(await view().getByTestId('automation-summary').textContent()).toBe('Version 1 is live. Starts when you enrol people (here or through the API). Topic: offers.');
    await view().getByRole('button', { name: 'Publish the draft as version 2' }).waitFor();

    await view().getByLabel('Phone numbers', { exact: true }).check();
    await view().getByLabel('Phone numbers (one per line)').fill(`${people[0]!.phone}\n${UNKNOWN_PHONE}`);
    await view().getByRole('button', { name: 'Enrol' }).click();
    await shows(view().getByTestId('enrol-result'), 'Enrolled 1 · skipped 0 (already in it) · unknown 1 (not your contacts)');
    await expect.poll(() => runRows().count()).toBe(1);
    expect(await runRows().first().locator('td').first().textContent()).toBe(`Person 0 · ${people[0]!.phone}`);

    await view().getByLabel('People in a saved segment').check();
    await view().getByLabel('Segment', { exact: true }).selectOption({ label: 'Regulars' });
    await view().getByRole('button', { name: 'Enrol' }).click();
    await shows(view().getByTestId('enrol-result'), 'Enrolled 2 · skipped 1 (already in it) · unknown 0 (not your contacts)');
    await expect.poll(() => runRows().count()).toBe(3);
    await shows(view().getByTestId('automation-count-enrolled'), '3');
  });

  it('shows each run’s state, current step, due time and steps log once the engine has run, and per-step counts', async () => {
    await tick();
    await view().getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => runRows().locator('[data-testid=run-state]').allTextContents()).toEqual(['Waiting', 'Waiting', 'Waiting']);
    const first = runRows().filter({ hasText: people[0]!.phone });
    const cells = await first.locator('td').allTextContents();
    expect(cells[2]).toBe('Step 3 · Send a template');
    expect(cells[3]).not.toBe('—'); // due in two days
    await first.getByRole('button', { name: 'Steps (2)' }).click();
    const log = view().getByTestId('run-steps');
    await expect.poll(async () => (await log.locator('li').allTextContents()).map((l) => l.replace(/^.*?Step/, 'Step'))).toEqual(['Step 1 · Send a template: Sent', 'Step 2 · Wait: Waited']);
    // The simulator got one welcome per person, with the mapping applied.
    for (const p of people) expect(h.sim.sent(p.phone).filter((m) => m.template?.name === 'weekly_offers')).toHaveLength(1);
    await shows(view().getByTestId('automation-count-waiting'), '3');
    const counts = view().getByTestId('step-counts');
    await expect.poll(() => counts.first().textContent()).toMatch(/^3 sent/);
    await shows(counts.nth(1), '3 waited');
    await shows(counts.nth(2), 'nobody yet');
    // Delivery receipts arrive through the webhooks; the counts follow.
    await expect
      .poll(
        async () => {
          await view().getByRole('button', { name: 'Refresh' }).click();
          return counts.first().textContent();
        },
        { timeout: 20_000 },
      )
      .toMatch(/^3 sent · 3 (delivered|read)/);
    await shows(page.getByTestId('automation-row').getByTestId('row-count-waiting'), '3');
    await shot('runs');
  });

  it('pauses and resumes, offering only the actions the status allows', async () => {
    await view().getByRole('button', { name: 'Pause' }).click();
    await shows(view().getByTestId('automation-status'), 'Paused');
    expect(await view().getByRole('button', { name: 'Pause' }).count()).toBe(0);
    expect(await view().getByTestId('enrol-unavailable').textContent()).toBe('Resume it to enrol people.');
    expect((await h.api('GET', `/api/v1/automations/${automationId}`)).body.status).toBe('paused');
    await shows(page.getByTestId('automation-row').locator('td').nth(1), 'Paused');
    await shot('paused');
    await view().getByRole('button', { name: 'Resume' }).click();
    await shows(view().getByTestId('automation-status'), 'Live');
    expect(await view().getByRole('button', { name: 'Resume' }).count()).toBe(0);
    await view().getByRole('button', { name: 'Pause' }).waitFor();
    expect((await h.api('GET', `/api/v1/automations/${automationId}`)).body.status).toBe('published');
  });

  it('raised no dialog, page error or CSP violation, and logged no phone number', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    const digits = (s: string) => s.replace(/\D/g, '');
    expect(consoleLines.filter((line) => people.some((p) => digits(line).includes(digits(p.phone))))).toEqual([]);
  });
});
