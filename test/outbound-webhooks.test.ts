import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createLogger } from '../src/lib/logger.js';
import { OutboundError } from '../src/lib/outbound/index.js';
import { eq } from 'drizzle-orm';
import { deliverDueWebhooks, emitEvents, purgeWebhookLog, WEBHOOK_LOG_RETENTION_MS } from '../src/modules/hooks/index.js';
import { hookEndpoints } from '../src/modules/hooks/hooks.tables.js';
import { processPendingWebhooks } from '../src/modules/inbound/index.js';
import { syncConversations } from '../src/modules/conversations/index.js';
import { parseWebhook } from '../src/adapters/whatsapp/webhook-parse.js';
import { silentLogger } from '../src/lib/logger.js';
import { registerNumber } from './helpers/factories.js';
import { messagesEnvelope, metaJson, sign, statusValue, textMessage } from './helpers/webhooks.js';
import { recordOutboundMessage } from '../src/modules/messaging/index.js';

// Issue 18, outbound webhooks: signed delivery, retries while a receiver is down, disabling after
// 24 h, replay, test sends, the SSRF matrix and tenancy. The delivery loop is driven directly with
// a controlled `now`; the receiver is a real HTTP server on 127.0.0.1.

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver whose answer depends on the path: /ok 200, /down 503, /flaky as `flaky`, /redirect 302 to `redirectTo`. */
async function receiver(): Promise<{ origin: string; got: Received[]; flaky: { up: boolean }; redirectTo: { url: string }; close(): Promise<void> }> {
  const got: Received[] = [];
  const flaky = { up: false };
  const redirectTo = { url: '' };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      got.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (path.startsWith('/redirect')) return void res.writeHead(302, { location: redirectTo.url }).end();
      const up = path.startsWith('/ok') || (path.startsWith('/flaky') && flaky.up);
      res.writeHead(up ? 200 : 503, { 'content-type': 'text/plain' }).end(up ? 'thanks' : 'x'.repeat(5000));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, got, flaky, redirectTo, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

/** A loopback server that only counts connections: nothing must ever reach it. */
async function trap(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let n = 0;
  const server = createServer((_req, res) => res.end('reached'));
  server.on('connection', () => n++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, connections: () => n, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

/** The receiver's check, as README documents it (Standard Webhooks), written apart from the sender's code. */
function verify(secret: string, headers: IncomingHttpHeaders, body: string, nowSeconds: number): boolean {
  const id = String(headers['webhook-id']);
  const ts = Number(headers['webhook-timestamp']);
  if (!id || !Number.isFinite(ts) || Math.abs(nowSeconds - ts) > 5 * 60) return false;
  const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${ts}.${body}`).digest();
  return String(headers['webhook-signature'])
    .split(' ')
    .some((s) => {
      const [v, sig] = s.split(',');
      const got = Buffer.from(sig ?? '', 'base64');
      return v === 'v1' && got.length === expected.length && timingSafeEqual(got, expected);
    });
}

let t: TestApp;
let rx: Awaited<ReturnType<typeof receiver>>;
let tenant: { workspaceId: string; key: string };
const logLines: string[] = [];
const responses: { url: string; body: string }[] = [];
const secrets: string[] = [];
// The loop's and the API's clock: only moves forward.
let now = new Date('2026-11-22T10:00:00Z');
const advance = (ms: number) => (now = new Date(now.getTime() + ms));
const HOUR = 3600_000;

const call = async (key: string, opts: InjectOptions): Promise<LightMyRequestResponse> => {
  const res = await t.call(key, opts);
  responses.push({ url: `${opts.method} ${String(opts.url)}`, body: res.body });
  return res;
};
const drive = () => deliverDueWebhooks({ db: t.db, box: t.wiring.box, send: t.wiring.hooks.send, log: t.app.log, now, random: () => 0.5 });
/** Runs the loop until nothing is due at the current `now`. */
async function drain(): Promise<void> {
  while ((await drive()) > 0);
}
async function addEndpoint(path: string, events: string[] = ['*']): Promise<{ id: string; secret: string }> {
  const res = await call(tenant.key, { method: 'POST', url: '/api/v1/webhook-endpoints', payload: { url: `${rx.origin}${path}`, events } });
  expect(res.statusCode, res.body).toBe(201);
  secrets.push(res.json().secret);
  return { id: res.json().id, secret: res.json().secret };
}
const emit = (types: string[], data: Record<string, unknown> = {}) =>
  t.db.transaction((tx) => emitEvents(tx, tenant.workspaceId, types.map((type) => ({ type: type as 'contact.created', data: { ...data } })), now));
const deliveries = async (endpointId: string) => (await call(tenant.key, { method: 'GET', url: `/api/v1/webhook-endpoints/${endpointId}/deliveries?limit=100` })).json().data as {
  id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  response_snippet: string | null;
  body: string | null;
  attempt_log: { attempt: number; status_code: number | null; attempted_at: string }[];
}[];

beforeAll(async () => {
  rx = await receiver();
  const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (logLines.push(chunk.toString('utf8')), cb()) });
  t = await createTestApp({ log: createLogger({ level: 'debug', destination: sink }), webhookAllowedOrigins: rx.origin, clock: { now: () => now } });
  tenant = await t.tenant('hooks-a');
});
afterAll(async () => {
  await t.close();
  await rx.close();
});

describe('endpoints', () => {
  it('shows the secret once, at creation; never in reads; 422 names the field', async () => {
    const ep = await addEndpoint('/ok/created', ['contact.created']);
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const one = await call(tenant.key, { method: 'GET', url: `/api/v1/webhook-endpoints/${ep.id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json().secret).toBeUndefined();
    const list = await call(tenant.key, { method: 'GET', url: '/api/v1/webhook-endpoints' });
    expect(list.json().data.some((e: { id: string }) => e.id === ep.id)).toBe(true);
    const bad = await call(tenant.key, { method: 'POST', url: '/api/v1/webhook-endpoints', payload: { url: `${rx.origin}/ok`, events: ['contact.exploded'] } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.fields[0].field).toMatch(/^events/);
  });

  it("describes every event's body in the OpenAPI document's webhooks section", async () => {
    const doc = (await t.call(undefined, { method: 'GET', url: '/api/openapi.json' })).json();
    for (const type of ['contact.created', 'contact.updated', 'consent.granted', 'consent.withdrawn', 'message.received', 'message.status', 'conversation.assigned', 'conversation.closed', 'import.completed', 'webhook.test']) {
      const op = doc.webhooks[type].post;
      expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
      expect(Object.keys(op.requestBody.content['application/json'].schema.properties)).toEqual(['id', 'type', 'timestamp', 'workspace_id', 'data']);
    }
  });

  it('writes nothing for events no endpoint subscribes to', async () => {
    const other = await t.tenant('hooks-none');
    const n = await t.db.transaction((tx) => emitEvents(tx, other.workspaceId, [{ type: 'contact.created', data: {} }], now));
    expect(n).toBe(0);
  });
});

describe('delivery', () => {
  it('POSTs each event signed in the Standard Webhooks scheme, which the documented check verifies', async () => {
    const ep = await addEndpoint('/ok/signed', ['consent.granted']);
    const before = rx.got.length;
    await emit(['consent.granted', 'contact.updated'], { contact_id: 'c-1', topic_key: 'offers' });
    await drain();
    const got = rx.got.slice(before).filter((g) => g.path === '/ok/signed');
    expect(got).toHaveLength(1);
    const g = got[0]!;
    expect(verify(ep.secret, g.headers, g.body, Math.floor(now.getTime() / 1000))).toBe(true);
    // Tampered body, wrong secret, stale timestamp: refused by the same check.
    expect(verify(ep.secret, g.headers, g.body.replace('offers', 'other'), Math.floor(now.getTime() / 1000))).toBe(false);
    expect(verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, g.headers, g.body, Math.floor(now.getTime() / 1000))).toBe(false);
    expect(verify(ep.secret, g.headers, g.body, Math.floor(now.getTime() / 1000) + 301)).toBe(false);
    const body = JSON.parse(g.body);
    expect(body).toMatchObject({ id: g.headers['webhook-id'], type: 'consent.granted', workspace_id: tenant.workspaceId, data: { contact_id: 'c-1', topic_key: 'offers' } });
    const [d] = await deliveries(ep.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200, response_snippet: 'thanks', body: g.body, event_id: body.id });
    // The README's snippet for integrators, run as written.
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const snippet = /```js\n(import \{ createHmac[\s\S]*?)```/.exec(readme)![1]!.replace(/^import .*\n/, '').replace('export function', 'function');
    const readmeVerify = new Function('createHmac', 'timingSafeEqual', `${snippet}\nreturn verifyGreenlistWebhook;`)(createHmac, timingSafeEqual) as (s: string, h: IncomingHttpHeaders, b: string, n: number) => boolean;
    const nowS = Math.floor(now.getTime() / 1000);
    expect(readmeVerify(ep.secret, g.headers, g.body, nowS)).toBe(true);
    expect(readmeVerify(ep.secret, g.headers, g.body + ' ', nowS)).toBe(false);
    expect(readmeVerify(ep.secret, g.headers, g.body, nowS + 301)).toBe(false);
  });

  it('retries while the receiver is down, loses nothing, and records the attempts in order', async () => {
    const ep = await addEndpoint('/flaky', ['contact.created']);
    rx.flaky.up = false;
    await emit(['contact.created', 'contact.created', 'contact.created']);
    await drain();
    for (let i = 0; i < 5; i++) {
      advance(HOUR);
      await drain();
    }
    let log = await deliveries(ep.id);
    expect(log.every((d) => d.status === 'pending' && d.attempts === 6 && d.last_status_code === 503)).toBe(true);
    // Snippets are capped at 2 KB.
    expect(log[0]!.response_snippet!.length).toBe(2048);
    rx.flaky.up = true;
    advance(HOUR);
    await drain();
    log = await deliveries(ep.id);
    expect(log.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    const ok = rx.got.filter((g) => g.path === '/flaky' && log.some((d) => d.event_id === g.headers['webhook-id']));
    // Each event reached the receiver under its own id on every attempt, the last one answered.
    expect(new Set(ok.map((g) => g.headers['webhook-id'])).size).toBe(3);
    // The log pages newest first with a keyset cursor, and filters by status.
    const seenIds: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await call(tenant.key, { method: 'GET', url: `/api/v1/webhook-endpoints/${ep.id}/deliveries?limit=1${cursor ? `&cursor=${cursor}` : ''}` })).json() as { data: { id: string }[]; next_cursor: string | null };
      seenIds.push(...page.data.map((d) => d.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seenIds).toEqual(log.map((d) => d.id));
    expect((await call(tenant.key, { method: 'GET', url: `/api/v1/webhook-endpoints/${ep.id}/deliveries?status=pending` })).json().data).toEqual([]);
    expect((await call(tenant.key, { method: 'GET', url: `/api/v1/webhook-endpoints/${ep.id}/deliveries?cursor=bogus` })).json().error.details.fields[0].field).toBe('cursor');
    for (const d of log) {
      expect(d.attempt_log.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(d.attempt_log.map((a) => a.status_code)).toEqual([503, 503, 503, 503, 503, 503, 200]);
      const times = d.attempt_log.map((a) => Date.parse(a.attempted_at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
  });

  it('disables an endpoint failing for 24 h (audit row, reason), keeps its deliveries, and resumes them when re-enabled', async () => {
    const ep = await addEndpoint('/down', ['contact.created']);
    await emit(['contact.created']);
    await drain();
    for (let i = 0; i < 26; i++) {
      advance(HOUR);
      await drain();
    }
    const after = (await call(tenant.key, { method: 'GET', url: `/api/v1/webhook-endpoints/${ep.id}` })).json();
    expect(after.enabled).toBe(false);
    expect(after.disabled_reason).toMatch(/24 hours/);
    const audit = (await call(tenant.key, { method: 'GET', url: `/api/v1/audit-log?action=webhook_endpoint.disabled&target_id=${ep.id}` })).json();
    expect(audit.data).toHaveLength(1);
    expect(audit.data[0].actor_type).toBe('system');
    // Disabled: nothing new is queued for it, and the waiting delivery is not attempted.
    await emit(['contact.created']);
    const attemptsThen = (await deliveries(ep.id))[0]!.attempts;
    advance(6 * HOUR);
    await drain();
    const waiting = await deliveries(ep.id);
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ status: 'pending', attempts: attemptsThen });
    const fixed = await call(tenant.key, { method: 'PATCH', url: `/api/v1/webhook-endpoints/${ep.id}`, payload: { url: `${rx.origin}/ok/fixed`, enabled: true } });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json()).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });
    expect(fixed.json().secret).toBeUndefined();
    advance(4 * HOUR);
    await drain();
    expect((await deliveries(ep.id))[0]!.status).toBe('delivered');
  });

  it('gives up after 3 days: the delivery is dead', async () => {
    const ep = await addEndpoint('/down/dead', ['contact.updated']);
    await emit(['contact.updated']);
    await drain();
    // Re-enabled along the way so the 24 h rule does not stop the retries first.
    for (let i = 0; i < 90; i++) {
      advance(HOUR);
      await drain();
      if (i % 10 === 9) await call(tenant.key, { method: 'PATCH', url: `/api/v1/webhook-endpoints/${ep.id}`, payload: { enabled: true } });
    }
    const [d] = await deliveries(ep.id);
    expect(d!.status).toBe('dead');
  });

  it('replays a delivery as a new one with the same event id', async () => {
    const ep = await addEndpoint('/ok/replay', ['contact.created']);
    await emit(['contact.created']);
    await drain();
    const [first] = await deliveries(ep.id);
    const replay = await call(tenant.key, { method: 'POST', url: `/api/v1/webhook-deliveries/${first!.id}/replay` });
    expect(replay.statusCode, replay.body).toBe(202);
    expect(replay.json()).toMatchObject({ status: 'pending', event_id: first!.event_id });
    await drain();
    const got = rx.got.filter((g) => g.path === '/ok/replay');
    expect(got.map((g) => g.headers['webhook-id'])).toEqual([first!.event_id, first!.event_id]);
    expect((await deliveries(ep.id)).map((d) => d.status)).toEqual(['delivered', 'delivered']);
  });

  it('sends a signed test event at once', async () => {
    const ep = await addEndpoint('/ok/test', ['import.completed']);
    const res = await call(tenant.key, { method: 'POST', url: `/api/v1/webhook-endpoints/${ep.id}/test` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'delivered', event_type: 'webhook.test', last_status_code: 200 });
    const g = rx.got.filter((x) => x.path === '/ok/test').at(-1)!;
    expect(JSON.parse(g.body).type).toBe('webhook.test');
    expect(verify(ep.secret, g.headers, g.body, Math.floor(now.getTime() / 1000))).toBe(true);
  });

  it('rotates the secret: the new one is shown once and signs from then on', async () => {
    const ep = await addEndpoint('/ok/rotate', ['contact.created']);
    const rotated = await call(tenant.key, { method: 'PATCH', url: `/api/v1/webhook-endpoints/${ep.id}`, payload: { rotate_secret: true } });
    const secret = rotated.json().secret as string;
    secrets.push(secret);
    expect(secret).not.toBe(ep.secret);
    await call(tenant.key, { method: 'POST', url: `/api/v1/webhook-endpoints/${ep.id}/test` });
    const g = rx.got.filter((x) => x.path === '/ok/rotate').at(-1)!;
    expect(verify(secret, g.headers, g.body, Math.floor(now.getTime() / 1000))).toBe(true);
    expect(verify(ep.secret, g.headers, g.body, Math.floor(now.getTime() / 1000))).toBe(false);
  });
});

