// What happened to whom (issue 12, items 4, 6, 7, 8): a past local date is refused unless the
// request asks to send late; every contact the audience matches gets a recipient row, the ones
// left out at start with the reason, and a lookup by contact answers "why did this person get
// nothing?"; test sends show their final status (a later 131026 is a failure, not "sent"); an
// explicit all-contacts audience.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/adapters/db/database.js';
import { addSuppressions, phoneHasher } from '../src/modules/consent/index.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

const TEST_NUMBERS = ['+447700900123', '+447700900124'];

let h: BroadcastHarness;
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'broadcast-outcomes', tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null, test_numbers: TEST_NUMBERS } } });
  h.dispatcher();
});
afterAll(async () => {
  await h?.close();
});

type Row = { contact_id: string; state: string; status: string; reason: string | null; not_before: string };

const template = { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'new season' } } };
const byTag = (tag: string) => ({ rules: { field: 'tags', op: 'contains', value: tag }, topic: 'offers' });

async function create(payload: Record<string, unknown>): Promise<string> {
  const res = await h.api('POST', '/api/v1/broadcasts', { name: 'outcomes', template, ...payload });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}
const get = async (id: string) => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body;
async function rows(id: string, q = ''): Promise<Map<string, Row>> {
  const res = await h.api('GET', `/api/v1/broadcasts/${id}/recipients?limit=1000${q}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return new Map((res.body.data as Row[]).map((r) => [r.contact_id, r]));
}
const lookup = async (id: string, contactId: string) => h.api('GET', `/api/v1/broadcasts/${id}/recipients/${contactId}`);
/** A UTC calendar date `days` from now ("YYYY-MM-DD"). */
const dayFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('a local-time schedule whose date has passed', () => {
  it('is refused at start (422 naming schedule.date) and starts only with send_late: true', async () => {
    const people = await h.seedContacts(2, { tag: 'o-late' });
    const id = await create({ audience: byTag('o-late'), schedule: { type: 'local', date: dayFromNow(-2), time: '10:00' } });
    const refused = await h.api('POST', `/api/v1/broadcasts/${id}/start`);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'BROADCAST_SCHEDULE_INVALID', details: { field: 'schedule.date', late_recipients: 2 } });
    expect(refused.body.error.message).toMatch(/^schedule\.date: .*send_late/);
    // Nothing was snapshotted or sent: the refusal rolled the start back.
    expect(await get(id)).toMatchObject({ status: 'draft', counts: { planned: 0, excluded: 0 } });
    expect((await rows(id)).size).toBe(0);
    expect(h.sim.sent(people[0]!.phone)).toHaveLength(0);

    // A future date starts and waits for the local time.
    const later = await create({ audience: byTag('o-late'), schedule: { type: 'local', date: dayFromNow(3), time: '10:00' } });
    expect((await h.api('POST', `/api/v1/broadcasts/${later}/start`)).status).toBe(200);
    for (const r of (await rows(later)).values()) expect(new Date(r.not_before).getTime()).toBeGreaterThan(Date.now() + 86_400_000);
    await h.api('POST', `/api/v1/broadcasts/${later}/cancel`);

    // Asking explicitly sends to those whose time has passed at once.
    const patched = await h.api('PATCH', `/api/v1/broadcasts/${id}`, { schedule: { type: 'local', date: dayFromNow(-2), time: '10:00', send_late: true } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const started = await h.api('POST', `/api/v1/broadcasts/${id}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.plan).toMatchObject({ planned: 2, late: 2 });
    await h.waitFor(async () => people.every((p) => h.sim.sent(p.phone).length === 1), 20_000, 'the late sends');
  });
});

