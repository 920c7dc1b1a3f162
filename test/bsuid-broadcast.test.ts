// Broadcasts to people known only by a business-scoped user id (BSUID, no phone): the template goes
// out with `recipient` = BSUID, and a suppression keyed by the BSUID's hash still stops it.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/adapters/db/database.js';
import { SYSTEM_ACTOR } from '../src/modules/context.js';
import { addSuppressions, appendConsentEvents, phoneHasher } from '../src/modules/consent/index.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'broadcast-bsuid', tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

const ANN = 'US.13491208655302741918';
const BEN = 'GB.ENT.99887766554433';

describe('broadcasts to BSUID-only contacts', () => {
  it('send by recipient = BSUID; a BSUID whose hash is suppressed is skipped as suppressed', async () => {
    const tag = 'bsuid';
    const rows = await queryRows<{ id: string; user_id: string }>(
      h.t.db,
      sql`insert into contacts (workspace_id, phone, user_id, name, country, timezone, tags)
          values (${h.tenant.workspaceId}, null, ${ANN}, 'Ann', 'US', 'America/New_York', array[${tag}]::text[]),
                 (${h.tenant.workspaceId}, null, ${BEN}, 'Ben', 'GB', 'Europe/London', array[${tag}]::text[])
          returning id, user_id`,
    );
    const [topic] = await queryRows<{ id: string }>(h.t.db, sql`select id from topics where workspace_id = ${h.tenant.workspaceId} and key = 'offers'`);
    const events = rows.map((r) => ({ contactId: r.id, topicId: topic!.id, action: 'grant' as const, source: 'api' as const, evidence: { text: 'Yes, send me offers', ip: '203.0.113.9' }, occurredAt: new Date(Date.now() - 86_400_000), dedupeKey: null }));
    await appendConsentEvents(h.t.db, h.tenant.workspaceId, SYSTEM_ACTOR, events, new Date());
    const hash = await phoneHasher(h.t.db, h.tenant.workspaceId);
    await addSuppressions(h.t.db, h.tenant.workspaceId, [hash(BEN)], 'opted_out', 'test', new Date());

    const draft = await h.api('POST', '/api/v1/broadcasts', {
      name: 'bsuid offers',
      audience: { rules: { field: 'tags', op: 'contains', value: tag }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'half price' } } },
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    const id = draft.body.id as string;
    const plan = await h.api('POST', `/api/v1/broadcasts/${id}/estimate`);
    expect(plan.body).toMatchObject({ matched: 2, eligible: 2, suppressed: 1 });
    expect((await h.api('POST', `/api/v1/broadcasts/${id}/start`)).status).toBe(200);
    const d = h.dispatcher();
    await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body.status === 'completed', 30_000, 'broadcast to complete');
    await d.stop();

    const sentToAnn = h.sim.sent(ANN);
    expect(sentToAnn).toHaveLength(1);
    expect(sentToAnn[0]!.request).toMatchObject({ recipient: ANN, type: 'template', template: { name: 'weekly_offers' } });
    expect(sentToAnn[0]!.request).not.toHaveProperty('to');
    expect(h.sim.sent(BEN)).toHaveLength(0);
    const done = (await h.api('GET', `/api/v1/broadcasts/${id}`)).body;
    expect(done.counts).toMatchObject({ sent: 1, skipped: 1, failed: 0 });
    expect(done.skipped_by_reason).toEqual({ suppressed: 1 });
  });
});