describe('event sources (each written in the transaction of its change)', () => {
  it('contact.created/updated, consent.granted/withdrawn, message.received, message.status, conversation.assigned/closed, import.completed', async () => {
    const ep = await addEndpoint('/ok/sources', ['*']);
    const bodies = () => rx.got.filter((g) => g.path === '/ok/sources').map((g) => JSON.parse(g.body) as { id: string; type: string; data: Record<string, unknown> });
    expect((await call(tenant.key, { method: 'POST', url: '/api/v1/topics', payload: { key: 'offers', name: 'Offers', category: 'marketing' } })).statusCode).toBe(201);
    const created = await call(tenant.key, { method: 'POST', url: '/api/v1/contacts', payload: { phone: '+16505550111', name: 'Ada' } });
    expect(created.statusCode, created.body).toBe(201);
    const contactId = created.json().id as string;
    await call(tenant.key, { method: 'PATCH', url: `/api/v1/contacts/${contactId}`, payload: { name: 'Ada L.' } });
    const granted = await call(tenant.key, { method: 'POST', url: `/api/v1/contacts/${contactId}/consent`, payload: { topic: 'offers', action: 'grant', source: 'agent', evidence: { text: 'Offers by WhatsApp', note: 'asked at the till' } } });
    expect(granted.statusCode, granted.body).toBe(201);
    await call(tenant.key, { method: 'POST', url: `/api/v1/contacts/${contactId}/consent`, payload: { topic: 'offers', action: 'withdraw', source: 'api' } });
    // An inbound message from a new person: contact.created and message.received.
    const N = { phoneNumberId: '7065403522', wabaId: '7022901293', secret: 'app-secret-hooks' };
    const numberId = await registerNumber(t, tenant.key, { ...N, displayNumber: '+1 555 010 0007', accessToken: 'EAAG-token-hooks', appSecret: N.secret, verifyToken: 'verify-hooks-123' });
    const env = metaJson(messagesEnvelope(N, textMessage('16505550222', 'wamid.hooks-1', 'Do you ship to Leeds?', Math.floor(Date.now() / 1000) - 5, 'Bea')));
    const intake = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(env, N.secret) }, payload: env });
    expect(intake.statusCode).toBe(200);
    while ((await processPendingWebhooks({ db: t.db, parse: parseWebhook, log: silentLogger(), now })) > 0);
    // A reply to that person, then WhatsApp's status webhook for it: message.status.
    const bea = (await call(tenant.key, { method: 'GET', url: '/api/v1/contacts?q=Bea' })).json().data[0] as { id: string };
    const outId = await recordOutboundMessage(t.db, { workspaceId: tenant.workspaceId, numberId, contactId: bea.id, waId: '16505550222', type: 'text', body: 'Yes we do', payload: {}, wamid: 'wamid.hooks-out-1', callbackData: 'msg:hooks-out-1', sentAt: now });
    const statusEnv = metaJson(messagesEnvelope(N, statusValue('wamid.hooks-out-1', 'delivered', Math.floor(Date.now() / 1000))));
    expect((await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(statusEnv, N.secret) }, payload: statusEnv })).statusCode).toBe(200);
    while ((await processPendingWebhooks({ db: t.db, parse: parseWebhook, log: silentLogger(), now })) > 0);
    await syncConversations({ db: t.db, log: silentLogger() });
    const conv = (await call(tenant.key, { method: 'GET', url: '/api/v1/conversations?filter=all' })).json().data[0] as { id: string };
    const assigned = await call(tenant.key, { method: 'POST', url: `/api/v1/conversations/${conv.id}/assign`, payload: { assignee_id: null } });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect((await call(tenant.key, { method: 'POST', url: `/api/v1/conversations/${conv.id}/state`, payload: { state: 'closed' } })).statusCode).toBe(200);
    const imp = await call(tenant.key, { method: 'POST', url: '/api/v1/imports', payload: { csv: 'phone,name\n+16505550333,Cy\n', mapping: { phone: 'phone', name: 'name' } } });
    expect(imp.statusCode, imp.body).toBeLessThan(300);
    for (let i = 0; i < 200 && (await call(tenant.key, { method: 'GET', url: `/api/v1/imports/${imp.json().id}` })).json().status !== 'completed'; i++) await new Promise((r) => setTimeout(r, 25));
    await drain();
    const got = bodies();
    const byType = (type: string) => got.filter((b) => b.type === type);
    // Delivery order is not guaranteed (at least once, concurrently): compared as sets.
    expect(byType('contact.created').map((b) => b.data.phone).sort()).toEqual(['+16505550111', '+16505550222']);
    expect(byType('contact.created').find((b) => b.data.phone === '+16505550222')!.data).toMatchObject({ profile_name: 'Bea', wa_id: '16505550222' });
    expect(byType('contact.updated')[0]!.data).toMatchObject({ contact_id: contactId, name: 'Ada L.', changed: ['name'] });
    expect(byType('consent.granted')[0]!.data).toMatchObject({ contact_id: contactId, phone: '+16505550111', name: 'Ada L.', topic_key: 'offers', source: 'agent', all_topics: false });
    expect(byType('consent.withdrawn')[0]!.data).toMatchObject({ contact_id: contactId, topic_key: 'offers', source: 'api' });
    expect(byType('message.received')[0]!.data).toMatchObject({ text: 'Do you ship to Leeds?', wa_id: '16505550222', phone: '+16505550222', name: 'Bea', type: 'text', wamid: 'wamid.hooks-1' });
    expect(byType('conversation.assigned')[0]!.data).toMatchObject({ conversation_id: conv.id, phone: '+16505550222' });
    expect(byType('conversation.closed')[0]!.data).toMatchObject({ conversation_id: conv.id, state: 'closed' });
    expect(byType('message.status')[0]!.data).toMatchObject({ message_id: outId, contact_id: bea.id, wamid: 'wamid.hooks-out-1', status: 'delivered', phone: '+16505550222', broadcast_id: null });
    expect(byType('import.completed')[0]!.data).toMatchObject({ import_id: imp.json().id, rows: 1, created: 1 });
    // No secret, token or raw webhook body in any payload.
    const all = JSON.stringify(got);
    expect(all).not.toContain('EAAG-token-hooks');
    expect(all).not.toContain(N.secret);
    expect(all).not.toContain('"raw"');
    expect((await deliveries(ep.id)).every((d) => d.status === 'delivered')).toBe(true);
  });
});

