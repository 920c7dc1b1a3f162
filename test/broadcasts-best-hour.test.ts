import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { param, sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

// "Each recipient's best hour": the heatmap's best hour for the date's weekday, applied in each
// recipient's own zone. Ground truth: 25 people in Lagos (UTC+1, no DST) read a broadcast sent at
// 19:00 local a week ago and left one sent at 09:00 local unread, so the best hour on that weekday
// is 19:00; another weekday has no sends and falls back.
let h: BroadcastHarness;
const DAY = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

async function pastBroadcast(contactIds: string[], atIso: string, rank: number): Promise<void> {
  const [b] = await queryRows<{ id: string }>(h.t.db, sql`insert into broadcasts (workspace_id, name, status, audience, template_name, template_language, template_category, schedule, started_at, finished_at)
    values (${h.tenant.workspaceId}, ${`history ${atIso}`}, 'completed', '{}'::jsonb, 'weekly_offers', 'en_US', 'MARKETING', '{}'::jsonb, ${atIso}::timestamptz, ${atIso}::timestamptz) returning id`);
  await h.t.db.execute(sql`insert into broadcast_recipients (broadcast_id, workspace_id, contact_id, state, not_before, is_marketing, timezone, sent_at, delivery_rank)
    select ${b!.id}, ${h.tenant.workspaceId}, c, 'accepted', ${atIso}::timestamptz, true, 'Africa/Lagos', ${atIso}::timestamptz, ${rank} from unnest(${param(contactIds)}::uuid[]) c`);
}

async function notBefores(broadcastId: string): Promise<string[]> {
  const rows = await queryRows<{ nb: string }>(h.t.db, sql`select distinct to_char(not_before at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as nb from broadcast_recipients where broadcast_id = ${broadcastId} and state = 'queued'`);
  return rows.map((r) => r.nb);
}

beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'best-hour', settings: { broadcasts: { quiet_hours: null } } });
  const history = await h.seedContacts(25, { consent: 'none' });
  const ids = history.map((c) => c.id);
  const weekAgo = dateIn(-7);
  await pastBroadcast(ids, `${weekAgo}T18:00:00Z`, 4); // 19:00 in Lagos, all read
  await pastBroadcast(ids, `${weekAgo}T08:00:00Z`, 2); // 09:00 in Lagos, none read
});
afterAll(async () => {
  await h?.close();
});

const create = async (name: string, schedule: Record<string, unknown>, tag: string) => {
  const res = await h.api('POST', '/api/v1/broadcasts', {
    name,
    audience: { rules: { field: 'tags', op: 'contains', value: tag }, topic: 'offers' },
    template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'x' } } },
    schedule,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
};

describe("a broadcast at each recipient's best hour", () => {
  it("sends on the date at the weekday's best hour from the heatmap, in each recipient's zone", async () => {
    await h.seedContacts(3, { tag: 'best' });
    const date = dateIn(7); // the same weekday as the history
    const id = await create('Best hour', { type: 'best_hour', date }, 'best');
    const started = await h.api('POST', `/api/v1/broadcasts/${id}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.plan.best_hour).toMatchObject({ time: '19:00', source: 'workspace', read_rate: 1, sent: 25 });
    expect(started.body.schedule).toEqual({ type: 'best_hour', date });
    // 19:00 in Lagos is 18:00 UTC.
    expect(await notBefores(id)).toEqual([`${date}T18:00`]);
  });

  it('falls back to the given local time on a weekday with no best hour', async () => {
    await h.seedContacts(2, { tag: 'fallback' });
    const date = dateIn(8);
    const id = await create('Fallback hour', { type: 'best_hour', date, fallback_time: '08:30' }, 'fallback');
    const started = await h.api('POST', `/api/v1/broadcasts/${id}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.plan.best_hour).toMatchObject({ time: '08:30', source: 'fallback', read_rate: null });
    expect(await notBefores(id)).toEqual([`${date}T07:30`]);
  });

  it('names the field for a bad date or time, and refuses a past date without send_late', async () => {
    const bad = await h.api('POST', '/api/v1/broadcasts', {
      name: 'Bad',
      audience: { rules: { field: 'tags', op: 'contains', value: 'best' }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name' }, 'body.2': { value: 'x' } } },
      schedule: { type: 'best_hour', date: '2026-02-30x', fallback_time: '25:00' },
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toMatch(/schedule\.date|"date"/);
    expect(JSON.stringify(bad.body)).toContain('HH:MM');
    const past = await create('Past', { type: 'best_hour', date: dateIn(-2) }, 'best');
    const refused = await h.api('POST', `/api/v1/broadcasts/${past}/start`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('BROADCAST_SCHEDULE_INVALID');
    expect((await h.api('GET', `/api/v1/broadcasts/${past}`)).body.status).toBe('draft');
  });
});
