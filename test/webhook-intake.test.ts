import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { Writable } from 'node:stream';
import { createLogger } from '../src/lib/logger.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { registerNumber } from './helpers/factories.js';
import { messagesEnvelope, metaJson, sign, textMessage } from './helpers/webhooks.js';

let t: TestApp;
const A = { phoneNumberId: '1065403522', wabaId: '1022901293', secret: 'app-secret-a', verify: 'verify-token-a' };
const B = { phoneNumberId: '2065403522', wabaId: '2022901293', secret: 'app-secret-b', verify: 'verify-token-b' };

const connect = (key: string, n: typeof A) => registerNumber(t, key, { ...n, displayNumber: '+1 555 010 0000', accessToken: `EAAG-${n.secret}`, appSecret: n.secret, verifyToken: n.verify });

beforeAll(async () => {
  t = await createTestApp();
  await connect((await t.tenant('wa-a')).key, A);
  await connect((await t.tenant('wa-b')).key, B);
});
afterAll(() => t.close());

const stored = async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from webhook_events`))[0]!.n;

function post(body: string, signature?: string) {
  return t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, payload: body });
}

describe('webhook verification handshake', () => {
  it('echoes the challenge only for a connected number’s verify token', async () => {
    const ok = await t.app.inject({ method: 'GET', url: `/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${A.verify}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    const wrong = await t.app.inject({ method: 'GET', url: '/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope' });
    expect(wrong.statusCode).toBe(403);
    const mode = await t.app.inject({ method: 'GET', url: `/webhooks/whatsapp?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=${A.verify}` });
    expect(mode.statusCode).toBe(403);
  });
});

describe('signed event intake', () => {
  const body = metaJson(messagesEnvelope(A, textMessage('16505551234', 'wamid.in-1', 'Olá! Preço/frete? 👍 @loja', 1750000000, 'José')));

  it('stores a correctly signed body, verified over the exact (Meta-escaped) bytes', async () => {
    expect(body).toContain('\\u00e1');
    expect(body).toContain('\\/');
    const before = await stored();
    const res = await post(body, sign(body, A.secret));
    expect(res.statusCode).toBe(200);
    expect(await stored()).toBe(before + 1);
    const [row] = await queryRows<{ raw: string; phone_number_id: string }>(t.db, sql`select raw, phone_number_id from webhook_events order by id desc limit 1`);
    expect(row!.raw).toBe(body);
    expect(row!.phone_number_id).toBe(A.phoneNumberId);
  });

  it('rejects missing, wrong, tampered and re-serialised signatures with 401 and stores nothing', async () => {
    const before = await stored();
    const reserialised = JSON.stringify(JSON.parse(body));
    const cases = [
      post(body),
      post(body, sign(body, 'not-the-secret')),
      post(body.replace('wamid.in-1', 'wamid.in-X'), sign(body, A.secret)),
      post(reserialised, sign(body, A.secret)),
      post(body, 'sha1=abc'),
      post(body, sign(body, A.secret).toUpperCase().replace('SHA256=', 'sha256=').slice(0, 20)),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    }
    expect(await stored()).toBe(before);
  });

  it("does not let one tenant's app secret sign events for another tenant's number", async () => {
    const before = await stored();
    const forged = metaJson(messagesEnvelope(B, textMessage('16505551234', 'wamid.forged', 'STOP', 1750000000)));
    const res = await post(forged, sign(forged, A.secret));
    expect(res.statusCode).toBe(401);
    expect(await stored()).toBe(before);
  });

  it('acknowledges many concurrent deliveries, each stored before its 200 (group commit)', async () => {
    const before = await stored();
    const bodies = Array.from({ length: 120 }, (_, i) => metaJson(messagesEnvelope(A, textMessage('16505551234', `wamid.burst-${i}`, `hi ${i}`, 1750000000 + i))));
    const results = await Promise.all(bodies.map((b) => post(b, sign(b, A.secret))));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(await stored()).toBe(before + 120);
  });
});

describe('when the database is down', () => {
  it('answers 5xx (so Meta retries) and never a 200 without storing', async () => {
    const down = await createTestApp();
    const k = await down.tenant('down');
    await registerNumber(down, k.key, { phoneNumberId: '4065403522', wabaId: '4022901293', displayNumber: '+1 555 010 0004', accessToken: 'EAAG-token-d', appSecret: 'app-secret-d', verifyToken: 'verify-token-d' });
    const body = metaJson(messagesEnvelope({ phoneNumberId: '4065403522', wabaId: '4022901293' }, textMessage('16505551234', 'wamid.down', 'hi', 1750000000)));
    const warm = await down.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, 'app-secret-d') }, payload: body });
    expect(warm.statusCode).toBe(200);
    await down.testDb.database.close();
    const during = await down.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, 'app-secret-d') }, payload: body });
    expect(during.statusCode).toBeGreaterThanOrEqual(500);
    expect(during.json().error.code).toBe('DATABASE_UNAVAILABLE');
    expect((await down.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    await down.app.close();
    await down.testDb.close().catch(() => undefined);
  });
});

describe('logs of a failed store', () => {
  it('carry neither the body, the phone numbers in it, nor the verify token of the handshake', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: new Writable({ write: (c, _e, cb) => void (lines.push(String(c)), cb()) }) });
    const app = await createTestApp({ log });
    try {
      const k = await app.tenant('logs');
      await app.call(k.key, {
        method: 'POST',
        url: '/api/v1/phone-numbers',
        payload: { phone_number_id: '7065403522', waba_id: '7022901293', display_number: '+1 555 010 0007', access_token: 'EAAG-token-l', app_secret: 'app-secret-l', verify_token: 'verify-token-l', api_base_url: 'http://127.0.0.1:9' },
      });
      // The handshake's URL carries the verify token in its query string.
      const hello = await app.app.inject({ method: 'GET', url: '/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=31337&hub.verify_token=verify-token-l' });
      expect(hello.statusCode).toBe(200);
      expect(lines.join('\n')).toContain('hub.verify_token=[redacted]');
      await app.db.execute(sql`alter table webhook_events rename to webhook_events_away`);
      const body = metaJson(messagesEnvelope({ phoneNumberId: '7065403522', wabaId: '7022901293' }, textMessage('16505559876', 'wamid.log', 'my private text', 1750000000)));
      const res = await app.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, 'app-secret-l') }, payload: body });
      expect(res.statusCode).toBeGreaterThanOrEqual(500);
      const out = lines.join('\n');
      expect(out).toContain('webhook_events');
      expect(out).not.toContain('6505559876');
      expect(out).not.toContain('my private text');
      expect(out).not.toContain('app-secret-l');
      expect(out).not.toContain('verify-token-l');
      await app.db.execute(sql`alter table webhook_events_away rename to webhook_events`);
    } finally {
      await app.close();
    }
  });
});
