import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { param, sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { parseWebhook } from '../src/adapters/whatsapp/webhook-parse.js';
import { silentLogger } from '../src/lib/logger.js';
import { createTopic } from '../src/modules/consent/index.js';
import { processPendingWebhooks } from '../src/modules/inbound/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { registerNumber } from './helpers/factories.js';
import { messagesEnvelope, metaJson, sign, textMessage } from './helpers/webhooks.js';

// Per-source opt-in counts (from the consent ledger) and the admin preview of a sign-up page.
let t: TestApp;
let a: Awaited<ReturnType<TestApp['tenant']>>;
let b: Awaited<ReturnType<TestApp['tenant']>>;
const N = { phoneNumberId: '9165403522', wabaId: '9122901293', secret: 'app-secret-counts' };
const NB = { phoneNumberId: '9265403522', wabaId: '9222901293', secret: 'app-secret-counts-b' };
const CONSENT = 'Text the keyword to get Bloom offers on WhatsApp. Reply STOP to stop.';
const PAGE = { business_name: 'Bloom Flowers', frequency: 'about 2 messages a week', how_to_stop: 'Reply STOP at any time', privacy_url: 'https://bloom.example/privacy' };

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('optin-counts');
  b = await t.tenant('optin-counts-b');
  await registerNumber(t, a.key, { ...N, displayNumber: '+1 555 010 0031', accessToken: 'EAAG-token-counts', appSecret: N.secret, verifyToken: 'verify-counts-1' });
  await registerNumber(t, b.key, { ...NB, displayNumber: '+1 555 010 0032', accessToken: 'EAAG-token-counts-b', appSecret: NB.secret, verifyToken: 'verify-counts-2' });
  for (const w of [a, b]) {
    await createTopic(w.ctx, { key: 'offers', name: 'Offers', category: 'marketing', frequency: 'about 2 a week' });
    await createTopic(w.ctx, { key: 'news', name: 'News', category: 'marketing' });
  }
});
afterAll(() => t.close());

const create = async (key: string, payload: object) => {
  const res = await t.call(key, { method: 'POST', url: '/api/v1/optin-sources', payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; opt_in_count: number; last_opt_in_at: string | null; slug: string | null };
};
const getSource = async (key: string, id: string) => (await t.call(key, { method: 'GET', url: `/api/v1/optin-sources/${id}` })).json();
const listed = async (key: string) => new Map(((await t.call(key, { method: 'GET', url: '/api/v1/optin-sources' })).json().data as { id: string; opt_in_count: number }[]).map((s) => [s.id, s.opt_in_count]));

let ts = Math.floor(Date.now() / 1000) - 600;
let seq = 0;
async function says(n: typeof N, from: string, text: string): Promise<void> {
  const body = metaJson(messagesEnvelope(n, textMessage(from, `wamid.counts-${++seq}`, text, ++ts)));
  const res = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, n.secret) }, payload: body });
  expect(res.statusCode).toBe(200);
  while ((await processPendingWebhooks({ db: t.db, parse: parseWebhook, log: silentLogger(), now: new Date() })) > 0);
}

describe('opt-in counts per source', () => {
  it('counts the people who opted in through each source, once each, in its own workspace only', async () => {
    const flyer = await create(a.key, { kind: 'flyer', name: 'Flyer', keyword: 'count flyer', topics: ['offers', 'news'], consent_text: CONSENT });
    const store = await create(a.key, { kind: 'store', name: 'Store', keyword: 'count store', topics: ['offers'], consent_text: CONSENT });
    // Same keyword in another workspace: its opt-ins are its own.
    const other = await create(b.key, { kind: 'flyer', name: 'Flyer', keyword: 'count flyer', topics: ['offers'], consent_text: CONSENT });
    expect(flyer).toMatchObject({ opt_in_count: 0, last_opt_in_at: null });

    await says(N, '16505550201', 'count flyer'); // two topics: one person
    await says(N, '16505550202', 'Count Flyer!');
    await says(N, '16505550202', 'count flyer'); // joining again: still one person
    await says(N, '16505550201', 'count store');
    await says(N, '16505550203', 'hello'); // not a keyword
    await says(NB, '16505550204', 'count flyer');

    expect(await listed(a.key)).toEqual(new Map([[flyer.id, 2], [store.id, 1]]));
    expect(await listed(b.key)).toEqual(new Map([[other.id, 1]]));
    const one = await getSource(a.key, flyer.id);
    expect(one.opt_in_count).toBe(2);
    const [last] = await queryRows<{ at: Date }>(t.db, sql`select max(occurred_at) as at from consent_events where workspace_id = ${a.workspaceId} and evidence->>'source_id' = ${flyer.id}`);
    expect(new Date(one.last_opt_in_at).getTime()).toBe(new Date(last!.at).getTime());

    // An erased person's events name no source any more: they drop out of the count.
    const [c] = await queryRows<{ id: string }>(t.db, sql`select id from contacts where workspace_id = ${a.workspaceId} and wa_id = '16505550202'`);
    expect((await t.call(a.key, { method: 'POST', url: `/api/v1/contacts/${c!.id}/erase` })).statusCode).toBe(200);
    expect((await getSource(a.key, flyer.id)).opt_in_count).toBe(1);
  });

  it('can read the counts through the partial index of grants that name a source', async () => {
    // Tiny tables are scanned sequentially; with that off, the planner must find the index usable.
    await t.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const plan = await queryRows<Record<string, string>>(
        tx,
        sql`explain select evidence->>'source_id', count(distinct contact_id) from consent_events
            where workspace_id = ${a.workspaceId}::uuid and action = 'grant' and (evidence->>'source_id') = any(${param(['x'])}::text[]) group by 1`,
      );
      expect(plan.map((r) => Object.values(r).join(' ')).join('\n')).toContain('consent_events_optin_source_idx');
    });
  });
});

