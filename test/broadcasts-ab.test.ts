// A/B tests of broadcasts (design.md "A/B tests"): deterministic assignment from a hash of
// (broadcast, contact), the split, a holdout that gets nothing, the winner picked on constructed
// outcomes by the sweep or a person, the rest sent once through the send gate.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/adapters/db/database.js';
import { abBucket, abGroupOf, noteBroadcastReplies, snapshotRecipients, sweepAbTests } from '../src/modules/broadcasts/index.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'broadcast-ab', mps: 80, tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

const VARS_A = { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'half price' } };
const VARS_B = { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'free shipping' } };

function draft(tag: string, abTest: unknown) {
  return h.api('POST', '/api/v1/broadcasts', {
    name: `ab ${tag}`,
    audience: { rules: { field: 'tags', op: 'contains', value: tag }, topic: 'offers' },
    template: { name: 'weekly_offers', language: 'en_US', variables: VARS_A },
    ab_test: abTest,
  });
}

const get = async (id: string) => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body;

type Row = { contact_id: string; variant: string | null; state: string; reason: string | null };
const rowsOf = (id: string) => queryRows<Row>(h.t.db, sql`select contact_id, variant, state, reason from broadcast_recipients where broadcast_id = ${id} order by id`);

/** Template messages the simulator accepted for a phone. */
const offersTo = (phone: string) => h.sim.sent(phone).filter((m) => m.template?.name === 'weekly_offers');

/** The test window has passed (as if its hours had gone by). */
async function endWindow(id: string): Promise<void> {
  await h.t.db.execute(sql`update broadcast_ab_tests set test_ends_at = now() - interval '1 second' where broadcast_id = ${id}`);
}

/** The rendered texts of a broadcast's messages to one contact (the message log). */
async function textsTo(id: string, contactId: string): Promise<string[]> {
  const rows = await queryRows<{ body: string }>(h.t.db, sql`select body from messages where broadcast_id = ${id} and contact_id = ${contactId} order by created_at`);
  return rows.map((r) => r.body);
}

