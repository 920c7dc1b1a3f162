// Automations in the admin UI, in a real browser (Debian's chromium driven by playwright-core)
// against the real app and the Cloud API simulator on loopback: an empty tab, the server's recipe
// gallery, a new automation from the "Welcome series" recipe with weekly_offers in its two slots (a
// slot left empty named at its picker, a missing variable named under the form), then in the step
// editor a missing variable refused by the API and shown at the step it names (not at the other send
// step), fixed and saved, the JSON editor, publishing, enrolling by pasted phones and by a saved segment (enrolled /
// skipped / unknown), the runs with their state, current step and steps log after the engine runs,
// per-step counts, Pause / Resume showing only the actions the status allows, the "FAQ and
// order-tracking menu" recipe (no slots) with its reply steps in the editor, and a recipe's date
// start described in words.
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
const gallery = () => page.getByTestId('automation-gallery');
const recipeForm = () => page.getByTestId('recipe-form');
const slot = (label: string) => recipeForm().getByRole('group', { name: label, exact: true });
const stepHeads = () => editor().getByTestId('step-card').locator('h4').allTextContents();
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
    await shows(view().getByTestId('automation-summary'), 'Not published yet. Starts when someone sends a keyword (menu, help, hi, hello). Topic: offers.');
    await expect.poll(() => view().getByTestId('flow-step').locator('h4').allTextContents()).toEqual(['1 Send a message', '2 Wait for a reply', '3 Check a condition', '4 Check a condition', '5 Send a message', '6 Send a message', '7 Add or remove tags', '8 Send a message', '9 End']);
    await shot('recipe-menu-created');

    await view().getByRole('button', { name: 'Edit the steps' }).click();
    await expect.poll(stepHeads).toEqual(['1 Send a message menu', '2 Wait for a reply choice', '3 Check a condition is-hours', '4 Check a condition is-order', '5 Send a message hours', '6 Send a message order', '7 Add or remove tags human', '8 Send a message human-reply', '9 End done']);
    expect(await editor().getByLabel('Someone sends a keyword (e.g. MENU)').isChecked()).toBe(true);
    expect(await editor().getByLabel('Keywords (separated by commas)').inputValue()).toBe('menu, help, hi, hello');
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

  it('raised no dialog, page error or CSP violation, and logged no phone number', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    const digits = (s: string) => s.replace(/\D/g, '');
    expect(consoleLines.filter((line) => people.some((p) => digits(line).includes(digits(p.phone))))).toEqual([]);
  });
});
