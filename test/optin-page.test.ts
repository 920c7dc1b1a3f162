import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { silentLogger } from '../src/lib/logger.js';
import { addSuppressions, consentTextHash, createTopic, phoneHasher, suppressedAmong } from '../src/modules/consent/index.js';
import { sendQueuedAutomated } from '../src/modules/messaging/index.js';
import { findPublishedForm, issueFormToken } from '../src/modules/optin/index.js';
import type { Simulator } from '../src/simulator/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { connectSimNumber, settleSim } from './helpers/factories.js';

// The hosted opt-in page end to end: the real app on loopback, the Cloud API simulator posting
// signed webhooks, webhook processing and the automated-message sender.
let t: TestApp;
let sim: Simulator;
let tenant: Awaited<ReturnType<TestApp['tenant']>>;
const NUMBER = { phoneNumberId: '8065403522', wabaId: '8022901293', accessToken: 'sim-token-optin-01' };
const CONSENT = 'Yes, send me Bloom offers & new arrivals on WhatsApp. <No spam>, promised.';
const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148';
let formId: string;
let slug: string;

beforeAll(async () => {
  t = await createTestApp();
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  tenant = await t.tenant('optin-page');
  expect((await t.call(tenant.key, { method: 'POST', url: '/api/v1/attributes', payload: { key: 'coupon', type: 'string' } })).statusCode).toBe(201);
  const confirm = {
    name: 'optin_confirm',
    language: 'en_US',
    category: 'UTILITY' as const,
    components: [
      { type: 'BODY', text: 'Please confirm you want Bloom offers on WhatsApp.' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Yes, subscribe' }] },
    ],
  };
  ({ sim } = await connectSimNumber(t, tenant.key, { seed: 'optin', number: NUMBER, displayNumber: '+1 555 078 3881', appSecret: 'optin-app-secret', verifyToken: 'optin-verify-token', webhookUrl: `${appUrl}/webhooks/whatsapp`, templates: [confirm] }));
  await createTopic(tenant.ctx, { key: 'offers', name: 'Offers', category: 'marketing', frequency: 'at most 2 a week' });
  await createTopic(tenant.ctx, { key: 'arrivals', name: 'New arrivals', category: 'marketing', frequency: 'monthly' });
  const form = await createForm({ keyword: 'Bloom Join', slug: 'bloom-join', page: { headline: 'Bloom <b>offers</b> on WhatsApp', description: 'Fresh flowers <script>alert(1)</script>' } });
  formId = form.id;
  slug = form.slug;
});
afterAll(async () => {
  await sim.close();
  await t.close();
});

async function createForm(over: { keyword: string; slug: string; page?: Record<string, unknown> }): Promise<{ id: string; slug: string }> {
  const created = await t.call(tenant.key, {
    method: 'POST',
    url: '/api/v1/optin-sources',
    payload: {
      kind: 'form',
      name: 'Spring sign-up',
      keyword: over.keyword,
      slug: over.slug,
      topics: ['offers', 'arrivals'],
      consent_text: CONSENT,
      page: { business_name: 'Bloom & Co', frequency: 'about 2 messages a week', how_to_stop: 'Reply STOP at any time', privacy_url: 'https://bloom.example/privacy?a=1&b=2', ...over.page },
      welcome: { incentive: 'BLOOM10', incentive_attribute: 'coupon' },
    },
  });
  expect(created.statusCode).toBe(201);
  const published = await t.call(tenant.key, { method: 'POST', url: `/api/v1/optin-sources/${created.json().id}/publish` });
  expect(published.statusCode).toBe(200);
  return created.json();
}

const settle = () => settleSim(t, sim);

/** A token as if the page had been loaded a few seconds ago (a person needs time to type). */
async function aged(formSlug = slug, ms = 5_000): Promise<string> {
  return issueFormToken(t.db, (await findPublishedForm(t.db, formSlug))!, new Date(Date.now() - ms));
}

let ipSeq = 0;
function submit(fields: Record<string, string>, opts: { ip?: string; formSlug?: string } = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/join/${opts.formSlug ?? slug}`,
    remoteAddress: opts.ip ?? `198.51.100.${++ipSeq}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA },
    payload: new URLSearchParams(fields).toString(),
  });
}

