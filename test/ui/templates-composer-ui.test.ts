// The template composer in the admin UI (issue 19), in a real browser against the real app and the
// Cloud API simulator: composing a template with a text header, two body variables with examples, a
// footer, a quick reply and a link button; lint problems appearing next to their fields as the
// person types and going away when fixed; the phone preview; submitting; the stored definition via
// the API; the status going from pending to approved (and a rejected one with its reason) after a
// sync; and the composer on a 360 px phone.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastHarness, type BroadcastHarness } from '../helpers/broadcast.js';
import { loginUi, openUiPage, UI_TIMEOUT } from '../helpers/ui.js';
import { ensureWebBuilt } from './web-build.js';

const EMAIL = 'marketer@shop.example';
const PASSWORD = 'a long enough passphrase';
/** Set UI_SCREENSHOTS=<dir> to keep screenshots of the main steps. */
const SHOTS = process.env.UI_SCREENSHOTS;

let h: BroadcastHarness;
let base: string;
let slug: string;
let browser: Browser;
let page: Page;
const seen = { dialogs: [] as string[], pageErrors: [] as string[], cspViolations: [] as string[], consoleLines: [] as string[] };

const composer = () => page.getByTestId('template-composer');
const issues = (field: string) => composer().getByTestId(`issues-${field}`);
const row = (name: string) => page.getByTestId('template-row').filter({ has: page.getByRole('button', { name, exact: true }) });

