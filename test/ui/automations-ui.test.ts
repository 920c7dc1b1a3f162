// Automations in the admin UI, in a real browser (Debian's chromium driven by playwright-core)
// against the real app and the Cloud API simulator on loopback: an empty tab, the server's recipe
// gallery, a new automation from the "Welcome series" recipe with weekly_offers in its two slots (a
// slot left empty named at its picker, a missing variable named under the form), then in the step
// editor a missing variable refused by the API and shown at the step it names (not at the other send
// step), fixed and saved, the JSON editor, publishing, enrolling by pasted phones and by a saved segment (enrolled /
// skipped / unknown), the runs with their state, current step and steps log after the engine runs,
// per-step counts, Pause / Resume showing only the actions the status allows, the "FAQ and
// order-tracking menu" recipe (no slots) with its reply steps in the editor, a recipe's date
// start described in words; then a blank automation started by a tag with a "wait for a customer
// event" step (both ways out saved and shown in the flow), published, started by a tag added
// through the API and sent down the "it happens" way by a purchase (credited to its send step, with
// its revenue, in the step counts); a test run started from the
// page (the phone prefilled with a sandbox contact, an unknown number and a second run at once
// refused in words, the run's steps followed without a refresh); and attribute and unread-broadcast
// starts edited in the form.
import { mkdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { join } from 'node:path';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/adapters/db/database.js';
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
const SHOE_TAG = 'tried-shoes';
/** Set UI_SCREENSHOTS=<dir> to keep screenshots of the main steps (look at them when the layout changes). */
const SHOTS = process.env.UI_SCREENSHOTS;

let h: BroadcastHarness;
let base: string;
let browser: Browser;
let page: Page;
let people: { id: string; phone: string }[];
let automationId: string;
let regularsId: string;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];
const consoleLines: string[] = [];
const log = silentLogger();

const editor = () => page.getByTestId('automation-editor');
const gallery = () => page.getByTestId('automation-gallery');
const recipeForm = () => page.getByTestId('recipe-form');
const slot = (label: string) => recipeForm().getByRole('group', { name: label, exact: true });
const stepHeads = () => editor().getByTestId('step-card').locator('h4').allTextContents();
const view = () => page.getByTestId('automation-view');
const stepCard = (n: number) => editor().getByTestId('step-card').nth(n - 1);
const runRows = () => view().getByTestId('run-row');

async function shot(name: string, of?: Locator): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `automations-${name}.png`);
  await (of ? of.screenshot({ path }) : page.screenshot({ path, fullPage: true }));
}

/** Waits until the element shows exactly `text`. */
async function shows(loc: Locator, text: string, timeout = UI_TIMEOUT): Promise<void> {
  await expect.poll(async () => (await loc.textContent())?.trim(), { timeout }).toBe(text);
}

/** Runs the worker's pass and refreshes the page until `check` holds (the trigger scan reads rows a moment old again). */
async function untilShown(check: () => Promise<boolean>): Promise<void> {
  await expect
    .poll(
      async () => {
        await tick();
        await view().getByRole('button', { name: 'Refresh' }).click();
        return check();
      },
      { timeout: 20_000 },
    )
    .toBe(true);
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

/** weekly_offers as a step sends it: body.1 ← first name (fallback "there"), body.2 ← `text`. */
const offer = (text: string) => ({ name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: text } } });

