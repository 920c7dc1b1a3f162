// The Imports tab in Chromium against the real app: examples/shopify-customers.csv uploaded from the
// browser, its encoding, delimiter and header shown, the Shopify preset chosen and its yes/no
// "Accepts SMS Marketing" column mapped to a topic, the preview of the first rows, the attestation
// (refused until it says the consent named WhatsApp), a dry run, the import with its progress to
// completion, counts against the file's known truth, a file with bad rows and its rejected rows
// downloaded, the exports downloaded with the session cookie, and the page at 360 px wide.
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopic } from '../../src/modules/consent/index.js';
import { queryRowsOf } from '../../src/modules/sql.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loginUi, openUiPage, serveApp, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const SHOTS = process.env.UI_SCREENSHOTS ?? join(tmpdir(), 'greenlist-ui-shots');
mkdirSync(SHOTS, { recursive: true });
const EMAIL = 'owner@imports-ui.example';
const VIEWER = 'viewer@imports-ui.example';
const PASSWORD = 'a long enough passphrase';
const SHOPIFY = new URL('../../examples/shopify-customers.csv', import.meta.url);
let t: TestApp;
let base: string;
let workspaceId: string;
let browser: Browser;
let page: Page;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[] };

async function fillAttestation(coversWhatsapp: boolean): Promise<void> {
  const form = page.getByTestId('import-attestation');
  await form.getByLabel('Who attests').fill('Ann Owner');
  await form.getByLabel('Text people were shown').fill('Send me offers by SMS and WhatsApp. Reply STOP to stop.');
  await form.getByLabel('Where it was collected').fill('checkout on shop.example');
  await form.getByLabel('When it was collected').fill('2025-03-01');
  await form.getByLabel('The text people agreed to named WhatsApp').setChecked(coversWhatsapp);
}

/** The figure shown next to a count's label in a result panel. */
async function count(panel: string, label: string): Promise<number> {
  const dd = page.getByTestId(panel).locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
  return Number(((await dd.textContent()) ?? '').replace(/,/g, ''));
}

async function download(click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: dl.suggestedFilename(), text: await readFile((await dl.path())!, 'utf8') };
}