describe('A/B tests: input', () => {
  it('refuses 1 or 5 variants, percentages over 100, unknown templates, other categories and missing variables, naming the field', async () => {
    const base = { test_percent: 50, metric: 'reply', window_hours: 4 };
    const cases: [unknown, string, string][] = [
      [{ ...base, variants: [{}] }, 'AB_TEST_INVALID', 'ab_test.variants'],
      [{ ...base, variants: [{}, {}, {}, {}, {}] }, 'AB_TEST_INVALID', 'ab_test.variants'],
      [{ ...base, test_percent: 80, holdout_percent: 30, variants: [{}, { variables: VARS_B }] }, 'AB_TEST_INVALID', 'ab_test.holdout_percent'],
      [{ ...base, variants: [{}, { template: { name: 'nope', language: 'en_US' } }] }, 'AB_TEST_INVALID', 'ab_test.variants[1].template.name'],
      [{ ...base, variants: [{}, { template: { name: 'service_update', language: 'en_US' } }] }, 'AB_TEST_INVALID', 'ab_test.variants[1].template.name'],
      [{ ...base, variants: [{}, { variables: { 'body.1': { value: 'x' } } }] }, 'BROADCAST_VARIABLES_INVALID', 'ab_test.variants[1].variables'],
    ];
    for (const [ab, code, path] of cases) {
      const res = await draft('ab-input', ab);
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.details.path).toBe(path);
    }
    const bad = await draft('ab-input', { ...base, metric: 'revenue', variants: [{}, {}] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields[0].field).toBe('ab_test.metric');
  });

  it('keeps the test when a draft is edited without ab_test, and removes it with null', async () => {
    const res = await draft('ab-edit', { variants: [{}, { variables: VARS_B }], test_percent: 40, holdout_percent: 10, metric: 'read', window_hours: 2, send_winner: 'auto' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.ab_test).toMatchObject({ status: 'not_started', test_percent: 40, holdout_percent: 10, metric: 'read', send_winner: 'auto' });
    const renamed = await h.api('PATCH', `/api/v1/broadcasts/${res.body.id}`, { name: 'renamed' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body.ab_test.variants.map((v: { key: string }) => v.key)).toEqual(['A', 'B', 'holdout', 'rest']);
    const removed = await h.api('PATCH', `/api/v1/broadcasts/${res.body.id}`, { ab_test: null });
    expect(removed.body.ab_test).toBeNull();
  });
});

describe('A/B tests: assignment, test, winner and rest', () => {
  it('splits deterministically, holds out the control, waits for a pick, sends the winner to the rest once and re-checks consent', async () => {
    const tag = 'ab-flow';
    const people = await h.seedContacts(400, { tag });
    const phoneOf = new Map(people.map((p) => [p.id, p.phone]));
    const created = await draft(tag, { variants: [{}, { variables: VARS_B }], test_percent: 50, holdout_percent: 10, metric: 'reply', window_hours: 6, send_winner: 'confirm' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const started = await h.api('POST', `/api/v1/broadcasts/${id}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.ab_test.status).toBe('testing');

    // Every row's group is the pure function of (broadcast, contact): the same after any restart.
    const rows = await rowsOf(id);
    const split = { variants: 2, testPercent: 50, holdoutPercent: 10 };
    for (const r of rows) expect(r.variant, r.contact_id).toBe(abGroupOf(abBucket(id, r.contact_id), split));
    const count = (g: string) => rows.filter((r) => r.variant === g).length;
    // Proportions: 25 % / 25 % / 10 % / 40 % of 400, within sampling noise.
    expect(count('A')).toBeGreaterThan(70);
    expect(count('A')).toBeLessThan(130);
    expect(count('B')).toBeGreaterThan(70);
    expect(count('B')).toBeLessThan(130);
    expect(count('holdout')).toBeGreaterThan(20);
    expect(count('holdout')).toBeLessThan(65);
    expect(count('rest')).toBeGreaterThan(125);
    expect(count('rest')).toBeLessThan(195);
    expect(rows.filter((r) => r.variant === 'holdout').every((r) => r.state === 'excluded' && r.reason === 'ab_holdout')).toBe(true);

    // A re-plan of the same broadcast assigns everyone the same group (then rolled back).
    const [b] = await queryRows<Record<string, unknown>>(h.t.db, sql`select * from broadcasts where id = ${id}`);
    const replanned = await h.t.db
      .transaction(async (tx) => {
        await tx.execute(sql`delete from broadcast_recipients where broadcast_id = ${id}`);
        const row = { id, workspaceId: b!.workspace_id, audience: b!.audience, topicId: b!.topic_id, schedule: { type: 'now' }, startAt: null, templateCategory: 'MARKETING' } as never;
        await snapshotRecipients(tx, row, new Date(), 'UTC', split);
        const again = await queryRows<Row>(tx, sql`select contact_id, variant, state, reason from broadcast_recipients where broadcast_id = ${id}`);
        throw Object.assign(new Error('rollback'), { again });
      })
      .catch((e: { again?: Row[] }) => e.again!);
    const before = new Map(rows.map((r) => [r.contact_id, r.variant]));
    expect(replanned).toHaveLength(rows.length);
    for (const r of replanned) expect(r.variant).toBe(before.get(r.contact_id));

    // The test goes out; the rest waits for the winner.
    const d = h.dispatcher();
    await h.waitFor(async () => (await get(id)).ab_test.variants.slice(0, 2).reduce((n: number, v: { sent: number }) => n + v.sent, 0) === count('A') + count('B'), 30_000, 'the test sends');
    const byGroup = (g: string) => rows.filter((r) => r.variant === g).map((r) => r.contact_id);
    for (const c of byGroup('A')) expect(await textsTo(id, c)).toEqual([expect.stringContaining('half price')]);
    for (const c of byGroup('B')) expect(await textsTo(id, c)).toEqual([expect.stringContaining('free shipping')]);
    for (const c of [...byGroup('A'), ...byGroup('B')]) expect(offersTo(phoneOf.get(c)!)).toHaveLength(1);
    for (const c of [...byGroup('rest'), ...byGroup('holdout')]) expect(offersTo(phoneOf.get(c)!)).toHaveLength(0);
    expect((await get(id)).status).toBe('sending');

    // Constructed outcomes: 40 % of B replied, 10 % of A.
    const replied = [...byGroup('A').filter((_, i) => i % 10 === 0), ...byGroup('B').filter((_, i) => i % 5 < 2)];
    await noteBroadcastReplies(h.t.db, h.tenant.workspaceId, replied.map((contactId) => ({ contactId, at: new Date() })));
    const during = (await get(id)).ab_test;
    expect(during).toMatchObject({ status: 'testing', leader: 'B', runner_up: 'A', winner: null });
    expect(during.comparison.confidence).toBeGreaterThan(0.99);
    expect(during.variants[1].rates.replied).toBeCloseTo(byGroup('B').filter((_, i) => i % 5 < 2).length / count('B'), 5);

    // The window ends: confirm mode waits for a person (the sweep twice, as two workers would).
    await endWindow(id);
    const later = new Date();
    const sweeps = await Promise.all([sweepAbTests(h.t.db, later), sweepAbTests(h.t.db, later)]);
    expect(sweeps.reduce((n, s) => n + s.waiting, 0)).toBe(1);
    expect(sweeps.reduce((n, s) => n + s.picked, 0)).toBe(0);
    expect((await get(id)).ab_test.status).toBe('waiting_for_pick');

    // Consent withdrawn between the test and the rest: that person gets nothing.
    const leaver = byGroup('rest')[0]!;
    const w = await h.api('POST', `/api/v1/contacts/${leaver}/consent`, { topic: 'offers', action: 'withdraw', source: 'api', evidence: { note: 'asked by email' } });
    expect(w.status, JSON.stringify(w.body)).toBe(201);

    const pick = await h.api('POST', `/api/v1/broadcasts/${id}/ab/pick-winner`, {});
    expect(pick.status, JSON.stringify(pick.body)).toBe(200);
    expect(pick.body).toMatchObject({ winner: 'B', status: 'rest_sending' });
    const again = await h.api('POST', `/api/v1/broadcasts/${id}/ab/pick-winner`, { variant: 'A' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('AB_TEST_STATE_INVALID');

    await h.waitFor(async () => (await get(id)).status === 'completed', 30_000, 'the rest to be sent');
    await d.stop();
    // Before the sweep marks it, a completed broadcast's test already reads done.
    expect((await get(id)).ab_test.status).toBe('done');
    for (const c of byGroup('rest').slice(1)) {
      expect(await textsTo(id, c)).toEqual([expect.stringContaining('free shipping')]);
      expect(offersTo(phoneOf.get(c)!)).toHaveLength(1);
    }
    expect(offersTo(phoneOf.get(leaver)!)).toHaveLength(0);
    expect((await rowsOf(id)).find((r) => r.contact_id === leaver)).toMatchObject({ state: 'skipped', reason: 'consent_withdrawn' });
    for (const c of byGroup('holdout')) expect(h.sim.sent(phoneOf.get(c)!)).toHaveLength(0);
    // Test recipients got exactly their one variant: the rest was sent once.
    for (const c of [...byGroup('A'), ...byGroup('B')]) expect(offersTo(phoneOf.get(c)!)).toHaveLength(1);

    expect((await sweepAbTests(h.t.db, later)).done).toBe(1);
    const done = (await get(id)).ab_test;
    expect(done).toMatchObject({ status: 'done', winner: 'B' });
    expect(done.variants.find((v: { key: string }) => v.key === 'rest').sent).toBe(count('rest') - 1);
    expect(done.variants.find((v: { key: string }) => v.key === 'holdout')).toMatchObject({ recipients: count('holdout'), sent: 0 });

    // A conversion is the conversions module's credit to this broadcast within the test's window (6 h) after the send.
    const [b1, b2] = byGroup('B');
    const credit = (eventId: number, contactId: string, hoursAfter: number) =>
      h.t.db.execute(sql`insert into broadcast_conversions (event_id, workspace_id, broadcast_id, contact_id, sent_at, occurred_at, amount, currency, attributed_at)
        select ${eventId}, workspace_id, broadcast_id, contact_id, sent_at, sent_at + make_interval(hours => ${hoursAfter}), 10, 'EUR', now()
        from broadcast_recipients where broadcast_id = ${id} and contact_id = ${contactId}`);
    await credit(990001, b1!, 1);
    await credit(990002, b2!, 7);
    expect((await get(id)).ab_test.variants.find((v: { key: string }) => v.key === 'B').converted).toBe(1);
  }, 90_000);

  it('auto mode: the sweep picks the winner once (two sweeps at the same time) and a manual pick after it is refused', async () => {
    const tag = 'ab-auto';
    const people = await h.seedContacts(60, { tag });
    const created = await draft(tag, { variants: [{ variables: VARS_B }, {}], test_percent: 60, metric: 'reply', window_hours: 1, send_winner: 'auto' });
    const id = created.body.id as string;
    expect((await h.api('POST', `/api/v1/broadcasts/${id}/start`)).status).toBe(200);
    const d = h.dispatcher();
    const rows = await rowsOf(id);
    const tested = rows.filter((r) => r.variant === 'A' || r.variant === 'B').length;
    await h.waitFor(async () => (await get(id)).ab_test.variants.slice(0, 2).reduce((n: number, v: { sent: number }) => n + v.sent, 0) === tested, 30_000, 'the test sends');
    // Nobody replied: a tie goes to the first variant (A, which here carries the "free shipping" values).
    await endWindow(id);
    const later = new Date();
    const sweeps = await Promise.all([sweepAbTests(h.t.db, later), sweepAbTests(h.t.db, later)]);
    expect(sweeps.reduce((n, s) => n + s.picked, 0)).toBe(1);
    const view = (await get(id)).ab_test;
    expect(view).toMatchObject({ winner: 'A', picked_by: 'auto', comparison: { z: 0, p_value: 1, confidence: 0 } });
    const late = await h.api('POST', `/api/v1/broadcasts/${id}/ab/pick-winner`, {});
    expect(late.status).toBe(409);
    await h.waitFor(async () => (await get(id)).status === 'completed', 30_000, 'the rest');
    await d.stop();
    for (const p of people) expect(offersTo(p.phone).length, p.phone).toBeLessThanOrEqual(1);
    for (const r of rows.filter((x) => x.variant === 'rest')) expect(await textsTo(id, r.contact_id)).toEqual([expect.stringContaining('free shipping')]);
  }, 60_000);
});
