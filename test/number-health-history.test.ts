import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { parseWebhook } from '../src/adapters/whatsapp/webhook-parse.js';
import { processPendingWebhooks } from '../src/modules/inbound/index.js';
import { silentLogger } from '../src/lib/logger.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { registerNumber } from './helpers/factories.js';
import { metaJson, sign } from './helpers/webhooks.js';

let t: TestApp;
let a: { workspaceId: string; key: string };
let b: { workspaceId: string; key: string };
let numberA: string;
let numberB: string;
const NA = { phoneNumberId: '4065403522', wabaId: '4022901293', secret: 'app-secret-ha' };
const NB = { phoneNumberId: '4065403599', wabaId: '4022901299', secret: 'app-secret-hb' };

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('health-a');
  b = await t.tenant('health-b');
  numberA = await registerNumber(t, a.key, { ...NA, displayNumber: '+1 555 020 0001', accessToken: 'EAAG-token-ha', appSecret: NA.secret, verifyToken: 'verify-ha-123' });
  numberB = await registerNumber(t, b.key, { ...NB, displayNumber: '+1 555 020 0002', accessToken: 'EAAG-token-hb', appSecret: NB.secret, verifyToken: 'verify-hb-123' });
});
afterAll(() => t.close());

/** A signed `phone_number_quality_update` for number A, stamped `at` (seconds). */
async function qualityUpdate(value: Record<string, unknown>, at: number): Promise<void> {
  const body = metaJson({ object: 'whatsapp_business_account', entry: [{ id: NA.wabaId, time: at, changes: [{ field: 'phone_number_quality_update', value }] }] });
  const res = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, NA.secret) }, payload: body });
  expect(res.statusCode).toBe(200);
  while ((await processPendingWebhooks({ db: t.db, parse: parseWebhook, log: silentLogger(), now: new Date() })) > 0);
}

interface NumberHealth {
  id: string;
  display_number: string;
  quality_rating: string;
  messaging_tier: string;
  history: { at: string; quality_rating: string; messaging_tier: string }[];
}

async function analytics(key: string): Promise<NumberHealth[]> {
  const res = await t.call(key, { method: 'GET', url: '/api/v1/analytics/numbers' });
  expect(res.statusCode).toBe(200);
  return (res.json() as { data: NumberHealth[] }).data;
}

describe('number health history', () => {
  it('starts with one row when a number is connected', async () => {
    const [n] = await analytics(a.key);
    expect(n).toMatchObject({ id: numberA, display_number: '+1 555 020 0001', quality_rating: 'UNKNOWN', messaging_tier: 'TIER_250' });
    expect(n!.history).toHaveLength(1);
    expect(n!.history[0]).toMatchObject({ quality_rating: 'UNKNOWN', messaging_tier: 'TIER_250' });
  });

  it('appends a row for each webhook that changes the rating or tier, oldest first, and none for a repeat', async () => {
    // Stamped after the connect row (Meta's whole-second times; the number was connected moments ago).
    const now = Math.floor(Date.now() / 1000) + 10;
    await qualityUpdate({ display_phone_number: '15550200001', event: 'UPGRADE', current_limit: 'TIER_10K' }, now + 1);
    await qualityUpdate({ display_phone_number: '15550200001', event: 'FLAGGED', current_limit: 'TIER_10K' }, now + 2);
    // The same state again: no new row.
    await qualityUpdate({ display_phone_number: '15550200001', event: 'FLAGGED', current_limit: 'TIER_10K' }, now + 3);
    const [n] = await analytics(a.key);
    expect(n).toMatchObject({ quality_rating: 'RED', messaging_tier: 'TIER_10K' });
    expect(n!.history.map((h) => [h.quality_rating, h.messaging_tier])).toEqual([
      ['UNKNOWN', 'TIER_250'],
      ['UNKNOWN', 'TIER_10K'],
      ['RED', 'TIER_10K'],
    ]);
    expect(n!.history[2]!.at).toBe(new Date((now + 2) * 1000).toISOString());
    const events = await queryRows<{ event: string }>(t.db, sql`select event from phone_number_health_events where phone_number_id = ${numberA} order by id`);
    expect(events.map((e) => e.event)).toEqual(['connected', 'UPGRADE', 'FLAGGED']);
  });

  it('appends a row when a person corrects the tier, and none for a change that leaves it', async () => {
    const patch = (payload: Record<string, unknown>) => t.call(b.key, { method: 'PATCH', url: `/api/v1/phone-numbers/${numberB}`, payload });
    expect((await patch({ messaging_limit_tier: 'TIER_2K' })).statusCode).toBe(200);
    expect((await patch({ display_number: '+1 555 020 0002' })).statusCode).toBe(200);
    const events = await queryRows<{ event: string; messaging_limit_tier: string }>(t.db, sql`select event, messaging_limit_tier from phone_number_health_events where phone_number_id = ${numberB} order by id`);
    expect(events).toEqual([
      { event: 'connected', messaging_limit_tier: 'TIER_250' },
      { event: 'manual', messaging_limit_tier: 'TIER_2K' },
    ]);
  });

  it('keeps only the last 90 days in the history', async () => {
    const old = new Date(Date.now() - 91 * 86_400_000);
    await t.db.execute(sql`insert into phone_number_health_events (workspace_id, phone_number_id, quality_rating, messaging_limit_tier, event, occurred_at) values (${a.workspaceId}, ${numberA}, 'GREEN', 'TIER_2K', 'test', ${old.toISOString()}::timestamptz)`);
    const [n] = await analytics(a.key);
    expect(n!.history).toHaveLength(3);
  });

  it("shows a workspace only its own numbers and their history", async () => {
    const seenByB = await analytics(b.key);
    expect(seenByB.map((n) => n.id)).toEqual([numberB]);
    expect(seenByB[0]).toMatchObject({ quality_rating: 'UNKNOWN', messaging_tier: 'TIER_2K' });
    expect(seenByB[0]!.history.map((h) => h.messaging_tier)).toEqual(['TIER_250', 'TIER_2K']);
    expect((await analytics(a.key)).map((n) => n.id)).toEqual([numberA]);
  });

  it('needs authentication', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/analytics/numbers' });
    expect(res.statusCode).toBe(401);
  });
});
