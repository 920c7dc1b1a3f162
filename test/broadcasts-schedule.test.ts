// Time in broadcasts (reliability.md INV-TIME, C6): quiet hours and local-time schedules in the
// recipient's zone, across zones and daylight-saving changes; scheduled starts fire exactly once;
// the marketing frequency cap and the messaging-limit tier defer instead of dropping.
//
// One business clock drives the API (each request's `now`) and the dispatchers, and the tests move
// it forward only (the tier and frequency counts look back from "now"). Pacing and leases of the
// shared send schedule run on the database clock, so they are unaffected.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/adapters/db/database.js';
import { SYSTEM_ACTOR } from '../src/modules/context.js';
import { appendConsentEvents } from '../src/modules/consent/index.js';
import { recordOutboundMessage } from '../src/modules/messaging/index.js';
import { marketingDeferrals, marketingPolicyFrom } from '../src/modules/sending/index.js';
import { testClock } from './helpers/app.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

const clock = testClock(new Date('2026-03-07T12:00:00Z'));
let h: BroadcastHarness;
beforeAll(async () => {
  // Contacts without a zone fall back to the workspace zone. Quiet hours and the frequency cap keep their defaults (21:00–08:00, 2 per 7 days).
  h = await createBroadcastHarness({ seed: 'broadcast-schedule', clock, tier: 'TIER_UNLIMITED', settings: { timezone: 'Asia/Tokyo' } });
  h.dispatcher();
});
afterAll(async () => {
  await h?.close();
});

type Row = { contact_id: string; phone: string; state: string; reason: string | null; not_before: string; sent_at: string | null; attempts: number };

const setClock = (iso: string) => clock.set(new Date(iso));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Long enough for a dispatcher to claim and send anything that is due (housekeeping every 100 ms). */
const settle = () => sleep(1_500);