const submissionsOf = (phone: string) =>
  queryRows<{ id: string; evidence: Record<string, unknown>; confirmed_at: string | null; contact_id: string | null }>(t.db, sql`select id, evidence, confirmed_at, contact_id from optin_submissions where phone = ${phone} order by created_at`);
const grantsOf = (phone: string) =>
  queryRows<{ source: string; evidence: Record<string, unknown>; text_hash: string; topic_id: string }>(
    t.db,
    sql`select e.source, e.evidence, e.text_hash, e.topic_id from consent_events e join contacts c on c.id = e.contact_id where c.phone = ${phone} and e.action = 'grant' order by e.id`,
  );
const simSent = async (to: string) => (await sim.app.inject({ method: 'GET', url: `/_sim/sent?to=${encodeURIComponent(to)}` })).json().data as { type: string; request: Record<string, unknown> }[];

describe('the hosted opt-in page', () => {
  it('states the business, topics, how often, how to stop, the privacy link and the exact consent text', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/join/${slug}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    const html = res.body;
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('Bloom &amp; Co');
    expect(html).toContain('<strong>Offers</strong> — at most 2 a week');
    expect(html).toContain('<strong>New arrivals</strong> — monthly');
    expect(html).toContain('<strong>How often:</strong> about 2 messages a week');
    expect(html).toContain('<strong>How to stop:</strong> Reply STOP at any time');
    expect(html).toContain('href="https://bloom.example/privacy?a=1&amp;b=2"');
    expect(html).toContain('Yes, send me Bloom offers &amp; new arrivals on WhatsApp. &lt;No spam&gt;, promised.');
    // Everything the workspace typed is escaped; the page runs no script at all.
    expect(html).toContain('Bloom &lt;b&gt;offers&lt;/b&gt; on WhatsApp');
    expect(html).toContain('Fresh flowers &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    // Phone entry with a country picker, defaulting to the business number's country.
    expect(html).toContain('<option value="US" selected>United States (+1)</option>');
    expect(html).toContain('<option value="GB">United Kingdom (+44)</option>');
    expect(html).toMatch(/<input id="phone" name="phone" type="tel"/);
    expect(html).toMatch(/<input type="hidden" name="t" value="\d+\.[0-9a-f]{16}\.[\w-]{43}">/);
    expect(html).toContain('name="website"');
  });

  it('answers 404 for unknown, draft and malformed slugs', async () => {
    const draft = await t.call(tenant.key, { method: 'POST', url: '/api/v1/optin-sources', payload: { kind: 'form', name: 'Draft', keyword: 'draft form', slug: 'bloom-draft', consent_text: 'Yes' } });
    expect(draft.statusCode).toBe(201);
    for (const s of ['nope-nope', 'bloom-draft', '..%2F..', 'A']) {
      const res = await t.app.inject({ method: 'GET', url: `/join/${s}` });
      expect(res.statusCode, s).toBe(404);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    }
    expect((await submit({ phone: '+14155550100', country: 'US', t: await aged() }, { formSlug: 'bloom-draft' })).statusCode).toBe(404);
  });

  it('shows an invalid phone number on the page, naming the field, and stores nothing', async () => {
    const res = await submit({ phone: '555-abc-0100', country: 'US', t: await aged() });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('role="alert">Phone number: phone must be a phone number');
    expect(res.body).toContain('aria-invalid="true"');
    expect(res.body).toContain('value="555-abc-0100"');
    const short = await submit({ phone: '415 555', country: 'US', t: await aged() });
    expect(short.statusCode).toBe(422);
    expect(short.body).toContain('Phone number: phone');
    expect(await queryRows(t.db, sql`select 1 from optin_submissions`)).toHaveLength(0);
  });

  it('submit → confirm with the keyword on WhatsApp → double opt-in grant with the web evidence → welcome', async () => {
    const phone = '+14155550142';
    const res = await submit({ phone: '(415) 555-0142', country: 'US', website: '', t: await aged() }, { ip: '203.0.113.50' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('One more step: confirm on WhatsApp');
    expect(res.body).toContain('href="https://wa.me/15550783881?text=bloom%20join"');
    const [submission] = await submissionsOf(phone);
    expect(submission!.evidence).toMatchObject({ text: CONSENT, text_hash: consentTextHash(CONSENT), form_id: formId, ip: '203.0.113.50', user_agent: UA, page_version: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(submission!.confirmed_at).toBeNull();
    // Submitting subscribes no one.
    expect(await grantsOf(phone)).toEqual([]);

    const inbound = await sim.app.inject({ method: 'POST', url: '/_sim/inbound', payload: { from: phone, text: 'Bloom Join' } });
    expect(inbound.statusCode).toBeLessThan(300);
    await settle();
    const grants = await grantsOf(phone);
    expect(grants).toHaveLength(2);
    for (const g of grants) {
      expect(g.source).toBe('double_opt_in');
      expect(g.evidence).toMatchObject({ ip: '203.0.113.50', user_agent: UA, form_id: formId, wamid: expect.stringMatching(/^wamid\./), text: CONSENT, text_hash: consentTextHash(CONSENT), confirmed_by: 'keyword' });
      expect(g.text_hash).toBe(consentTextHash(CONSENT));
    }
    expect((await submissionsOf(phone))[0]!.confirmed_at).not.toBeNull();
    const [contact] = await queryRows<{ attributes: Record<string, unknown> }>(t.db, sql`select attributes from contacts where phone = ${phone}`);
    expect(contact!.attributes.coupon).toBe('BLOOM10');

    expect(await sendQueuedAutomated({ db: t.db, box: t.wiring.box, gateway: t.wiring.gateway, log: silentLogger(), now: new Date() })).toBeGreaterThanOrEqual(1);
    const sent = await simSent(phone);
    const welcome = sent.find((m) => m.type === 'text');
    expect(welcome).toBeDefined();
    const text = (welcome!.request.text as { body: string }).body;
    expect(text).toContain('Thanks for joining Bloom & Co on WhatsApp!');
    expect(text).toContain('Offers (at most 2 a week) and New arrivals (monthly)');
    expect(text).toContain('BLOOM10');
    expect(text).toContain('Reply STOP to unsubscribe');
  });

  it('confirms through the quick reply of a confirmation template', async () => {
    const form = await createForm({ keyword: 'bloom confirm', slug: 'bloom-confirm', page: { confirmation_template: { name: 'optin_confirm', language: 'en_US' } } });
    const phone = '+14155550143';
    const res = await submit({ phone, country: '', t: await aged(form.slug) }, { formSlug: form.slug });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Yes, subscribe');
    const [submission] = await submissionsOf(phone);
    // A second submission the same day does not send the number a second confirmation.
    expect((await submit({ phone, country: '', t: await aged(form.slug) }, { formSlug: form.slug })).statusCode).toBe(200);
    await sendQueuedAutomated({ db: t.db, box: t.wiring.box, gateway: t.wiring.gateway, log: silentLogger(), now: new Date() });
    const sent = await simSent(phone);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.type).toBe('template');
    expect(JSON.stringify(sent[0]!.request)).toContain(`optin:${submission!.id}`);

    sim.inbound({ from: phone, button_payload: `optin:${submission!.id}`, button_text: 'Yes, subscribe' });
    await settle();
    const grants = await grantsOf(phone);
    expect(grants.map((g) => g.source)).toEqual(['double_opt_in', 'double_opt_in']);
    expect(grants[0]!.evidence).toMatchObject({ submission_id: submission!.id, form_id: form.id, confirmed_by: 'button', ip: expect.any(String) });
    expect((await submissionsOf(phone))[0]!.confirmed_at).not.toBeNull();
  });
});

describe('numbers that opted out', () => {
  it('get no confirmation message on a form submission, yet confirming with the keyword re-subscribes them', async () => {
    const phone = '+14155550144';
    const hash = (await phoneHasher(t.db, tenant.workspaceId))(phone);
    await addSuppressions(t.db, tenant.workspaceId, [hash], 'stop', 'stop_keyword', new Date());
    const res = await submit({ phone, country: 'US', t: await aged('bloom-confirm') }, { formSlug: 'bloom-confirm' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('We also sent you');
    expect(await submissionsOf(phone)).toHaveLength(1);
    expect(await queryRows(t.db, sql`select 1 from outbox where kind = 'optin_confirmation' and message->>'wa_id' = '14155550144'`)).toHaveLength(0);

    sim.inbound({ from: phone, text: 'Bloom confirm' });
    await settle();
    expect((await grantsOf(phone)).map((g) => g.source)).toEqual(['double_opt_in', 'double_opt_in']);
    expect((await suppressedAmong(t.db, tenant.workspaceId, [hash])).size).toBe(0);
  });
});

describe('abuse protection on the form', () => {
  it('ignores a filled honeypot: the page looks the same, nothing is stored', async () => {
    const res = await submit({ phone: '+14155550150', country: 'US', website: 'https://spam.example', t: await aged() });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('One more step');
    expect(await submissionsOf('+14155550150')).toHaveLength(0);
  });

  it('refuses a form submitted faster than a person can type, or with a forged token', async () => {
    const page = await t.app.inject({ method: 'GET', url: `/join/${slug}` });
    const token = /name="t" value="([^"]+)"/.exec(page.body)![1]!;
    const fast = await submit({ phone: '+14155550151', country: 'US', t: token });
    expect(fast.statusCode).toBe(400);
    expect(fast.body).toContain('That was quick!');
    expect(fast.body).toContain('value="+14155550151"');
    const forged = await submit({ phone: '+14155550151', country: 'US', t: token.replace(/^\d+/, (n) => String(Number(n) - 60_000)) });
    expect(forged.statusCode).toBe(400);
    const none = await submit({ phone: '+14155550151', country: 'US' });
    expect(none.statusCode).toBe(400);
    expect(await submissionsOf('+14155550151')).toHaveLength(0);
  });

  it('asks to re-read the page when its statements changed after it was loaded', async () => {
    const token = await aged();
    await t.call(tenant.key, { method: 'PATCH', url: `/api/v1/optin-sources/${formId}`, payload: { consent_text: `${CONSENT} Updated.` } });
    const res = await submit({ phone: '+14155550152', country: 'US', t: token });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('This page was updated');
    expect(res.body).toContain('Updated.');
    await t.call(tenant.key, { method: 'PATCH', url: `/api/v1/optin-sources/${formId}`, payload: { consent_text: CONSENT } });
    expect(await submissionsOf('+14155550152')).toHaveLength(0);
  });

  it('rate-limits submissions per IP with a page, not JSON', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await submit({ phone: 'x', country: 'US' }, { ip: '192.0.2.99' })).statusCode);
    expect(statuses).toEqual(Array(10).fill(400));
    const limited = await submit({ phone: 'x', country: 'US' }, { ip: '192.0.2.99' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.body).toContain('Too many attempts');
    // Another address is not affected.
    expect((await submit({ phone: 'x', country: 'US' }, { ip: '192.0.2.100' })).statusCode).toBe(400);
  });

  it('refuses oversized and non-form bodies with a page', async () => {
    const big = await t.app.inject({ method: 'POST', url: `/join/${slug}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `phone=${'1'.repeat(10_000)}`, remoteAddress: '192.0.2.150' });
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toBe('text/html; charset=utf-8');
    const json = await t.app.inject({ method: 'POST', url: `/join/${slug}`, headers: { 'content-type': 'application/json' }, payload: '{"phone":"+14155550100"}', remoteAddress: '192.0.2.151' });
    expect(json.statusCode).toBe(400);
  });
});