describe('why a matched contact got nothing', () => {
  it('records everyone matched at start, excluded ones with the reason, and answers per contact', async () => {
    const [sent1, sent2] = await h.seedContacts(2, { tag: 'o-why' });
    const [noConsent] = await h.seedContacts(1, { tag: 'o-why', consent: 'none' });
    const [withdrawn] = await h.seedContacts(1, { tag: 'o-why', consent: 'withdrawn' });
    const [unreachable] = await h.seedContacts(1, { tag: 'o-why' });
    const [vip] = await h.seedContacts(1, { tag: 'o-why' });
    const [suppressed] = await h.seedContacts(1, { tag: 'o-why' });
    const [outsider] = await h.seedContacts(1, { tag: 'o-other' });
    await h.t.db.execute(sql`update contacts set unreachable_at = now() where id = ${unreachable!.id}`);
    await h.t.db.execute(sql`update contacts set tags = array['o-why', 'o-vip'] where id = ${vip!.id}`);
    await addSuppressions(h.t.db, h.tenant.workspaceId, [(await phoneHasher(h.t.db, h.tenant.workspaceId))(suppressed!.phone)], 'opted_out', 'import', new Date());
    const id = await create({ audience: { ...byTag('o-why'), exclude: [{ rules: { field: 'tags', op: 'contains', value: 'o-vip' } }] } });

    // Before the start, the lookup answers from the same rules the snapshot will apply.
    const draftAnswers = {
      [sent1!.id]: { matched: true, outcome: 'planned', reason: null },
      [noConsent!.id]: { matched: true, outcome: 'excluded', reason: 'no_consent' },
      [withdrawn!.id]: { matched: true, outcome: 'excluded', reason: 'consent_withdrawn' },
      [unreachable!.id]: { matched: true, outcome: 'excluded', reason: 'unreachable' },
      [vip!.id]: { matched: true, outcome: 'excluded', reason: 'excluded' },
      [outsider!.id]: { matched: false, outcome: 'not_matched' },
    };
    for (const [contactId, want] of Object.entries(draftAnswers)) {
      const res = await lookup(id, contactId);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body, contactId).toMatchObject({ ...want, broadcast_status: 'draft', recipient: null });
    }

    const started = await h.api('POST', `/api/v1/broadcasts/${id}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.counts).toMatchObject({ planned: 3, excluded: 4 });
    expect(started.body.excluded_by_reason).toEqual({ no_consent: 1, consent_withdrawn: 1, unreachable: 1, excluded: 1 });
    expect(started.body.plan).toMatchObject({ planned: 3, excluded: 4 });
    await h.waitFor(async () => (await get(id)).status === 'completed', 20_000, 'completion');

    const all = await rows(id);
    expect(all.size).toBe(7);
    expect(all.get(noConsent!.id)).toMatchObject({ state: 'excluded', status: 'excluded', reason: 'no_consent' });
    expect(all.get(withdrawn!.id)).toMatchObject({ state: 'excluded', reason: 'consent_withdrawn' });
    expect(all.get(unreachable!.id)).toMatchObject({ state: 'excluded', reason: 'unreachable' });
    expect(all.get(vip!.id)).toMatchObject({ state: 'excluded', reason: 'excluded' });
    expect(all.get(suppressed!.id)).toMatchObject({ state: 'skipped', reason: 'suppressed' });
    expect(all.get(sent1!.id)).toMatchObject({ state: 'accepted' });
    expect([...(await rows(id, '&state=excluded')).keys()].sort()).toEqual([noConsent!.id, withdrawn!.id, unreachable!.id, vip!.id].sort());
    // Nobody left out was messaged.
    for (const p of [noConsent, withdrawn, unreachable, vip, suppressed]) expect(h.sim.sent(p!.phone)).toHaveLength(0);
    expect(await get(id)).toMatchObject({ counts: { planned: 3, sent: 2, skipped: 1, excluded: 4 }, skipped_by_reason: { suppressed: 1 } });

    // After the start, the lookup reads the recipient row.
    expect((await lookup(id, withdrawn!.id)).body).toMatchObject({ matched: true, outcome: 'excluded', reason: 'consent_withdrawn', recipient: { state: 'excluded' } });
    expect((await lookup(id, suppressed!.id)).body).toMatchObject({ matched: true, outcome: 'skipped', reason: 'suppressed' });
    expect((await lookup(id, sent2!.id)).body).toMatchObject({ matched: true, outcome: expect.stringMatching(/^(sent|delivered|read)$/), reason: null });
    expect((await lookup(id, outsider!.id)).body).toMatchObject({ matched: false, outcome: 'not_matched', recipient: null });
    expect((await lookup(id, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('test sends', () => {
  it('show each final status and error code: a test WhatsApp accepts and then fails (131026) is failed', async () => {
    await h.seedContacts(1, { tag: 'o-test' });
    const id = await create({ audience: byTag('o-test') });
    h.sim.configure({ faults: [{ code: 131026, mode: 'async', to: TEST_NUMBERS[1]!.slice(1) }] });
    const res = await h.api('POST', `/api/v1/broadcasts/${id}/test`, {});
    h.sim.configure({ faults: [] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // Both were accepted by the API: that is not yet an outcome.
    for (const r of res.body.results) expect(r).toMatchObject({ wamid: expect.stringMatching(/^wamid\./), error: null });
    const tests = async () => (await h.api('GET', `/api/v1/broadcasts/${id}/tests`)).body.data as { to: string; status: string; error_code: number | null }[];
    await h.waitFor(async () => (await tests()).some((t) => t.status === 'failed') && (await tests()).some((t) => t.status === 'delivered' || t.status === 'read'), 20_000, 'final test statuses');
    const byTo = new Map((await tests()).map((t) => [t.to, t]));
    expect(byTo.get(TEST_NUMBERS[1]!)).toMatchObject({ status: 'failed', error_code: 131026 });
    expect(byTo.get(TEST_NUMBERS[0]!)).toMatchObject({ status: expect.stringMatching(/^(delivered|read)$/), error_code: null });
  });
});

describe('an audience of every contact', () => {
  it('accepts all_contacts: true (consent still required) and points {"all": []} to it', async () => {
    const empty = await h.api('POST', '/api/v1/broadcasts', { name: 'x', template, audience: { rules: { all: [] }, topic: 'offers' } });
    expect(empty.status).toBe(422);
    expect(empty.body.error.message).toMatch(/all_contacts/);
    const both = await h.api('POST', '/api/v1/broadcasts', { name: 'x', template, audience: { all_contacts: true, rules: { field: 'country', op: 'eq', value: 'NG' }, topic: 'offers' } });
    expect(both.status).toBe(422);
    expect(both.body.error).toMatchObject({ code: 'BROADCAST_AUDIENCE_INVALID', details: { field: 'audience' } });

    await h.seedContacts(2, { tag: 'o-all', consent: 'none' });
    const id = await create({ audience: { all_contacts: true, topic: 'offers' } });
    expect((await get(id)).audience).toMatchObject({ all_contacts: true });
    const [{ n: total } = { n: 0 }] = await queryRows<{ n: number }>(h.t.db, sql`select count(*)::int as n from contacts where workspace_id = ${h.tenant.workspaceId}`);
    const [{ n: sendable } = { n: 0 }] = await queryRows<{ n: number }>(
      h.t.db,
      sql`select count(*)::int as n from contacts c join consent_state cs on cs.contact_id = c.id and cs.status = 'granted'
          join topics t on t.id = cs.topic_id and t.key = 'offers' where c.workspace_id = ${h.tenant.workspaceId} and c.unreachable_at is null`,
    );
    const plan = await h.api('POST', `/api/v1/broadcasts/${id}/estimate`);
    expect(plan.body).toMatchObject({ matched: total, eligible: sendable });
    const started = await h.api('POST', `/api/v1/broadcasts/${id}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.counts.planned + started.body.counts.excluded).toBe(total);
    expect(started.body.counts.planned).toBe(sendable);
    expect(started.body.excluded_by_reason.no_consent).toBeGreaterThanOrEqual(2);
  });
});