/** Picks weekly_offers in a send step's card (or a recipe's slot); body.1 ← first name (fallback "there"), body.2 ← fixed text `offer`. */
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
  regularsId = regulars.id;

  base = h.appUrl.replace('localhost', '127.0.0.1');
  ({ browser, page } = await openUiPage({ dialogs, pageErrors, consoleLines, cspViolations }, { viewport: { width: 1280, height: 900 } }));
  await loginUi(page, base, { workspace: slug, email: EMAIL, password: PASSWORD });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('automations in the admin UI', () => {
  it('opens an empty tab and offers the server’s recipes and a blank start', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Automations', exact: true }).click();
    await page.getByRole('heading', { name: 'Automations', level: 2 }).waitFor();
    await page.getByText('No automations yet.').waitFor();
    await page.getByRole('button', { name: 'New automation' }).click();
    // The nine recipes, in the server's order, then Blank; none chosen yet.
    await expect
      .poll(() => gallery().getByRole('radio').locator('strong').allTextContents())
      .toEqual(['Welcome series', 'Thank you after a purchase', 'Appointment reminder', 'Birthday offer', 'Abandoned cart', 'Win back dormant customers', 'Re-permission', 'How are we doing? (NPS)', 'FAQ and order-tracking menu', 'Blank']);
    expect(await gallery().locator('[aria-checked=true]').count()).toBe(0);
    // Blank: the step editor with one send step.
    await gallery().getByRole('radio', { name: /^Blank/ }).click();
    await expect.poll(stepHeads).toEqual(['1 Send a template message']);
    expect(await editor().getByLabel('Name', { exact: true }).inputValue()).toBe('');
    // A recipe: its form, named after it, with one template picker per slot.
    await gallery().getByRole('radio', { name: /^Win back dormant customers/ }).click();
    await editor().waitFor({ state: 'detached' });
    expect(await recipeForm().getByLabel('Name', { exact: true }).inputValue()).toBe('Win back dormant customers');
    expect(await recipeForm().getByTestId('recipe-slot').locator('legend').allTextContents()).toEqual(['Gentle message']);
    expect(await recipeForm().getByLabel('Days to wait for an answer (optional)').getAttribute('placeholder')).toBe('14');
    await gallery().getByRole('radio', { name: /^Welcome series/ }).click();
    expect(await gallery().getByRole('radio', { name: /^Welcome series/ }).getAttribute('aria-checked')).toBe('true');
    expect(await recipeForm().getByLabel('Name', { exact: true }).inputValue()).toBe('Welcome series');
    expect(await recipeForm().getByTestId('recipe-slot').locator('legend').allTextContents()).toEqual(['Welcome message', 'First offer']);
    expect(await recipeForm().textContent()).toContain('Uses the contact attribute “interests” (created if missing).');
  });

  it('names a slot left empty at its picker and a step’s problem under the form, then creates the draft', async () => {
    await recipeForm().getByLabel('Name', { exact: true }).fill('Welcome to the shop');
    await recipeForm().getByLabel('Topic', { exact: true }).selectOption('offers');
    await recipeForm().getByLabel('Days before the first offer (optional)').fill('6');
    await chooseOffer(slot('Welcome message'), OFFER);
    await recipeForm().getByRole('button', { name: 'Create the draft' }).click();
    // The offer slot has no template: named at its picker.
    await shows(recipeForm().getByTestId('recipe-form-error'), 'The automation was not created: one thing needs fixing (shown at the fields).');
    const missing = slot('First offer').getByTestId('automation-problem');
    await missing.waitFor();
    expect(await missing.getByTestId('automation-problem-path').textContent()).toBe('templates.offer');
    expect(await missing.getByTestId('automation-problem-text').textContent()).toMatch(/choose the template for "First offer"/);
    expect(await slot('First offer').getAttribute('aria-invalid')).toBe('true');
    expect(await slot('Welcome message').getByTestId('automation-problem').count()).toBe(0);
    await shot('recipe-slot-problem');

    // The offer template with its second variable forgotten: a problem in the steps, listed under the form.
    await slot('First offer').getByLabel('Template', { exact: true }).selectOption({ label: 'weekly_offers (en_US) · marketing' });
    await expect.poll(() => slot('First offer').getByTestId('automation-problem').count()).toBe(0);
    await slot('First offer').getByLabel('body.2 source').selectOption({ label: 'Fixed text' });
    await recipeForm().getByRole('button', { name: 'Create the draft' }).click();
    const listed = recipeForm().getByRole('alert', { name: 'Problems in the steps' }).getByTestId('automation-problem');
    await listed.waitFor();
    expect(await listed.getByTestId('automation-problem-path').textContent()).toBe('definition.steps[4].template.variables["body.2"]');
    expect(await listed.getByTestId('automation-problem-text').textContent()).toMatch(/no source for body\.2/);
    await shows(recipeForm().getByTestId('recipe-form-error'), 'The automation was not created: one thing needs fixing (shown below).');
    expect((await h.api('GET', '/api/v1/automations')).body.data).toEqual([]);
    await shot('recipe-step-problem');

    await slot('First offer').getByLabel('body.2 text').fill('a free coffee');
    await recipeForm().getByRole('button', { name: 'Create the draft' }).click();
    await page.locator('[role=status]', { hasText: 'Saved the draft “Welcome to the shop”. Publish it to start.' }).waitFor();
    await recipeForm().waitFor({ state: 'detached' });
    await shows(view().getByTestId('automation-status'), 'Draft');
    await expect.poll(() => view().getByTestId('flow-step').count()).toBe(5);

    const list = (await h.api('GET', '/api/v1/automations')).body.data as { id: string; definition: unknown; status: string }[];
    expect(list).toHaveLength(1);
    automationId = list[0]!.id;
    expect(list[0]).toMatchObject({
      status: 'draft',
      definition: {
        trigger: { type: 'opt_in' },
        topic: 'offers',
        steps: [
          { id: 'welcome', type: 'send_template', template: offer(OFFER) },
          { id: 'pause', type: 'wait', duration: { days: 2 } },
          { id: 'interests', type: 'ask', attribute: 'interests' },
          { id: 'later', type: 'wait', duration: { days: 6 } },
          { id: 'offer', type: 'send_template', template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name' }, 'body.2': { value: 'a free coffee' } } } },
        ],
      },
    });
    // The list row: status, version, start, counts.
    const row = page.getByTestId('automation-row');
    expect(await row.locator('td').allTextContents()).toEqual(['Welcome to the shop', 'Draft', '—', 'someone agrees to the topic', '0', '0', '0', '0', '0']);
    expect(await view().getByTestId('enrol-unavailable').textContent()).toBe('Publish it first; then you can enrol people here.');
  });

  it('shows the API’s problem at the step it names in the editor (a variable left empty in step 5), then saves once fixed', async () => {
    await view().getByRole('button', { name: 'Edit the steps' }).click();
    await expect.poll(stepHeads).toEqual(['1 Send a template welcome', '2 Wait pause', '3 Ask a question interests', '4 Wait later', '5 Send a template offer']);
    // Each step says what it does.
    expect(await stepCard(2).locator('.help').textContent()).toMatch(/^Holds the person here/);
    expect(await stepCard(4).getByLabel('Days').inputValue()).toBe('6');
    await editor().getByLabel('Only when I enrol people (here or through the API)').check();
    await stepCard(5).getByLabel('body.2 text').fill('');
    await shot('editor');
    await editor().getByRole('button', { name: 'Save draft' }).click();

    await shows(editor().getByTestId('automation-editor-error'), 'The automation was not saved: one thing needs fixing (shown at the steps).');
    const problem = stepCard(5).getByTestId('automation-problem');
    await problem.waitFor();
    expect(await problem.getByTestId('automation-problem-path').textContent()).toBe('template.variables["body.2"]');
    expect(await problem.getByTestId('automation-problem-text').textContent()).toMatch(/no source for body\.2/);
    expect(await stepCard(5).getAttribute('aria-invalid')).toBe('true');
    expect(await stepCard(1).getByTestId('automation-problem').count()).toBe(0);
    await shot('problem-at-step');

    // Fixing the step clears its problem; saving goes through.
    await stepCard(5).getByLabel('body.2 text').fill('a free coffee');
    await expect.poll(() => stepCard(5).getByTestId('automation-problem').count()).toBe(0);
    await editor().getByRole('button', { name: 'Save draft' }).click();
    await view().locator('[role=status]', { hasText: 'Saved the draft. Publish it to start.' }).waitFor();
    await editor().waitFor({ state: 'detached' });
    const saved = (await h.api('GET', `/api/v1/automations/${automationId}`)).body as { definition: { trigger: unknown; steps: { template?: unknown }[] } };
    expect(saved.definition.trigger).toEqual({ type: 'api' });
    expect(saved.definition.steps[4]!.template).toEqual({ name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name' }, 'body.2': { value: 'a free coffee' } } });
    await shows(page.getByTestId('automation-row').locator('td').nth(3), 'you enrol people (here or through the API)');
  });

  it('edits the draft as JSON and back: a problem in the JSON is shown with its full path', async () => {
    await view().getByRole('button', { name: 'Edit the steps' }).click();
    await editor().getByLabel('Edit as JSON (for developers)').check();
    const json = editor().getByLabel('Definition as JSON');
    const text = await json.inputValue();
    expect(JSON.parse(text)).toMatchObject({ topic: 'offers', steps: [{ id: 'welcome' }, { id: 'pause' }, { id: 'interests' }, { id: 'later' }, { id: 'offer' }] });
    // A branch pointing at a step that does not exist.
    const def = JSON.parse(text) as { steps: Record<string, unknown>[] };
    def.steps.splice(2, 0, { id: 'vip', type: 'branch', rules: { field: 'tags', op: 'contains', value: 'vip' }, then: 'offer', else: 'nowhere' });
    await json.fill(JSON.stringify(def, null, 2));
    await editor().getByRole('button', { name: 'Save draft' }).click();
    await editor().getByTestId('automation-problem-path').filter({ hasText: 'definition.steps[2].else' }).waitFor();
    expect(await editor().getByTestId('automation-problem-text').first().textContent()).toMatch(/no step has the id "nowhere"/);
    // Back to the steps: the branch shows with its two targets, the condition in the rule builder.
    await editor().getByLabel('Edit as JSON (for developers)').uncheck();
    await expect.poll(() => editor().getByTestId('step-card').count()).toBe(6);
    expect(await stepCard(3).locator('h4').textContent()).toBe('3 Check a condition vip');
    expect(await stepCard(3).getByLabel('If they match, go to').locator('option:checked').textContent()).toBe('Step 6 · Send a template');
    expect(await stepCard(3).getByLabel('Otherwise, go to').locator('option:checked').textContent()).toBe('nowhere (no such step)');
    expect(await stepCard(3).getByLabel('Condition 1 value').inputValue()).toBe('vip');
    await shot('branch');
    // Cancel keeps the saved draft.
    await editor().getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => view().getByTestId('flow-step').count()).toBe(5);
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
    await shows(runRows().first().locator('td').first(), `Person 0 · ${people[0]!.phone}`); // the name shows once the contacts are loaded

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
    expect(cells[2]).toBe('Step 3 · Ask a question');
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

  it('creates the FAQ and order-tracking menu (a recipe without slots) and shows its reply steps in the editor', async () => {
    await page.getByRole('button', { name: 'New automation' }).click();
    await gallery().getByRole('radio', { name: /^FAQ and order-tracking menu/ }).click();
    expect(await recipeForm().getByTestId('recipe-slot').count()).toBe(0);
    expect(await recipeForm().getByRole('spinbutton').count()).toBe(0); // no days in this one
    expect(await recipeForm().getByLabel('Name', { exact: true }).inputValue()).toBe('FAQ and order-tracking menu');
    // The topic is needed before anything goes to the API.
    await recipeForm().getByRole('button', { name: 'Create the draft' }).click();
    await shows(recipeForm().getByRole('alert', { name: 'Problems with the topic' }), 'Choose the topic people must have agreed to.');
    await recipeForm().getByLabel('Topic', { exact: true }).selectOption('offers');
    await shot('recipe-menu');
    await recipeForm().getByRole('button', { name: 'Create the draft' }).click();
    await page.locator('[role=status]', { hasText: 'Saved the draft “FAQ and order-tracking menu”. Publish it to start.' }).waitFor();
    await shows(view().getByTestId('automation-summary'), 'Not published yet. Starts when someone sends a keyword (help, hi, hello). Topic: offers.');
    await expect.poll(() => view().getByTestId('flow-step').locator('h4').allTextContents()).toEqual(['1 Send a message', '2 Wait for a reply', '3 Check a condition', '4 Check a condition', '5 Send a message', '6 Send a message', '7 Add or remove tags', '8 Send a message', '9 End']);
    await shot('recipe-menu-created');

    await view().getByRole('button', { name: 'Edit the steps' }).click();
    await expect.poll(stepHeads).toEqual(['1 Send a message menu', '2 Wait for a reply choice', '3 Check a condition is-hours', '4 Check a condition is-order', '5 Send a message hours', '6 Send a message order', '7 Add or remove tags human', '8 Send a message human-reply', '9 End done']);
    expect(await editor().getByLabel('Someone sends a keyword (e.g. HELP)').isChecked()).toBe(true);
    expect(await editor().getByLabel('Keywords (separated by commas)').inputValue()).toBe('help, hi, hello');
    // Waiting for the reply: an hour, then the end without an answer.
    expect(await stepCard(2).getByLabel('Wait for an answer (hours)').inputValue()).toBe('1');
    expect(await stepCard(2).getByLabel('Without an answer, go to').locator('option:checked').textContent()).toBe('Step 9 · End');
    // The reply branches: the button id and the words, then the two ways.
    expect(await stepCard(3).getByLabel('or they tapped the button with id').inputValue()).toBe('hours');
    expect(await stepCard(3).getByLabel('or contains one of').inputValue()).toBe('hour, open');
    expect(await stepCard(3).getByLabel('If so, go to').locator('option:checked').textContent()).toBe('Step 5 · Send a message');
    expect(await stepCard(4).getByLabel('Otherwise, go to').locator('option:checked').textContent()).toBe('Step 7 · Add or remove tags');
    await shot('recipe-menu-editor');
    await editor().getByRole('button', { name: 'Cancel' }).click();
    await editor().waitFor({ state: 'detached' });
  });

  it('describes a start the form has no fields for (a recipe’s yearly date) in words', async () => {
    const res = await h.api('POST', '/api/v1/automations/recipes/birthday', { topic: 'offers', templates: { offer: offer('a birthday cake') } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await page.getByRole('button', { name: 'Refresh', exact: true }).first().click();
    await page.getByTestId('automation-row').getByRole('button', { name: 'Birthday offer' }).click();
    await shows(view().getByTestId('automation-summary'), 'Not published yet. Starts when the date in “birthday” comes (every year). Topic: offers.');
    await view().getByRole('button', { name: 'Edit the steps' }).click();
    const start = editor().getByRole('radiogroup', { name: 'Starts when' });
    expect(await start.locator('label:has(input:checked)').textContent()).toBe('On the date in “birthday”, every year (change it in the JSON view)');
    await editor().getByRole('button', { name: 'Cancel' }).click();
  });

  it('creates an automation started by a tag, with a wait for a customer event and its two ways out', async () => {
    await page.getByRole('button', { name: 'New automation' }).click();
    await gallery().getByRole('radio', { name: /^Blank/ }).click();
    await editor().getByLabel('Name', { exact: true }).fill('Shoe follow-up');
    await editor().getByLabel('Topic', { exact: true }).selectOption('offers');
    await editor().getByLabel('A tag is added to someone or removed (e.g. vip)').check();
    await editor().getByLabel('Tag', { exact: true }).fill(SHOE_TAG);
    expect(await editor().getByLabel('Starts when the tag is').locator('option:checked').textContent()).toBe('added to someone');
    await chooseOffer(stepCard(1), 'new shoes are in');
    expect(await editor().getByLabel('Add a step:').locator('option').allTextContents()).toEqual([
      'Send a template',
      'Send a message',
      'Wait',
      'Ask a question',
      'Wait for a reply',
      'Wait for a customer event',
      'Wait for a click',
      'Check a condition',
      'Tell your systems',
      'Add or remove tags',
      'Set an attribute',
      'Stop their messages',
      'Hand over to a person',
      'End',
    ]);
    for (const label of ['Wait for a customer event', 'Add or remove tags', 'End']) {
      await editor().getByLabel('Add a step:').selectOption({ label });
      await editor().getByRole('button', { name: 'Add step' }).click();
    }
    await expect.poll(stepHeads).toEqual(['1 Send a template message', '2 Wait for a customer event event', '3 Add or remove tags tag', '4 End end']);
    const wait = stepCard(2);
    expect(await wait.locator('.help').textContent()).toMatch(/^Waits until the person does something your shop system reports/);
    await wait.getByLabel('Event type').fill('purchase');
    await wait.getByLabel('Only with these details (optional)').fill('product');
    await wait.getByText('“product”: write it as property = value').waitFor();
    await wait.getByLabel('Only with these details (optional)').fill('product = shoes');
    await wait.getByLabel('Days').fill('2');
    await wait.getByLabel('When it happens, go to').selectOption({ label: 'Step 4 · End' });
    await wait.getByLabel('When it does not happen in time, go to').selectOption({ label: 'Step 3 · Add or remove tags' });
    expect(await wait.getByLabel('Then go to').count()).toBe(0); // both ways out are chosen: no third
    await stepCard(3).getByLabel('Add tags').fill('no-purchase');
    await shot('event-wait-editor');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('event-wait-editor-phone', editor());
    await page.setViewportSize({ width: 1280, height: 900 });
    await editor().getByRole('button', { name: 'Save draft' }).click();
    await editor().waitFor({ state: 'detached' });

    const saved = ((await h.api('GET', '/api/v1/automations')).body.data as { id: string; name: string; definition: unknown }[]).find((a) => a.name === 'Shoe follow-up')!;
    expect(saved.definition).toEqual({
      trigger: { type: 'tag', tag: SHOE_TAG },
      topic: 'offers',
      steps: [
        { id: 'message', type: 'send_template', template: offer('new shoes are in') },
        { id: 'event', type: 'wait_for_event', event: 'purchase', where: { product: 'shoes' }, timeout: { days: 2 }, on_event: 'end', on_timeout: 'tag' },
        { id: 'tag', type: 'tag', add: ['no-purchase'] },
        { id: 'end', type: 'end' },
      ],
    });
    await shows(view().getByTestId('automation-summary'), `Not published yet. Starts when the tag “${SHOE_TAG}” is added to someone. Topic: offers.`);
    // The flow shows both ways out of the wait.
    await shows(view().getByTestId('flow-step').nth(1).locator('.step-summary'), '“purchase” with product = shoes within 2 days; it happens → Step 4 · End; not in time → Step 3 · Add or remove tags');
    expect(await view().getByTestId('test-run-unavailable').textContent()).toBe('Once it is published, you can try it on your own phone here.');
  });

  it('publishes it; a tag added through the API starts a run, and the purchase takes the “it happens” way', async () => {
    await view().getByRole('button', { name: 'Publish', exact: true }).click();
    await shows(view().getByTestId('automation-status'), 'Live');
    const who = people[1]!;
    expect((await h.api('POST', '/api/v1/contacts/bulk-tag', { contact_ids: [who.id], add: [SHOE_TAG] })).status).toBe(200);
    await untilShown(async () => (await runRows().count()) === 1);
    await expect.poll(() => runRows().locator('[data-testid=run-state]').allTextContents()).toEqual(['Waiting']);
    expect((await runRows().first().locator('td').allTextContents())[2]).toBe('Step 2 · Wait for a customer event');
    await expect.poll(() => h.sim.sent(who.phone).filter((m) => m.template?.name === 'weekly_offers').length).toBe(2); // the welcome, then this one

    expect((await h.api('POST', '/api/v1/events', { contact_id: who.id, type: 'purchase', amount: 25, currency: 'EUR', properties: { product: 'shoes' } })).status).toBe(200);
    await untilShown(async () => (await runRows().first().getByTestId('run-state').textContent()) === 'Completed');
    await runRows().first().getByRole('button', { name: /^Steps/ }).click();
    const logLines = async () => (await view().getByTestId('run-steps').locator('li').allTextContents()).map((l) => l.replace(/^.*?Step/, 'Step'));
    await expect.poll(logLines).toEqual(['Step 1 · Send a template: Sent', 'Step 2 · Wait for a customer event: Waited', 'Step 2 · Wait for a customer event: It happened', 'Step 4 · End: Done']);
    await expect.poll(() => view().getByTestId('step-counts').nth(1).textContent()).toBe('1 waited · 1 happened in time');
    // The purchase came after step 1's message: it is credited there (last touch), with its revenue.
    await expect.poll(() => view().getByTestId('step-counts').first().textContent()).toMatch(/^1 sent .*· 1 converted · €25\.00 revenue$/);
    // The same figures download as CSV from the page (the link carries the session, as any download).
    const csv = await page.evaluate(async (href) => (await fetch(href!)).text(), await view().getByTestId('steps-csv').getAttribute('href'));
    expect(csv.split('\r\n')[1]).toMatch(/^"1","[^"]+","send_template","1",.*"25\.00 EUR"$/);
  });

  it('starts a test run from the page, prefilled with a sandbox contact, and follows its steps', async () => {
    // Not in the sandbox: an empty phone box and a hint.
    const form = () => view().getByTestId('test-run');
    expect(await form().getByLabel('Phone').inputValue()).toBe('');
    await shows(form().getByTestId('test-run-hint'), 'Use your own number or a colleague’s: a contact who agreed to “offers”. They go through the live version from the first step now, even if they did before; consent is checked before every message, as for anyone.');
    // The harness's number sends to the simulator; marked as the sandbox number, the newest contact who agreed to the topic is offered.
    await queryRows(h.t.db, sql`update phone_numbers set is_sandbox = true where id = ${h.numberId}::uuid returning id`);
    const [tester] = await h.seedContacts(1, { from: 10 });
    await view().getByRole('button', { name: 'Close the automation' }).click();
    await page.getByTestId('automation-row').getByRole('button', { name: 'Shoe follow-up' }).click();
    await expect.poll(() => form().getByLabel('Phone').inputValue()).toBe(tester!.phone);
    await shows(form().getByTestId('test-run-hint'), 'Sandbox: the messages go to the WhatsApp simulator, not to a real phone. Filled in with Person 10, who agreed to “offers”. They go through the live version from the first step now, even if they did before; consent is checked before every message, as for anyone.');

    // A number that is no contact: said next to the control.
    await form().getByLabel('Phone').fill(UNKNOWN_PHONE);
    await form().getByRole('button', { name: 'Start a test run' }).click();
    await shows(form().getByTestId('test-run-error'), `No contact has the number ${UNKNOWN_PHONE}: add them as a contact first.`);

    await form().getByLabel('Phone').fill(tester!.phone);
    await form().getByRole('button', { name: 'Start a test run' }).click();
    await form().getByTestId('test-run-result').waitFor();
    expect(await form().getByTestId('test-run-error').count()).toBe(0);
    await tick();
    // The page reads the run again every 2 s: its steps appear without a refresh.
    await shows(form().getByTestId('test-run-state'), 'Waiting');
    const testLog = async () => (await form().getByTestId('run-steps').locator('li').allTextContents()).map((l) => l.replace(/^.*?Step/, 'Step'));
    await expect.poll(testLog).toEqual(['Step 1 · Send a template: Sent', 'Step 2 · Wait for a customer event: Waited']);
    // The page's runs and counts follow the test run.
    await shows(runRows().filter({ hasText: tester!.phone }).getByTestId('run-state'), 'Waiting');
    await shows(view().getByTestId('automation-count-waiting'), '1');
    expect(await form().getByTestId('test-run-result').locator('p').first().textContent()).toBe(`Test run for ${tester!.phone}: Waiting at Step 2 · Wait for a customer event · following it…`);
    await expect.poll(() => h.sim.sent(tester!.phone).filter((m) => m.template?.name === 'weekly_offers').length).toBe(1);
    await shot('test-run');

    // Not twice at once: the API's words next to the control.
    await form().getByRole('button', { name: 'Start a test run' }).click();
    await shows(form().getByTestId('test-run-error'), 'this contact is still going through the automation; wait for that run to end first');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('test-run-phone', view());
    await page.setViewportSize({ width: 1280, height: 900 });

    // The purchase ends it; the page follows it to the end and stops there.
    expect((await h.api('POST', '/api/v1/events', { contact_id: tester!.id, type: 'purchase', properties: { product: 'shoes' } })).status).toBe(200);
    await tick();
    await shows(form().getByTestId('test-run-state'), 'Completed');
    await expect.poll(testLog).toEqual(['Step 1 · Send a template: Sent', 'Step 2 · Wait for a customer event: Waited', 'Step 2 · Wait for a customer event: It happened', 'Step 4 · End: Done']);
    expect(await form().getByTestId('test-run-result').textContent()).not.toContain('following it');
    // Once it ended, the same person can be tried again.
    await form().getByRole('button', { name: 'Start a test run' }).click();
    await shows(form().getByTestId('test-run-state'), 'Running');
    expect(await form().getByTestId('test-run-error').count()).toBe(0);
  });

  it('edits an attribute start and an unread-broadcast start in the form', async () => {
    const broadcast = await h.api('POST', '/api/v1/broadcasts', { name: 'Spring sale', audience: { segment_id: regularsId, topic: 'offers' }, template: offer('spring sale') });
    expect(broadcast.status, JSON.stringify(broadcast.body)).toBe(201);
    await page.getByRole('button', { name: 'New automation' }).click();
    await gallery().getByRole('radio', { name: /^Blank/ }).click();
    await editor().getByLabel('Name', { exact: true }).fill('Interested in shoes');
    await editor().getByLabel('Topic', { exact: true }).selectOption('offers');
    await editor().getByLabel('Something about someone changes (an attribute, e.g. their plan)').check();
    await editor().getByLabel('Attribute', { exact: true }).selectOption({ label: 'interests (string)' });
    await editor().getByLabel('Only when it becomes (optional)').fill('shoes');
    await chooseOffer(stepCard(1), 'shoes for you');
    await shot('attribute-start');
    await editor().getByRole('button', { name: 'Save draft' }).click();
    await editor().waitFor({ state: 'detached' });
    const find = async () => ((await h.api('GET', '/api/v1/automations')).body.data as { name: string; definition: { trigger: unknown } }[]).find((a) => a.name === 'Interested in shoes')!;
    expect((await find()).definition.trigger).toEqual({ type: 'attribute', attribute: 'interests', equals: 'shoes' });
    await shows(view().getByTestId('automation-summary'), 'Not published yet. Starts when “interests” changes to “shoes”. Topic: offers.');

    await view().getByRole('button', { name: 'Edit the steps' }).click();
    expect(await editor().getByLabel('Only when it becomes (optional)').inputValue()).toBe('shoes');
    await editor().getByLabel('Someone has not read a broadcast after some days').check();
    expect(await editor().getByLabel('Broadcast', { exact: true }).locator('option:checked').textContent()).toBe('Every broadcast on “offers”');
    await editor().getByLabel('Days after').fill('5');
    await editor().getByLabel('Broadcast', { exact: true }).selectOption({ label: 'Spring sale · offers' });
    await shot('unread-start');
    await editor().getByRole('button', { name: 'Save draft' }).click();
    await editor().waitFor({ state: 'detached' });
    expect((await find()).definition.trigger).toEqual({ type: 'broadcast_not_read', days: 5, broadcast_id: broadcast.body.id });
    await shows(view().getByTestId('automation-summary'), 'Not published yet. Starts when someone has not read the chosen broadcast 5 days after it was sent. Topic: offers.');
  });

  it('raised no dialog, page error or CSP violation, and logged no phone number', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    const digits = (s: string) => s.replace(/\D/g, '');
    expect(consoleLines.filter((line) => people.some((p) => digits(line).includes(digits(p.phone))))).toEqual([]);
  });
});