async function draft(tag: string, schedule: Record<string, unknown> | undefined, template: 'weekly_offers' | 'service_update' = 'weekly_offers'): Promise<string> {
  const res = await h.api('POST', '/api/v1/broadcasts', {
    name: `schedule ${tag}`,
    audience: { rules: { field: 'tags', op: 'contains', value: tag }, topic: template === 'weekly_offers' ? 'offers' : 'updates' },
    template: { name: template, language: 'en_US', ...(template === 'weekly_offers' ? { variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'new season' } } } : {}) },
    ...(schedule ? { schedule } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function start(id: string): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await h.api('POST', `/api/v1/broadcasts/${id}/start`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const get = async (id: string) => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body;
async function rows(id: string): Promise<Map<string, Row>> {
  const res = await h.api('GET', `/api/v1/broadcasts/${id}/recipients?limit=1000`);
  return new Map((res.body.data as Row[]).map((r) => [r.contact_id, r]));
}
const sentCount = (phone: string, template: string) => h.sim.sent(phone).filter((m) => m.template?.name === template).length;
const allSent = (people: { phone: string }[], template: string, n = 1) => h.waitFor(async () => people.every((p) => sentCount(p.phone, template) === n), 20_000, `${people.length} sends of ${template}`);

/** The local wall time ("HH:MM") of an instant in a zone. */
const localTime = (iso: string, zone: string) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

describe('local time, quiet hours and schedules', () => {
  it('spring forward (America/New_York, 2026-03-08): 02:30 does not exist and fires once, at 03:30 EDT (07:30Z)', async () => {
    // Why 07:30Z: PostgreSQL reads a time in the spring-forward gap with the offset in force before
    // the change (EST, UTC-5), i.e. 02:30 EST = 07:30Z, which the clocks show as 03:30 EDT. The
    // message goes out once, as soon as the missing time has passed, instead of being skipped.
    setClock('2026-03-07T12:00:00Z');
    const ny = await h.seedContacts(2, { tag: 's-spring', topic: 'updates', timezone: 'America/New_York' });
    const kolkata = await h.seedContacts(1, { tag: 's-spring', topic: 'updates', timezone: 'Asia/Kolkata' });
    const id = await draft('s-spring', { type: 'local', date: '2026-03-08', time: '02:30' }, 'service_update');
    expect((await start(id)).status).toBe('sending');
    const r = await rows(id);
    for (const p of ny) expect(r.get(p.id)!.not_before).toBe('2026-03-08T07:30:00.000Z');
    // India has no daylight saving: 02:30 IST on the 8th is 21:00Z on the 7th.
    expect(r.get(kolkata[0]!.id)!.not_before).toBe('2026-03-07T21:00:00.000Z');

    setClock('2026-03-07T20:59:58Z');
    await settle();
    expect(h.sim.sent()).toHaveLength(0);
    setClock('2026-03-07T21:00:01Z');
    await allSent(kolkata, 'service_update');
    setClock('2026-03-08T07:29:58Z');
    await settle();
    for (const p of ny) expect(sentCount(p.phone, 'service_update')).toBe(0);
    setClock('2026-03-08T07:30:01Z');
    await allSent(ny, 'service_update');
    await h.waitFor(async () => (await get(id)).status === 'completed', 10_000, 'completion');
    // An hour later (when a naive reading would fire "again") nothing more is sent.
    setClock('2026-03-08T08:30:01Z');
    await settle();
    for (const p of ny) expect(sentCount(p.phone, 'service_update')).toBe(1);
    const after = await rows(id);
    for (const p of ny) expect(after.get(p.id)).toMatchObject({ state: 'accepted', sent_at: '2026-03-08T07:30:01.000Z' });
  });

  it('quiet hours (21:00–08:00 recipient-local) defer marketing to the next 08:00 instead of dropping it', async () => {
    setClock('2026-06-15T10:00:00Z');
    const zones = { kolkata: 'Asia/Kolkata', london: 'Europe/London', ny: 'America/New_York', auckland: 'Pacific/Auckland' } as const;
    const people: Record<keyof typeof zones, { id: string; phone: string }[]> = { kolkata: [], london: [], ny: [], auckland: [] };
    for (const [k, zone] of Object.entries(zones) as [keyof typeof zones, string][]) people[k] = await h.seedContacts(2, { tag: 's-quiet', timezone: zone });
    const id = await draft('s-quiet', undefined);
    await start(id);
    // 15:30 in Kolkata and 11:00 in London: sent now.
    await allSent([...people.kolkata, ...people.london], 'weekly_offers');
    // 06:00 in New York and 22:00 in Auckland: deferred to the next 08:00 there.
    await h.waitFor(
      async () => {
        const r = await rows(id);
        return [...people.ny, ...people.auckland].every((p) => r.get(p.id)!.reason === 'deferred: quiet hours');
      },
      10_000,
      'quiet-hours deferrals',
    );
    const r = await rows(id);
    for (const p of people.ny) expect(r.get(p.id)).toMatchObject({ state: 'queued', reason: 'deferred: quiet hours', not_before: '2026-06-15T12:00:00.000Z' });
    for (const p of people.auckland) expect(r.get(p.id)).toMatchObject({ state: 'queued', reason: 'deferred: quiet hours', not_before: '2026-06-15T20:00:00.000Z' });
    await h.waitFor(async () => (await get(id)).counts.sent === 4, 10_000, 'outcomes to be recorded');
    expect((await get(id)).counts).toMatchObject({ planned: 8, sent: 4, queued: 4, skipped: 0 });
    // The broadcast says until when the earliest of them waits, and why (the admin app's "waiting until").
    expect(await get(id)).toMatchObject({ next_attempt_at: '2026-06-15T12:00:00.000Z', next_attempt_reason: 'deferred: quiet hours' });

    setClock('2026-06-15T11:59:58Z');
    await settle();
    for (const p of people.ny) expect(sentCount(p.phone, 'weekly_offers')).toBe(0);
    setClock('2026-06-15T12:00:01Z');
    await allSent(people.ny, 'weekly_offers');
    setClock('2026-06-15T19:59:58Z');
    await settle();
    for (const p of people.auckland) expect(sentCount(p.phone, 'weekly_offers')).toBe(0);
    setClock('2026-06-15T20:00:01Z');
    await allSent(people.auckland, 'weekly_offers');
    await h.waitFor(async () => (await get(id)).status === 'completed', 10_000, 'completion');
    expect(await get(id)).toMatchObject({ next_attempt_at: null, next_attempt_reason: null });

    // INV-TIME: no marketing message left outside 08:00–21:00 in its recipient's zone.
    const done = await rows(id);
    for (const [k, zone] of Object.entries(zones) as [keyof typeof zones, string][]) {
      for (const p of people[k]) {
        const t = localTime(done.get(p.id)!.sent_at!, zone);
        expect(t >= '08:00' && t < '21:00', `${zone} got it at ${t}`).toBe(true);
      }
    }
    expect(localTime(done.get(people.ny[0]!.id)!.sent_at!, zones.ny)).toBe('08:00');
    expect(localTime(done.get(people.auckland[0]!.id)!.sent_at!, zones.auckland)).toBe('08:00');
  });

  it("a local-time schedule sends at 10:00 in each recipient's zone; contacts without a (known) zone use the workspace's or the schedule's", async () => {
    setClock('2026-06-19T12:00:00Z');
    const tag = 's-local';
    const kolkata = await h.seedContacts(1, { tag, timezone: 'Asia/Kolkata' });
    const london = await h.seedContacts(1, { tag, timezone: 'Europe/London' });
    const ny = await h.seedContacts(1, { tag, timezone: 'America/New_York' });
    const auckland = await h.seedContacts(1, { tag, timezone: 'Pacific/Auckland' });
    const noZone = await h.seedContacts(1, { tag, timezone: null });
    const badZone = await h.seedContacts(1, { tag, timezone: 'Mars/Olympus_Mons' });
    const id = await draft(tag, { type: 'local', date: '2026-06-20', time: '10:00' });
    const started = await start(id);
    expect(started.plan).toMatchObject({ planned: 6, fallback_timezone: 'Asia/Tokyo' });
    const expected: [typeof kolkata, string][] = [
      [auckland, '2026-06-19T22:00:00.000Z'], // NZST, UTC+12
      [noZone, '2026-06-20T01:00:00.000Z'], // the workspace zone, Asia/Tokyo (UTC+9)
      [badZone, '2026-06-20T01:00:00.000Z'], // a zone PostgreSQL does not know counts as none
      [kolkata, '2026-06-20T04:30:00.000Z'], // IST, UTC+5:30
      [london, '2026-06-20T09:00:00.000Z'], // BST, UTC+1
      [ny, '2026-06-20T14:00:00.000Z'], // EDT, UTC-4
    ];
    const r = await rows(id);
    for (const [p, nb] of expected) expect(r.get(p[0]!.id)!.not_before).toBe(nb);

    // Each zone's 10:00 comes in turn; nobody gets it early, and each gets it once.
    for (const [i, [p, nb]] of expected.entries()) {
      const due = new Date(nb).getTime();
      if (i === 0 || expected[i - 1]![1] !== nb) {
        setClock(new Date(due - 2_000).toISOString());
        await settle();
        for (const [q] of expected.slice(i)) expect(sentCount(q[0]!.phone, 'weekly_offers'), `${q[0]!.phone} early`).toBe(0);
        setClock(new Date(due + 1_000).toISOString());
      }
      await allSent(p, 'weekly_offers');
    }
    await h.waitFor(async () => (await get(id)).status === 'completed', 10_000, 'completion');
    const done = await rows(id);
    expect(localTime(done.get(kolkata[0]!.id)!.sent_at!, 'Asia/Kolkata')).toBe('10:00');
    expect(localTime(done.get(ny[0]!.id)!.sent_at!, 'America/New_York')).toBe('10:00');

    // The schedule's own fallback zone wins over the workspace's.
    setClock('2026-06-20T15:00:00Z');
    const other = await h.seedContacts(1, { tag: 's-local-fallback', timezone: null });
    const id2 = await draft('s-local-fallback', { type: 'local', date: '2026-06-21', time: '10:00', fallback_timezone: 'America/Sao_Paulo' });
    expect((await start(id2)).plan).toMatchObject({ planned: 1, fallback_timezone: 'America/Sao_Paulo' });
    expect((await rows(id2)).get(other[0]!.id)!.not_before).toBe('2026-06-21T13:00:00.000Z');
    expect((await h.api('POST', `/api/v1/broadcasts/${id2}/cancel`)).body.status).toBe('cancelled');
  });

  it('fall back (America/New_York, 2026-11-01): 01:30 happens twice and fires once, at the later one (06:30Z)', async () => {
    // Why the later instant: PostgreSQL reads an ambiguous local time as standard time (EST, UTC-5),
    // so 01:30 means 06:30Z, after the clocks went back, not 05:30Z (01:30 EDT). One occurrence is
    // chosen before anything is sent, so the schedule cannot fire for both.
    setClock('2026-10-31T12:00:00Z');
    const ny = await h.seedContacts(2, { tag: 's-fall', topic: 'updates', timezone: 'America/New_York' });
    const id = await draft('s-fall', { type: 'local', date: '2026-11-01', time: '01:30' }, 'service_update');
    await start(id);
    const r = await rows(id);
    for (const p of ny) expect(r.get(p.id)!.not_before).toBe('2026-11-01T06:30:00.000Z');
    setClock('2026-11-01T05:30:01Z'); // the first 01:30 (EDT)
    await settle();
    for (const p of ny) expect(sentCount(p.phone, 'service_update')).toBe(0);
    setClock('2026-11-01T06:30:01Z'); // the second 01:30 (EST)
    await allSent(ny, 'service_update');
    await h.waitFor(async () => (await get(id)).status === 'completed', 10_000, 'completion');
    setClock('2026-11-01T07:30:01Z');
    await settle();
    for (const p of ny) expect(sentCount(p.phone, 'service_update')).toBe(1);
    expect(localTime((await rows(id)).get(ny[0]!.id)!.sent_at!, 'America/New_York')).toBe('01:30');
  });

  it('a broadcast scheduled at a time starts exactly once at that time, with two dispatchers running', async () => {
    setClock('2026-11-20T09:00:00Z');
    const second = h.dispatcher(); // a second worker
    const people = await h.seedContacts(5, { tag: 's-at' });
    const id = await draft('s-at', { type: 'at', at: '2026-11-20T09:30:00Z' });
    const scheduled = await start(id);
    expect(scheduled).toMatchObject({ status: 'scheduled', start_at: '2026-11-20T09:30:00.000Z', counts: { planned: 0 } });
    setClock('2026-11-20T09:29:58Z');
    await settle();
    expect((await get(id)).status).toBe('scheduled');
    setClock('2026-11-20T09:30:00.500Z');
    await h.waitFor(async () => (await get(id)).status === 'completed', 15_000, 'completion');
    await settle();
    const b = await get(id);
    expect(b).toMatchObject({ started_at: '2026-11-20T09:30:00.500Z', plan: { planned: 5 }, counts: { planned: 5, sent: 5 } });
    for (const p of people) expect(sentCount(p.phone, 'weekly_offers')).toBe(1);
    // Starting a scheduled broadcast again by hand is refused.
    expect((await h.api('POST', `/api/v1/broadcasts/${id}/start`)).status).toBe(409);
    await second.stop();
  });

  it('frequency cap: a third marketing broadcast within 7 days is deferred (not dropped); utility is not capped', async () => {
    setClock('2026-12-01T12:00:00Z');
    const tag = 's-cap';
    const people = await h.seedContacts(3, { tag });
    const [updates] = await queryRows<{ id: string }>(h.t.db, sql`select id from topics where workspace_id = ${h.tenant.workspaceId} and key = 'updates'`);
    await appendConsentEvents(h.t.db, h.tenant.workspaceId, SYSTEM_ACTOR, people.map((p) => ({ contactId: p.id, topicId: updates!.id, action: 'grant' as const, source: 'api' as const, evidence: { text: 'Service updates', ip: '203.0.113.9' }, occurredAt: new Date('2026-11-01T00:00:00Z'), dedupeKey: null })), new Date());

    for (const [i, at] of ['2026-12-01T12:00:00Z', '2026-12-02T12:00:00Z'].entries()) {
      setClock(at);
      const id = await draft(tag, undefined);
      await start(id);
      await allSent(people, 'weekly_offers', i + 1);
      await h.waitFor(async () => (await get(id)).status === 'completed', 10_000, 'completion');
    }
    setClock('2026-12-03T12:00:00Z');
    const third = await draft(tag, undefined);
    expect((await h.api('POST', `/api/v1/broadcasts/${third}/estimate`)).body).toMatchObject({ sendable: 3, frequency_capped: 3 });
    await start(third);
    await h.waitFor(async () => [...(await rows(third)).values()].every((r) => r.reason === 'deferred: frequency cap'), 10_000, 'frequency-cap deferrals');
    const r = await rows(third);
    // The oldest of the two has to leave the 7-day window: 7 days after the first send.
    for (const p of people) expect(r.get(p.id)).toMatchObject({ state: 'queued', not_before: '2026-12-08T12:00:00.000Z' });
    for (const p of people) expect(sentCount(p.phone, 'weekly_offers')).toBe(2);

    // A utility broadcast to the same people goes out at once.
    const util = await draft(tag, undefined, 'service_update');
    await start(util);
    await allSent(people, 'service_update');
    // Its outcomes are logged at the business clock's "now": jumping the (frozen) clock before they are would log the
    // utility sends at 12-08T12:00:01, and the 6 s pair gap would then hold the third broadcast until a 12:00:07 that never comes.
    await h.waitFor(async () => (await get(util)).status === 'completed', 10_000, 'the utility broadcast to complete');
    expect((await get(third)).counts).toMatchObject({ queued: 3, sent: 0 });

    setClock('2026-12-08T12:00:01Z');
    await allSent(people, 'weekly_offers', 3);
    await h.waitFor(async () => (await get(third)).status === 'completed', 10_000, 'completion');
  }, 60_000);

  it('one marketing rule for every sender: the cap counts marketing any sender logged, and a sender outside broadcasts sees broadcast sends, quiet hours in the zone', async () => {
    setClock('2026-12-10T12:00:00Z');
    const tag = 's-cap-all';
    const [ana, ben] = await h.seedContacts(2, { tag });
    const [tokyo] = await h.seedContacts(1, { tag: 's-cap-zone', timezone: 'Asia/Tokyo' });
    // Another sender (an automation step, an agent's template) sent Ana marketing twice this week; Ben got a service message.
    const log = (c: { id: string; phone: string }, at: string, marketing: boolean) =>
      recordOutboundMessage(h.t.db, { workspaceId: h.tenant.workspaceId, numberId: h.numberId, contactId: c.id, waId: c.phone.slice(1), type: 'template', body: 'offer', payload: {}, wamid: null, callbackData: `x:${c.id}:${at}`, sentAt: new Date(at), marketing });
    await log(ana!, '2026-12-05T10:00:00Z', true);
    await log(ana!, '2026-12-06T10:00:00Z', true);
    await log(ben!, '2026-12-06T10:00:00Z', false);
    const id = await draft(tag, undefined);
    expect((await h.api('POST', `/api/v1/broadcasts/${id}/estimate`)).body).toMatchObject({ sendable: 2, frequency_capped: 1 });
    await start(id);
    await allSent([ben!], 'weekly_offers');
    await h.waitFor(async () => (await rows(id)).get(ana!.id)?.reason === 'deferred: frequency cap', 10_000, "Ana's deferral");
    // Ana waits until the oldest of the other sender's messages is 7 days old.
    expect((await rows(id)).get(ana!.id)).toMatchObject({ state: 'queued', not_before: '2026-12-12T10:00:00.000Z' });
    expect(sentCount(ana!.phone, 'weekly_offers')).toBe(0);

    // The same rule, asked by a sender outside broadcasts: Ben's broadcast send counts (1 of 2), Ana is at the cap,
    // and in Tokyo it is 21:00 (quiet until 08:00 local = 23:00Z).
    const policy = marketingPolicyFrom(undefined);
    const now = new Date('2026-12-10T12:00:00Z');
    const waits = await marketingDeferrals(h.t.db, { workspaceId: h.tenant.workspaceId, contactIds: [ana!.id, ben!.id, tokyo!.id], policy, now });
    expect(waits.get(ana!.id)).toEqual({ until: new Date('2026-12-12T10:00:00Z'), reason: 'deferred: frequency cap' });
    expect(waits.has(ben!.id)).toBe(false);
    expect(waits.get(tokyo!.id)).toEqual({ until: new Date('2026-12-10T23:00:00Z'), reason: 'deferred: quiet hours' });
    // One more marketing message to Ben (from anyone) reaches his cap.
    await log(ben!, '2026-12-10T11:00:00Z', true);
    expect((await marketingDeferrals(h.t.db, { workspaceId: h.tenant.workspaceId, contactIds: [ben!.id], policy, now })).get(ben!.id)?.reason).toBe('deferred: frequency cap');
    await h.api('POST', `/api/v1/broadcasts/${id}/cancel`);
  }, 60_000);

  it('messaging-limit tier: TIER_250 sends to 250 unique recipients in 24 h and the rest wait for the window to roll', async () => {
    // Earlier tests' sends still in flight (a cancelled broadcast's claimed rows) would be stamped
    // with the clock below and count in its 24 h window: let them finish first.
    await h.waitFor(
      async () => (await queryRows<{ n: number }>(h.t.db, sql`select count(*)::int as n from broadcast_recipients where workspace_id = ${h.tenant.workspaceId} and state in ('claimed', 'sending')`))[0]!.n === 0,
      30_000,
      'earlier sends to settle',
    );
    setClock('2026-12-20T12:00:00Z'); // more than 24 h after every earlier send in this file
    // Set in the database, as a quality webhook or a health refresh would (PATCH /phone-numbers/:id would also reset api_base_url to its default).
    await h.t.db.execute(sql`update phone_numbers set messaging_limit_tier = 'TIER_250' where id = ${h.numberId}`);
    const people = await h.seedContacts(260, { tag: 's-tier', topic: 'updates' });
    const id = await draft('s-tier', undefined, 'service_update');
    const plan = (await h.api('POST', `/api/v1/broadcasts/${id}/estimate`)).body;
    expect(plan.messaging_limit).toEqual({ tier: 'TIER_250', limit: 250, used_24h: 0, available_now: 250, spill: 10 });
    await start(id);
    const count = () => people.filter((p) => sentCount(p.phone, 'service_update') > 0).length;
    await h.waitFor(async () => count() >= 250, 120_000, '250 sends');
    await settle();
    await settle();
    expect(count()).toBe(250);
    expect(h.sim.sent().filter((m) => m.template?.name === 'service_update' && people.some((p) => p.phone.slice(1) === m.waId))).toHaveLength(250);
    expect((await get(id)).counts).toMatchObject({ planned: 260, sent: 250, queued: 10, failed: 0 });

    // A day later the window has rolled: the other ten go.
    setClock('2026-12-21T12:00:05Z');
    await h.waitFor(async () => count() === 260, 20_000, 'the rest');
    await h.waitFor(async () => (await get(id)).status === 'completed', 10_000, 'completion');
    for (const p of people) expect(sentCount(p.phone, 'service_update')).toBe(1);
  }, 200_000);
});