describe('the sign-up page preview', () => {
  it('shows a draft form as its page would, with what publishing needs, framable only by the app itself', async () => {
    const form = await create(a.key, { kind: 'form', name: 'Preview form', keyword: 'preview join', topics: ['offers'], consent_text: 'Yes, <send> me offers.', page: { business_name: 'Bloom & Co', headline: 'Offers on WhatsApp' } });
    const res = await t.call(a.key, { method: 'GET', url: `/api/v1/optin-sources/${form.id}/page-preview` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(res.headers['content-security-policy']).not.toContain("frame-ancestors 'none'");
    expect(res.body).toContain('<strong>Preview.</strong> This page is a draft');
    expect(res.body).toContain('Publishing needs: page.how_to_stop, page.privacy_url.');
    expect(res.body).toContain('Bloom &amp; Co');
    expect(res.body).toContain('Yes, &lt;send&gt; me offers.');
    expect(res.body).toMatch(/<button type="submit" disabled>Continue<\/button>/);
    expect(res.body).not.toMatch(/<script/i);
    // The public page stays a 404 until it is published, and is never framable by anyone.
    const pub = await t.app.inject({ method: 'GET', url: `/join/${form.slug}` });
    expect(pub.statusCode).toBe(404);
    expect(pub.headers['content-security-policy']).toContain("frame-ancestors 'none'");

    await t.call(a.key, { method: 'PATCH', url: `/api/v1/optin-sources/${form.id}`, payload: { page: { ...PAGE, business_name: 'Bloom & Co' } } });
    expect((await t.call(a.key, { method: 'POST', url: `/api/v1/optin-sources/${form.id}/publish` })).statusCode).toBe(200);
    const live = await t.call(a.key, { method: 'GET', url: `/api/v1/optin-sources/${form.id}/page-preview` });
    expect(live.body).toContain('This page is live.');
    expect(live.body).not.toContain('Publishing needs');
    // Unpublishing is a PATCH back to draft: the public page is a 404 again.
    expect((await t.call(a.key, { method: 'PATCH', url: `/api/v1/optin-sources/${form.id}`, payload: { status: 'draft' } })).json().status).toBe('draft');
    expect((await t.app.inject({ method: 'GET', url: `/join/${form.slug}` })).statusCode).toBe(404);
  });

  it('is for forms only, readable by a viewer, and not found from another workspace', async () => {
    const store = await create(a.key, { kind: 'store', name: 'No page', keyword: 'preview store', topics: ['offers'], consent_text: CONSENT });
    const notForm = await t.call(a.key, { method: 'GET', url: `/api/v1/optin-sources/${store.id}/page-preview` });
    expect(notForm.statusCode).toBe(422);
    expect(notForm.json().error.details.fields[0].field).toBe('kind');
    const form = await create(a.key, { kind: 'form', name: 'Viewer form', keyword: 'preview viewer', topics: ['offers'], consent_text: CONSENT, page: PAGE });
    const viewerKey = (await t.call(a.key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'viewer', role: 'viewer' } })).json().key as string;
    expect((await t.call(viewerKey, { method: 'GET', url: `/api/v1/optin-sources/${form.id}/page-preview` })).statusCode).toBe(200);
    const foreign = await t.call(b.key, { method: 'GET', url: `/api/v1/optin-sources/${form.id}/page-preview` });
    expect(foreign.statusCode).toBe(404);
  });
});
