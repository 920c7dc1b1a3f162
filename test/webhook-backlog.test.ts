import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWebhook } from '../src/adapters/whatsapp/webhook-parse.js';
import { processPendingWebhooks } from '../src/modules/inbound/index.js';
import { silentLogger } from '../src/lib/logger.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { registerNumber } from './helpers/factories.js';
import { messagesEnvelope, metaJson, sign, statusValue } from './helpers/webhooks.js';

// GET /phone-numbers/:id/webhook-backlog: how far processing is behind intake, per number and tenant.
let t: TestApp;
let a: { workspaceId: string; key: string };
let b: { workspaceId: string; key: string };
let numberA: string;
const N = { phoneNumberId: '3165403522', wabaId: '3122901293', secret: 'app-secret-backlog' };

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('backlog-a');
  b = await t.tenant('backlog-b');
  numberA = await registerNumber(t, a.key, { ...N, displayNumber: '+1 555 010 0031', accessToken: 'EAAG-token-bl', appSecret: N.secret, verifyToken: 'verify-bl-123' });
});
afterAll(() => t.close());

async function deliverStatus(i: number): Promise<void> {
  const body = metaJson(messagesEnvelope(N, statusValue(`wamid.backlog-${i}`, 'delivered', Math.floor(Date.now() / 1000))));
  const res = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, N.secret) }, payload: body });
  expect(res.statusCode).toBe(200);
}

const backlog = (key: string, id: string) => t.call(key, { method: 'GET', url: `/api/v1/phone-numbers/${id}/webhook-backlog` });

describe('webhook backlog', () => {
  it('counts bodies stored but not processed, with the oldest arrival, and drops to zero once processed', async () => {
    const before = Date.now();
    for (let i = 0; i < 3; i++) await deliverStatus(i);
    const waiting = await backlog(a.key, numberA);
    expect(waiting.statusCode).toBe(200);
    expect(waiting.json()).toMatchObject({ pending: 3, failed: 0 });
    expect(Date.parse(waiting.json().oldest_pending_at)).toBeGreaterThanOrEqual(before - 1000);
    const lags: number[] = [];
    while ((await processPendingWebhooks({ db: t.db, parse: parseWebhook, log: silentLogger(), now: new Date(), onLag: (ms) => lags.push(ms) })) > 0);
    expect(lags.length).toBeGreaterThan(0);
    expect(lags[0]).toBeGreaterThanOrEqual(0);
    expect((await backlog(a.key, numberA)).json()).toEqual({ pending: 0, oldest_pending_at: null, failed: 0 });
  });

  it("is another workspace's number: 404, never its counts", async () => {
    const res = await backlog(b.key, numberA);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('pending');
  });
});
