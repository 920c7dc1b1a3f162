// Segments in the admin UI, in a real browser (Debian's chromium driven by playwright-core) against
// the real app on loopback: the saved list, the condition builder with its live count and sample,
// the JSON editor kept in step with it, rule problems shown at their path, saving (and a taken
// name), a saved segment's count and contacts, and deleting (refused while another segment uses it).
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIFECYCLE_STAGES } from '../../src/modules/lifecycle/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, serveApp } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'owner@shop.example';
const PASSWORD = 'a long enough passphrase';

// Three Nigerians (two VIPs, one of them gold), a gold VIP in London and one American.
const ADA = { phone: '+2348031234567', name: 'Ada Obi', tags: ['vip'], attributes: { tier: 'gold' } };
const BOLA = { phone: '+2348051234568', name: 'Bola Ade', attributes: { tier: 'silver' } };
const CHIDI = { phone: '+2347031234569', name: 'Chidi Eze', tags: ['vip', 'lagos'] };
const DANA = { phone: '+442071838750', name: 'Dana Hill', tags: ['vip'], attributes: { tier: 'gold' } };
const EVE = { phone: '+14155550123', name: 'Eve Stone' };
const CONTACTS = [ADA, BOLA, CHIDI, DANA, EVE];

let t: TestApp;
let shopKey: string;
let base: string;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];
const consoleLines: string[] = [];

const editor = () => page.getByTestId('segment-editor');
const detail = () => page.getByTestId('segment-detail');
const segmentRows = () => page.getByTestId('segment-row');
const rulesText = () => editor().getByLabel('Rules as JSON');

/** Waits until the live preview shows exactly this count line, and returns the sample's names, sorted. */
async function previewShows(line: string): Promise<string[]> {
  const count = page.getByTestId('preview-count');
  await count.filter({ hasText: line }).waitFor();
  expect(await count.textContent()).toBe(line);
  const names = await page.getByTestId('preview-sample-row').locator('td:nth-child(2)').allTextContents();
  return names.sort();
}

/** Waits for the rule problem shown next to the editor and returns its path and text. */
async function rulesProblem(path: string): Promise<{ path: string; problem: string }> {
  await page.getByTestId('rules-problem-path').filter({ hasText: path }).waitFor();
  return { path: (await page.getByTestId('rules-problem-path').textContent()) ?? '', problem: (await page.getByTestId('rules-problem-text').textContent()) ?? '' };
}

/** Opens a saved segment and waits for its count line; returns the count line and the contacts' names, sorted. */
async function openSegment(name: string, countLine: string): Promise<{ count: string; names: string[] }> {
  await segmentRows().getByRole('button', { name, exact: true }).click();
  await detail().getByRole('heading', { name: new RegExp(`^${name} (dynamic|static)$`) }).waitFor();
  await detail().getByTestId('segment-count').filter({ hasText: countLine }).waitFor();
  await detail().getByTestId('segment-contact-row').first().waitFor();
  const names = await detail().getByTestId('segment-contact-row').locator('td:nth-child(2)').allTextContents();
  return { count: (await detail().getByTestId('segment-count').textContent()) ?? '', names: names.sort() };
}

const listedNames = () => segmentRows().locator('td:first-child').allTextContents();