async function shot(p: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits until the locator's text contains `text`. */
async function contains(loc: ReturnType<Page['getByTestId']>, text: string, timeout = UI_TIMEOUT): Promise<void> {
  await expect.poll(async () => ((await loc.count()) > 0 ? ((await loc.first().textContent()) ?? '') : ''), { timeout }).toContain(text);
}

/** Waits until the locator is gone (the finding was fixed). */
async function gone(loc: ReturnType<Page['getByTestId']>, timeout = UI_TIMEOUT): Promise<void> {
  await expect.poll(() => loc.count(), { timeout }).toBe(0);
}

beforeAll(async () => {
  await ensureWebBuilt();
  // The simulated review answers after 3 s (300 s at timeScale 0.01), so "pending" is seen first.
  h = await createBroadcastHarness({ seed: 'templates-composer-ui', knobs: { templateReview: { delayMs: 300_000, outcome: 'auto' } } });
  slug = ((await h.api('GET', '/api/v1/workspace')).body as { slug: string }).slug;
  const user = await h.api('POST', '/api/v1/users', { email: EMAIL, role: 'marketer', password: PASSWORD });
  expect(user.status, JSON.stringify(user.body)).toBe(201);
  base = h.appUrl.replace('localhost', '127.0.0.1');
  ({ browser, page } = await openUiPage(seen, { viewport: { width: 1280, height: 900 } }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('template composer', () => {
  it('composes a template, shows lint problems next to their fields as they appear and go, and previews it', async () => {
    await loginUi(page, base, { workspace: slug, email: EMAIL, password: PASSWORD });
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Templates', exact: true }).click();
    await page.getByRole('heading', { name: 'Templates', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'New template' }).click();
    await composer().waitFor();

    await composer().getByLabel('Name', { exact: true }).fill('Order Shipped');
    await contains(issues('name'), 'lowercase letters, digits and underscores');
    await composer().getByLabel('Name', { exact: true }).fill('order_shipped');
    await gone(issues('name'));
    await composer().getByLabel('Language').selectOption('en_GB');
    await composer().getByLabel('Category').selectOption('UTILITY');

    await composer().getByLabel('Header', { exact: true }).selectOption('text');
    await composer().getByLabel('Header text').fill('Order {{1}} has shipped');
    await contains(issues('header-example'), 'example value for the header variable');
    await composer().getByLabel('Example for the header {{1}}').fill('A1234');
    await gone(issues('header-example'));

    // A body that starts with a variable is refused by Meta: the lint says so next to the body.
    const body = composer().getByLabel('Body', { exact: true });
    await body.fill('{{1}}, your order is on its way.');
    await contains(issues('body'), 'may not start or end with a variable');
    await body.fill('Hi {{1}}, your order {{2}} is on its way.');
    await gone(issues('body'));
    // Two variables detected: one example field each; a missing example is named.
    await composer().getByLabel('Example for {{1}}').fill('Ada');
    await contains(issues('body-examples'), 'give one for {{2}}');
    await shot(page, 'composer-lint-example-missing');
    await composer().getByLabel('Example for {{2}}').fill('A1234');
    await gone(issues('body-examples'));

    await composer().getByLabel('Footer (optional)').fill('Thanks for shopping with us');
    await composer().getByRole('button', { name: 'Add quick reply' }).click();
    await composer().getByLabel('Button 1 text').fill('Where is it?');
    await composer().getByRole('button', { name: 'Add link' }).click();
    await composer().getByLabel('Button 2 text').fill('Track order');
    await composer().getByLabel('Button 2 link').fill('https://shop.example/track/{{1}}');
    await contains(issues('button-1'), 'needs an example of what goes in its place');
    await composer().getByLabel('Button 2 example for {{1}}').fill('A1234');
    await gone(issues('button-1'));
    // One phone button at most: its add button is disabled once there is one.
    await composer().getByRole('button', { name: 'Add call' }).click();
    expect(await composer().getByRole('button', { name: 'Add call' }).isDisabled()).toBe(true);
    await composer().getByRole('button', { name: 'Remove button 3' }).click();

    await contains(composer().getByTestId('template-lint-summary'), 'Ready to submit: no problems found.');
    const preview = composer().getByTestId('template-phone-preview');
    await contains(preview, 'Order A1234 has shipped');
    await contains(preview, 'Hi Ada, your order A1234 is on its way.');
    await contains(preview, 'Thanks for shopping with us');
    await contains(preview, 'Where is it?');
    await contains(preview, 'Track order');
    await shot(page, 'composer-ready');
  });

  it('submits it; the API holds the definition and the list shows pending, then approved after a sync', async () => {
    await composer().getByRole('button', { name: 'Submit for review' }).click();
    await composer().waitFor({ state: 'detached' });
    await contains(page.getByRole('status').filter({ hasText: 'Submitted' }), 'Submitted order_shipped (en_GB) for review: pending');

    const list = await h.api('GET', '/api/v1/templates?name=order_shipped');
    expect(list.status).toBe(200);
    const [t] = list.body.data as { id: string; category: string; language: string; status: string; components: unknown[]; lint: { errors: unknown[] } }[];
    expect(t).toMatchObject({ language: 'en_GB', category: 'UTILITY', lint: { errors: [] } });
    expect(t!.components).toEqual([
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}} has shipped', example: { header_text: ['A1234'] } },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} is on its way.', example: { body_text: [['Ada', 'A1234']] } },
      { type: 'FOOTER', text: 'Thanks for shopping with us' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Where is it?' },
          { type: 'URL', text: 'Track order', url: 'https://shop.example/track/{{1}}', example: ['https://shop.example/track/A1234'] },
        ],
      },
    ]);
    await contains(row('order_shipped').locator('.badge[class*="status-"]'), 'pending');
    await shot(page, 'list-pending');

    // Meta's (simulated) review: the verdict arrives; a sync shows it in the list.
    await h.waitFor(async () => ((await h.api('GET', `/api/v1/templates/${t!.id}`)).body as { status: string }).status !== 'PENDING', 15_000, 'the review');
    expect(((await h.api('GET', `/api/v1/templates/${t!.id}`)).body as { status: string }).status).toBe('APPROVED');
    await page.getByRole('button', { name: 'Sync from WhatsApp' }).click();
    await contains(page.getByRole('status').filter({ hasText: 'Synced' }), 'Synced 1 account');
    await contains(row('order_shipped').locator('.badge[class*="status-"]'), 'approved');
  });

  it('shows a rejected template with its reason', async () => {
    // The simulator rejects names starting with "reject" as PROMOTIONAL.
    const res = await h.api('POST', '/api/v1/templates', { name: 'reject_flash_sale', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Our flash sale starts now.' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await h.waitFor(async () => ((await h.api('GET', `/api/v1/templates/${res.body.id}`)).body as { status: string }).status === 'REJECTED', 15_000, 'the rejection');
    await page.getByRole('button', { name: 'Sync from WhatsApp' }).click();
    await contains(row('reject_flash_sale').locator('.badge[class*="status-"]'), 'rejected');
    await contains(row('reject_flash_sale').getByTestId('template-rejection'), 'Meta judged the content promotional for its category');
    await shot(page, 'list-approved-rejected');
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
  });

  it('works on a 360 px phone: the form and the preview fit the screen', async () => {
    const phone = await openUiPage(seen, { viewport: { width: 360, height: 780 } });
    try {
      const p = phone.page;
      await loginUi(p, base, { workspace: slug, email: EMAIL, password: PASSWORD });
      await p.getByLabel('Section', { exact: true }).selectOption({ label: 'Templates' }); // a phone: the tab bar is a menu
      await p.getByRole('heading', { name: 'Templates', level: 2 }).waitFor();
      await p.getByRole('button', { name: 'New template' }).click();
      const c = p.getByTestId('template-composer');
      await c.getByLabel('Body', { exact: true }).fill('Hi {{1}}, your table is booked.');
      await c.getByLabel('Example for {{1}}').fill('Ada');
      await c.getByRole('button', { name: 'Add quick reply' }).click();
      await c.getByLabel('Button 1 text').fill('Change booking');
      await contains(c.getByTestId('template-phone-preview'), 'Hi Ada, your table is booked.');
      await contains(c.getByTestId('template-lint-summary'), '1 problem to fix, in parts not filled in yet'); // the name is still empty
      expect(await p.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(360);
      const box = await c.getByTestId('template-phone-preview').boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(360);
      await shot(p, 'composer-phone-360');
      // Submitting shows the finding that was waiting for the name, and submits nothing.
      await c.getByRole('button', { name: 'Submit for review' }).click();
      await contains(c.getByTestId('issues-name'), 'Use lowercase letters, digits and underscores');
      await contains(c.getByRole('alert'), 'Fix the problem marked in red before submitting.');
      expect(((await h.api('GET', '/api/v1/templates')).body as { data: unknown[] }).data).toHaveLength(5);
    } finally {
      await phone.browser.close();
    }
  });
});