describe('SSRF', () => {
  let bare: TestApp;
  let key: string;
  let sink: Awaited<ReturnType<typeof trap>>;
  beforeAll(async () => {
    bare = await createTestApp({ clock: { now: () => now } });
    key = (await bare.tenant('hooks-ssrf')).key;
    sink = await trap();
  });
  afterAll(async () => {
    await bare.close();
    await sink.close();
  });

  it('refuses private, loopback, link-local and mapped addresses, plain http and user info when nothing is allow-listed', async () => {
    const refused = [
      'https://10.0.0.1/hook',
      'https://192.168.1.1/hook',
      'https://172.16.0.5/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://[::ffff:a9fe:a9fe]/hook',
      'https://[fe80::1]/hook',
      'https://[fd00::1]/hook',
      'https://0x7f.1/hook',
      'https://2130706433/hook',
      `http://127.0.0.1:${sink.port}/hook`,
      'http://crm.example.com/hook',
      'https://user:pw@crm.example.com/hook',
      'ftp://crm.example.com/hook',
      'not a url',
    ];
    for (const url of refused) {
      const res = await bare.call(key, { method: 'POST', url: '/api/v1/webhook-endpoints', payload: { url, events: ['*'] } });
      expect(res.statusCode, url).toBe(422);
      expect(res.json().error.details.fields[0].field, url).toBe('url');
    }
    // The guard refuses them at send time too (a URL stored before the operator's list changed).
    for (const url of refused.slice(0, 12)) await expect(bare.wiring.hooks.send(url, { method: 'POST', body: '{}' })).rejects.toBeInstanceOf(OutboundError);
    expect(sink.connections()).toBe(0);
  });

  it('fails a delivery whose stored URL the policy now refuses, without sending or retrying it', async () => {
    const made = await bare.call(key, { method: 'POST', url: '/api/v1/webhook-endpoints', payload: { url: 'https://crm.example.com/hook', events: ['*'] } });
    // As if the URL had been allowed when stored (an operator's list that has since changed).
    await bare.db.update(hookEndpoints).set({ url: `https://[::ffff:127.0.0.1]:${sink.port}/hook` }).where(eq(hookEndpoints.id, made.json().id));
    const test = await bare.call(key, { method: 'POST', url: `/api/v1/webhook-endpoints/${made.json().id}/test` });
    expect(test.json()).toMatchObject({ status: 'failed', attempts: 1, next_attempt_at: null, last_error: 'outbound request refused: address not allowed' });
    expect(sink.connections()).toBe(0);
  });

  it('checks DNS when it connects: a hostname resolving to 127.0.0.1 is stored but never reached', async () => {
    const res = await bare.call(key, { method: 'POST', url: '/api/v1/webhook-endpoints', payload: { url: `https://localhost:${sink.port}/hook`, events: ['*'] } });
    expect(res.statusCode, res.body).toBe(201);
    const test = await bare.call(key, { method: 'POST', url: `/api/v1/webhook-endpoints/${res.json().id}/test` });
    expect(test.json()).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null, last_error: 'could not complete the request' });
    expect(sink.connections()).toBe(0);
  });

  it('never follows a redirect (here to a loopback port the operator did not allow)', async () => {
    rx.redirectTo.url = `http://127.0.0.1:${sink.port}/internal`;
    const ep = await addEndpoint('/redirect', ['contact.created']);
    const res = await call(tenant.key, { method: 'POST', url: `/api/v1/webhook-endpoints/${ep.id}/test` });
    expect(res.json()).toMatchObject({ status: 'pending', last_status_code: 302 });
    expect(sink.connections()).toBe(0);
  });
});