beforeAll(async () => {
  await ensureWebBuilt();
  t = await createTestApp();
  const shop = await t.tenant('shop');
  shopKey = shop.key;
  const call = async (url: string, payload: object, status = 201) => {
    const res = await t.call(shop.key, { method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBe(status);
    return res.json() as { id: string; country?: string };
  };
  await call('/api/v1/users', { email: EMAIL, role: 'owner', password: PASSWORD });
  await call('/api/v1/attributes', { key: 'tier', type: 'enum', enum_values: ['gold', 'silver'] });
  await call('/api/v1/attributes', { key: 'city', type: 'string' });
  const countries = [];
  for (const c of CONTACTS) countries.push((await call('/api/v1/contacts', c)).country);
  expect(countries).toEqual(['NG', 'NG', 'NG', 'GB', 'US']);

  const nigeria = await call('/api/v1/segments', { name: 'Nigeria', rules: { field: 'country', op: 'eq', value: 'NG' } });
  await call('/api/v1/segments', { name: 'Nigeria VIP (seeded)', rules: { all: [{ segment: nigeria.id }, { field: 'tags', op: 'contains', value: 'vip' }] } });
  const launch = await call('/api/v1/segments', { name: 'Launch list', description: 'People to tell first' });
  await call(`/api/v1/segments/${launch.id}/members`, { phones: [DANA.phone, EVE.phone] }, 200);

  base = await serveApp(t);
  ({ browser, page } = await openUiPage({ dialogs, pageErrors, consoleLines, cspViolations }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('segments in the admin UI', () => {
  it('logs in and lists the saved segments and lists by name', async () => {
    await loginUi(page, base, { workspace: 'shop', email: EMAIL, password: PASSWORD });
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Segments' }).click();
    await page.getByRole('heading', { name: 'Segments', level: 2 }).waitFor();
    await segmentRows().first().waitFor();
    expect(await listedNames()).toEqual(['Launch list', 'Nigeria', 'Nigeria VIP (seeded)']);
    const launch = await segmentRows().filter({ hasText: 'Launch list' }).locator('td').allTextContents();
    expect(launch.slice(0, 4)).toEqual(['Launch list', 'static', '2', 'People to tell first']);
    const nigeria = await segmentRows().filter({ hasText: 'Nigeria' }).first().locator('td').allTextContents();
    expect(nigeria.slice(0, 4)).toEqual(['Nigeria', 'dynamic', '—', '—']);
  });

  it('builds rules in the builder and shows the live count and sample', async () => {
    await page.getByRole('button', { name: 'New segment' }).click();
    await editor().waitFor();
    expect(await editor().getByLabel('Condition 1 field').inputValue()).toBe('field:country');
    expect(await editor().getByLabel('Condition 1 operator').inputValue()).toBe('eq');
    await editor().getByLabel('Condition 1 value').fill('NG');
    expect(await previewShows('3 contacts match')).toEqual([ADA.name, BOLA.name, CHIDI.name]);

    await editor().getByRole('button', { name: 'Add a condition' }).click();
    await editor().getByLabel('Condition 2 field').selectOption('field:tags');
    // "is" does not apply to tags, so the operator moved to the first one that does.
    expect(await editor().getByLabel('Condition 2 operator').inputValue()).toBe('contains');
    await editor().getByLabel('Condition 2 value').fill('vip');
    expect(await previewShows('2 contacts match')).toEqual([ADA.name, CHIDI.name]);

    await editor().getByLabel('any condition').check();
    expect(await previewShows('4 contacts match')).toEqual([ADA.name, BOLA.name, CHIDI.name, DANA.name]);
    await editor().getByLabel('all conditions').check();
    expect(await previewShows('2 contacts match')).toEqual([ADA.name, CHIDI.name]);

    await editor().getByRole('button', { name: 'Add a condition' }).click();
    await editor().getByLabel('Condition 3 field').selectOption('attribute:tier');
    await editor().getByLabel('Condition 3 value').fill('gold');
    expect(await previewShows('1 contact matches')).toEqual([ADA.name]);
    await editor().getByRole('button', { name: 'Remove condition 3' }).click();
    expect(await previewShows('2 contacts match')).toEqual([ADA.name, CHIDI.name]);
  });

  it("offers the server catalog's operators and the lifecycle module's stages", async () => {
    const catalog = (await t.call(shopKey, { method: 'GET', url: '/api/v1/segments/catalog' })).json() as { operators: Record<string, string[]> };
    await editor().getByRole('button', { name: 'Add a condition' }).click();
    await editor().getByLabel('Condition 3 field').selectOption('field:lifecycle_stage');
    const ops = await editor().getByLabel('Condition 3 operator').locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')));
    expect(ops).toEqual(catalog.operators.text);
    const stages = await editor().locator('#condition-2-suggestions option').evaluateAll((os) => os.map((o) => o.getAttribute('value')));
    expect(stages).toEqual([...LIFECYCLE_STAGES]);
    await editor().getByRole('button', { name: 'Remove condition 3' }).click();
    expect(await previewShows('2 contacts match')).toEqual([ADA.name, CHIDI.name]);
  });

  it('shows the same rules as JSON', async () => {
    await editor().getByText('Advanced: rules as JSON').click();
    expect(JSON.parse(await rulesText().inputValue())).toEqual({
      all: [
        { field: 'country', op: 'eq', value: 'NG' },
        { field: 'tags', op: 'contains', value: 'vip' },
      ],
    });
  });

  it('shows where invalid rules are wrong, keeping what was typed', async () => {
    const wrongOp = '{"all": [{"field": "country", "op": "gt", "value": "NG"}]}';
    await rulesText().fill(wrongOp);
    expect(await rulesProblem('rules.all[0].op')).toEqual({ path: 'rules.all[0].op', problem: expect.stringContaining('"gt" does not apply to a text value') });
    expect(await page.getByTestId('preview-count').textContent()).toBe('No count until the rules are fixed.');
    expect(await rulesText().inputValue()).toBe(wrongOp);
    // The builder cannot show an operator its field does not take: it waits, read-only.
    expect(await editor().getByLabel('Condition 1 field').isDisabled()).toBe(true);
    await editor().getByTestId('builder-off').waitFor();

    const undefinedAttribute = '{"any": [{"attribute": "shoe_size", "op": "eq", "value": "42"}]}';
    await rulesText().fill(undefinedAttribute);
    expect(await rulesProblem('rules.any[0].attribute')).toEqual({ path: 'rules.any[0].attribute', problem: expect.stringContaining('"shoe_size" is not a defined attribute') });
    expect(await rulesText().inputValue()).toBe(undefinedAttribute);

    await rulesText().fill('{"all": [');
    expect((await rulesProblem('rules')).problem).toMatch(/^not valid JSON/);
    expect(await rulesText().inputValue()).toBe('{"all": [');
  });

  it('reads valid JSON back into the builder', async () => {
    // Keys in another order than the builder writes them: still the builder's shape.
    await rulesText().fill('{"any": [{"value": "NG", "op": "eq", "field": "country"}, {"op": "eq", "attribute": "tier", "value": "gold"}]}');
    expect(await previewShows('4 contacts match')).toEqual([ADA.name, BOLA.name, CHIDI.name, DANA.name]);
    expect(await page.getByTestId('rules-problem').count()).toBe(0);
    expect(await editor().getByLabel('Condition 1 field').isDisabled()).toBe(false);
    expect(await editor().getByLabel('any condition').isChecked()).toBe(true);
    expect(await editor().getByLabel('Condition 2 field').inputValue()).toBe('attribute:tier');
    expect(await editor().getByLabel('Condition 2 value').inputValue()).toBe('gold');

    await editor().getByLabel('all conditions').check();
    expect(await previewShows('1 contact matches')).toEqual([ADA.name]);
    expect(JSON.parse(await rulesText().inputValue())).toEqual({ all: [{ field: 'country', op: 'eq', value: 'NG' }, { attribute: 'tier', op: 'eq', value: 'gold' }] });
  });

  it('refuses a taken name on the name field, then saves the segment', async () => {
    const typed = await rulesText().inputValue();
    await editor().getByLabel('Name', { exact: true }).fill('Nigeria');
    await editor().getByRole('button', { name: 'Save segment' }).click();
    await page.getByTestId('segment-name-error').waitFor();
    expect(await page.getByTestId('segment-name-error').textContent()).toBe('a segment named "Nigeria" already exists');
    expect(await editor().getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await rulesText().inputValue()).toBe(typed);

    await editor().getByLabel('Name', { exact: true }).fill('Nigeria Gold');
    await editor().getByRole('button', { name: 'Save segment' }).click();
    await page.locator('[role=status]', { hasText: 'Saved “Nigeria Gold”.' }).waitFor();
    await editor().waitFor({ state: 'detached' });
    await segmentRows().filter({ hasText: 'Nigeria Gold' }).waitFor();
    expect(await listedNames()).toEqual(['Launch list', 'Nigeria', 'Nigeria Gold', 'Nigeria VIP (seeded)']);

    const res = await t.call(shopKey, { method: 'GET', url: '/api/v1/segments' });
    const saved = (res.json() as { data: { name: string; kind: string; rules: unknown }[] }).data.find((s) => s.name === 'Nigeria Gold');
    expect(saved).toMatchObject({ kind: 'dynamic', rules: { all: [{ field: 'country', op: 'eq', value: 'NG' }, { attribute: 'tier', op: 'eq', value: 'gold' }] } });
  });

  it('opens the saved segment with its count and contacts', async () => {
    // Saving opens it at once.
    await detail().getByTestId('segment-count').filter({ hasText: '1 contact now' }).waitFor();
    expect(await openSegment('Nigeria Gold', '1 contact now')).toEqual({ count: '1 contact now', names: [ADA.name] });
    const cells = await detail().getByTestId('segment-contact-row').first().locator('td').allTextContents();
    expect(cells).toEqual([ADA.phone, ADA.name, 'NG', 'vip']);
    expect(await openSegment('Nigeria', '3 contacts now')).toEqual({ count: '3 contacts now', names: [ADA.name, BOLA.name, CHIDI.name] });
    expect(await openSegment('Launch list', '2 contacts now')).toEqual({ count: '2 contacts now', names: [DANA.name, EVE.name] });
  });

  it('refuses to delete a segment another one uses, and deletes one nobody uses', async () => {
    await openSegment('Nigeria', '3 contacts now');
    await detail().getByRole('button', { name: 'Delete' }).click();
    await detail().getByRole('button', { name: 'Yes, delete' }).click();
    await detail().getByTestId('delete-error').waitFor();
    expect(await detail().getByTestId('delete-error').textContent()).toBe('segment is used by "Nigeria VIP (seeded)"; change those rules first');
    expect(await listedNames()).toContain('Nigeria');

    await openSegment('Nigeria Gold', '1 contact now');
    await detail().getByRole('button', { name: 'Delete' }).click();
    await detail().getByRole('button', { name: 'Yes, delete' }).click();
    await page.locator('[role=status]', { hasText: 'Deleted “Nigeria Gold”.' }).waitFor();
    await detail().waitFor({ state: 'detached' });
    await segmentRows().filter({ hasText: 'Nigeria Gold' }).waitFor({ state: 'detached' });
    expect(await listedNames()).toEqual(['Launch list', 'Nigeria', 'Nigeria VIP (seeded)']);
    const res = await t.call(shopKey, { method: 'GET', url: '/api/v1/segments' });
    expect((res.json() as { data: { name: string }[] }).data.map((s) => s.name)).toEqual(['Launch list', 'Nigeria', 'Nigeria VIP (seeded)']);
  });

  it('creates an empty static list', async () => {
    await page.getByRole('button', { name: 'New segment' }).click();
    await editor().getByLabel('Static list').check();
    expect(await editor().getByLabel('Rules as JSON').count()).toBe(0);
    await editor().getByLabel('Name', { exact: true }).fill('VIP launch');
    await editor().getByRole('button', { name: 'Create list' }).click();
    await page.locator('[role=status]', { hasText: 'Saved “VIP launch”.' }).waitFor();
    const row = segmentRows().filter({ hasText: 'VIP launch' });
    await row.waitFor();
    expect((await row.locator('td').allTextContents()).slice(0, 4)).toEqual(['VIP launch', 'static', '0', '—']);
    await detail().getByTestId('segment-count').filter({ hasText: '0 contacts now' }).waitFor();
    await detail().getByText('Nobody is in this segment now.').waitFor();
  });

  it('raised no dialog, page error or CSP violation, and logged no phone number', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    const digits = (s: string) => s.replace(/\D/g, '');
    expect(consoleLines.filter((line) => CONTACTS.some((c) => digits(line).includes(digits(c.phone))))).toEqual([]);
  });
});