beforeAll(async () => {
  await ensureWebBuilt();
  t = await createTestApp();
  const owner = await t.tenant('imports-ui');
  workspaceId = owner.workspaceId;
  await createTopic(owner.ctx, { key: 'offers', name: 'Offers', category: 'marketing' });
  expect((await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: EMAIL, role: 'owner', password: PASSWORD } })).statusCode).toBe(201);
  expect((await t.call(owner.key, { method: 'POST', url: '/api/v1/users', payload: { email: VIEWER, role: 'viewer', password: PASSWORD } })).statusCode).toBe(201);
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
  base = await serveApp(t);
  await loginUi(page, base, { workspace: 'imports-ui', email: EMAIL, password: PASSWORD });
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Imports', exact: true }).click();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the Imports tab', () => {
  it('uploads the Shopify export and shows its encoding, delimiter and header; the preset and a yes/no consent column preview the rows as they will be imported', async () => {
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(SHOPIFY.pathname);
    await expect.poll(() => page.getByTestId('file-encoding').textContent(), { timeout: UI_TIMEOUT }).toBe('utf-8');
    expect(await page.getByTestId('file-delimiter').textContent()).toBe(',');
    expect(await page.getByTestId('file-header').textContent()).toContain('Accepts SMS Marketing');
    await page.getByLabel('Start from').selectOption({ label: 'Shopify customers (preset)' });
    expect(await page.getByTestId('preset-note').textContent()).toContain('not WhatsApp');
    expect(await page.getByLabel('Phone column').inputValue()).toBe('Phone');
    expect(await page.getByLabel('Name column').inputValue()).toBe('First Name');
    expect(await page.getByLabel('Name, part 2').inputValue()).toBe('Last Name');
    await page.getByLabel('A yes/no column says who agreed to a topic').check();
    await page.getByLabel('Topic granted').selectOption('offers');
    await page.getByLabel('Yes/no consent column').selectOption('Accepts SMS Marketing');
    // A bad default is refused by the preview, under its field.
    await page.getByLabel('Default time zone').fill('Mars/Olympus');
    const tzField = page.locator('.field', { has: page.getByLabel('Default time zone') });
    await expect.poll(() => tzField.getByTestId('field-error').textContent(), { timeout: UI_TIMEOUT }).toContain('IANA zone');
    expect(await page.getByLabel('Default time zone').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Default time zone').fill('');
    await page.getByLabel('Default language').fill('en');
    const rows = page.getByTestId('preview-row');
    await expect.poll(async () => (await rows.allTextContents()).join(' | '), { timeout: UI_TIMEOUT }).toContain('Maria Lopez');
    expect(await rows.count()).toBe(3);
    const texts = await rows.allTextContents();
    expect(texts[0]).toContain('+14155550141');
    expect(texts[0]).toContain('grants offers');
    expect(texts[0]).toContain('vip, sandals');
    expect(texts[1]).toContain('James Brown');
    expect(texts[1]).toContain('no consent');
    expect(texts[2]).toContain('Aiko');
    expect(texts[2]).toContain('grants offers');
    // Saved to reuse below.
    await page.getByLabel('Save this mapping as').fill('Shop with SMS consent');
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await expect.poll(() => page.getByLabel('Start from').locator('option', { hasText: 'Shop with SMS consent' }).count(), { timeout: UI_TIMEOUT }).toBe(1);
  });

  it('refuses the yes/no column until the attestation says the consent named WhatsApp; the dry run then checks every row and writes nothing', async () => {
    await fillAttestation(false);
    await page.getByRole('button', { name: /^Dry run/ }).click();
    // The API's refusal shows under the checkbox it names.
    const problem = page.getByTestId('import-attestation').getByTestId('field-error');
    await expect.poll(() => problem.textContent(), { timeout: UI_TIMEOUT }).toContain('email or SMS marketing consent is not');
    expect(await page.getByLabel('The text people agreed to named WhatsApp').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('The text people agreed to named WhatsApp').check();
    await page.getByRole('button', { name: /^Dry run/ }).click();
    await page.getByTestId('dry-run-result').waitFor({ timeout: UI_TIMEOUT });
    expect(await count('dry-run-result', 'Rows read')).toBe(3);
    expect(await count('dry-run-result', 'Would be created')).toBe(3);
    expect(await count('dry-run-result', 'Consent that would be recorded')).toBe(2);
    expect(await count('dry-run-result', 'Rejected')).toBe(0);
    const [n] = await queryRowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from contacts where workspace_id = ${workspaceId}`);
    expect(n!.n).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'imports-dry-run-1280.png'), fullPage: true });
  });

  it('imports with a progress bar to completion; the counts and the stored contacts match the file', async () => {
    await page.getByRole('button', { name: 'Import 3 rows' }).click();
    await page.getByTestId('import-running').waitFor();
    await page.getByTestId('import-result').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('progressbar', { name: 'Import progress' }).count()).toBe(1);
    expect(await page.getByTestId('import-progress-text').textContent()).toContain('3 rows read (100%)');
    expect(await count('import-result', 'Created')).toBe(3);
    expect(await count('import-result', 'Consent recorded')).toBe(2);
    expect(await count('import-result', 'Rejected')).toBe(0);
    const rows = await queryRowsOf<{ phone: string; name: string; language: string; status: string | null }>(
      t.db,
      sql`select c.phone, c.name, c.language, s.status from contacts c left join consent_state s on s.contact_id = c.id where c.workspace_id = ${workspaceId} order by c.phone`,
    );
    expect(rows).toEqual([
      { phone: '+14155550141', name: 'Maria Lopez', language: 'en', status: 'granted' },
      { phone: '+14155550142', name: 'James Brown', language: 'en', status: null },
      { phone: '+14155550143', name: 'Aiko', language: 'en', status: 'granted' },
    ]);
    const history = page.getByRole('table', { name: 'Past imports' }).getByTestId('import-row');
    await expect.poll(() => history.count(), { timeout: UI_TIMEOUT }).toBe(2);
    expect(await history.first().textContent()).toContain('shopify-customers.csv');
    expect(await history.first().textContent()).not.toContain('dry run');
    expect(await history.first().textContent()).toContain('completed');
    expect(await history.nth(1).textContent()).toContain('dry run');
    await page.screenshot({ path: join(SHOTS, 'imports-done-1280.png'), fullPage: true });
  });

  it('imports a file with bad rows using the saved mapping, lists them, and downloads them as CSV', async () => {
    await page.getByRole('button', { name: 'Import another file' }).click();
    const good = await readFile(SHOPIFY);
    const bad = "'7460120000004,Zed,Bad,zed@example.com,no,,1 Road,,Austin,TX,US,73301,,not a phone,yes,0.00,0,,no,\r\n'7460120000005,Mia,Maybe,mia@example.com,no,,2 Road,,Austin,TX,US,73301,,'+14155550145,maybe,0.00,0,,no,\r\n";
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'shopify-with-bad-rows.csv', mimeType: 'text/csv', buffer: Buffer.concat([good, Buffer.from(bad)]) });
    await page.getByTestId('file-header').waitFor();
    await page.getByLabel('Start from').selectOption({ label: 'Shop with SMS consent' });
    expect(await page.getByLabel('Yes/no consent column').inputValue()).toBe('Accepts SMS Marketing');
    await expect.poll(async () => (await page.getByTestId('preview-row').allTextContents()).join(' | '), { timeout: UI_TIMEOUT }).toContain('Not imported');
    await fillAttestation(true);
    await page.getByRole('button', { name: /^Dry run/ }).click();
    await page.getByTestId('dry-run-result').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByRole('table', { name: 'Rows the dry run rejected' }).getByTestId('row-error').count()).toBe(2);
    await page.getByRole('button', { name: 'Import 3 rows' }).click();
    await page.getByTestId('import-result').waitFor({ timeout: 30_000 });
    expect(await count('import-result', 'Unchanged')).toBe(3);
    expect(await count('import-result', 'Rejected')).toBe(2);
    const rejected = await download(() => page.getByTestId('import-result').getByTestId('rejected-csv').click());
    expect(rejected.name).toMatch(/-rejected\.csv$/);
    const lines = rejected.text.trim().split('\r\n');
    expect(lines[0]).toBe('"line","code","message"');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['"5"', '"6"']);
    expect(lines[1]).toContain('PHONE_INVALID');
    expect(lines[2]).toContain('""maybe"" is neither');
  });

  it('downloads the contacts and the suppression list with the session cookie', async () => {
    const contacts = await download(() => page.getByTestId('export-contacts').click());
    expect(contacts.name).toBe('contacts.csv');
    expect(contacts.text).toContain('14155550141');
    expect(contacts.text).toContain('Maria Lopez');
    const suppressions = await download(() => page.getByTestId('export-suppressions').click());
    expect(suppressions.name).toBe('suppressions.csv');
    expect(suppressions.text.split('\r\n')[0]).toBe('"phone_hash","reason","source","created_at"');
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  });

  it('fits a 360 px wide phone: no sideways scrolling of the page, tables scroll in their own box', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.getByRole('button', { name: 'Import another file' }).click();
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(SHOPIFY.pathname);
    await page.getByLabel('Start from').selectOption({ label: 'Shop with SMS consent' });
    await expect.poll(() => page.getByTestId('preview-row').count(), { timeout: UI_TIMEOUT }).toBe(3);
    await page.getByTestId('import-attestation').waitFor();
    const size = () => page.locator('html').evaluate((e) => {
      const html = e as unknown as { scrollWidth: number; scrollHeight: number };
      return { scrollWidth: html.scrollWidth, scrollHeight: html.scrollHeight };
    });
    expect((await size()).scrollWidth).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join(SHOTS, 'imports-360.png'), fullPage: true });
    // The same page in phone-screen-sized pieces, to look at.
    const height = (await size()).scrollHeight;
    for (let y = 0, i = 1; y < height; y += 1200, i++) {
      await page.screenshot({ path: join(SHOTS, `imports-360-part${i}.png`), fullPage: true, clip: { x: 0, y, width: 360, height: Math.min(1200, height - y) } });
    }
    expect(seen.pageErrors).toEqual([]);
  });

  it('shows a viewer the past imports and the exports, without the wizard (importing would answer 403)', async () => {
    const context = await browser.newContext();
    const viewer = await context.newPage();
    await loginUi(viewer, base, { workspace: 'imports-ui', email: VIEWER, password: PASSWORD });
    await viewer.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Imports', exact: true }).click();
    await viewer.getByRole('table', { name: 'Past imports' }).waitFor({ timeout: UI_TIMEOUT });
    expect(await viewer.getByLabel('CSV file', { exact: true }).count()).toBe(0);
    expect(await viewer.getByTestId('export-contacts').count()).toBe(1);
    const [dl] = await Promise.all([viewer.waitForEvent('download'), viewer.getByTestId('export-contacts').click()]);
    expect(await readFile((await dl.path())!, 'utf8')).toContain('Maria Lopez');
    await context.close();
  });
});