describe('retention', () => {
  it('deletes events and their log after 30 days, but not while a delivery is pending', async () => {
    // import.completed: the earlier tests' endpoints that never answer 2xx (redirect) do not take it.
    const ok = await addEndpoint('/ok/retention', ['import.completed']);
    const down = await addEndpoint('/down/retention', ['import.completed']);
    await emit(['import.completed']);
    await drain();
    advance(WEBHOOK_LOG_RETENTION_MS + HOUR);
    // The failing endpoint was disabled long ago: its delivery still waits, so the event stays.
    while ((await purgeWebhookLog(t.db, now)) > 0);
    expect(await deliveries(ok.id)).toHaveLength(1);
    expect((await call(tenant.key, { method: 'DELETE', url: `/api/v1/webhook-endpoints/${down.id}` })).statusCode).toBe(204);
    expect(await purgeWebhookLog(t.db, now)).toBeGreaterThan(0);
    expect(await deliveries(ok.id)).toHaveLength(0);
  });
});

describe('tenancy and secrets', () => {
  it("answers 404 for another workspace's endpoint and delivery", async () => {
    const ep = await addEndpoint('/ok/tenancy', ['contact.created']);
    await emit(['contact.created']);
    await drain();
    const [d] = await deliveries(ep.id);
    const other = await t.tenant('hooks-b');
    for (const [method, url] of [
      ['GET', `/api/v1/webhook-endpoints/${ep.id}`],
      ['PATCH', `/api/v1/webhook-endpoints/${ep.id}`],
      ['DELETE', `/api/v1/webhook-endpoints/${ep.id}`],
      ['POST', `/api/v1/webhook-endpoints/${ep.id}/test`],
      ['GET', `/api/v1/webhook-endpoints/${ep.id}/deliveries`],
      ['POST', `/api/v1/webhook-deliveries/${d!.id}/replay`],
    ] as const) {
      const res = await t.call(other.key, { method, url, ...(method === 'PATCH' ? { payload: { enabled: false } } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await call(tenant.key, { method: 'GET', url: `/api/v1/webhook-endpoints/${ep.id}` })).json().enabled).toBe(true);
    expect((await t.call(other.key, { method: 'GET', url: '/api/v1/webhook-endpoints' })).json().data).toEqual([]);
  });

  it('never shows a secret again after the answer that made it, nor in the logs', () => {
    expect(secrets.length).toBeGreaterThan(5);
    const makers = new Set(secrets);
    for (const r of responses) {
      const shown = secrets.filter((s) => r.body.includes(s) || r.body.includes(s.slice(6)));
      // Only the POST that created it (or the PATCH that rotated it) carried it, exactly once.
      if (shown.length > 0) expect(r.url, r.url).toMatch(/^(POST \/api\/v1\/webhook-endpoints|PATCH \/api\/v1\/webhook-endpoints\/[\w-]+)$/);
      for (const s of shown) makers.delete(s);
    }
    expect(makers.size).toBe(0);
    const logs = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(10);
    for (const s of secrets) expect(logs.includes(s.slice(6))).toBe(false);
  });
});
