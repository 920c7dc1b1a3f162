// The consent-enforcement suite for broadcasts (design.md §6, reliability.md INV-CONSENT, W5, C2):
// no path — the snapshot, the send-time check, a pause/resume, a retry — reaches a contact without
// valid consent for the broadcast's topic, or a suppressed number.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/adapters/db/database.js';
import { SYSTEM_ACTOR } from '../src/modules/context.js';
import { addSuppressions, appendConsentEvents, phoneHasher } from '../src/modules/consent/index.js';
import { gateVerdicts } from '../src/modules/sending/index.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
beforeAll(async () => {
  // 20 mps so a slowed-down broadcast (pacing_ratio) stays running long enough to interfere with.
  // Quiet hours and the frequency cap are off: these tests must not depend on the time of day.
  h = await createBroadcastHarness({ seed: 'broadcast-consent', mps: 20, tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

type Row = { contact_id: string; phone: string; state: string; reason: string | null; attempts: number; sent_at: string | null };

/** Sets the broadcast settings in force for broadcasts started from now on. */
async function broadcastSettings(extra: Record<string, unknown> = {}): Promise<void> {
  const r = await h.api('PATCH', '/api/v1/workspace', { settings: { broadcasts: { quiet_hours: null, frequency_cap: null, ...extra } } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function createDraft(tag: string, opts: { template?: 'weekly_offers' | 'service_update'; topic?: string } = {}): Promise<string> {
  const template = opts.template ?? 'weekly_offers';
  const res = await h.api('POST', '/api/v1/broadcasts', {
    name: `consent ${tag}`,
    audience: { rules: { field: 'tags', op: 'contains', value: tag }, topic: opts.topic ?? (template === 'weekly_offers' ? 'offers' : 'updates') },
    template: { name: template, language: 'en_US', ...(template === 'weekly_offers' ? { variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'half price' } } } : {}) },
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

async function rows(id: string, state?: string): Promise<Row[]> {
  const res = await h.api('GET', `/api/v1/broadcasts/${id}/recipients?limit=1000${state ? `&state=${state}` : ''}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as Row[];
}

const waitDone = (id: string, ms = 30_000) => h.waitFor(async () => (await get(id)).status === 'completed', ms, `broadcast ${id} to complete`);

/** Template messages the simulator accepted for a phone (optionally only this template). */
const accepted = (phone: string, template = 'weekly_offers') => h.sim.sent(phone).filter((m) => m.template?.name === template);

async function withdraw(contactId: string, topic = 'offers'): Promise<void> {
  const res = await h.api('POST', `/api/v1/contacts/${contactId}/consent`, { topic, action: 'withdraw', source: 'api', evidence: { note: 'asked us by email' } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

const waId = (phone: string) => phone.slice(1);

describe('consent is enforced on every broadcast path', () => {
  it('never messages withdrawn, missing or other-topic-only consent, and re-checks consent at send time', async () => {
    const tag = 'c-topics';
    const ok = await h.seedContacts(4, { tag });
    const withdrawn = await h.seedContacts(3, { tag, consent: 'withdrawn' });
    const none = await h.seedContacts(3, { tag, consent: 'none' });
    const utilityOnly = await h.seedContacts(3, { tag, topic: 'updates' });
    const lateTopic = await h.seedContacts(2, { tag });
    const lateAll = await h.seedContacts(1, { tag });

    const id = await createDraft(tag);
    const plan = await h.api('POST', `/api/v1/broadcasts/${id}/estimate`);
    expect(plan.body).toMatchObject({ matched: 16, no_consent: 6, consent_withdrawn: 3, eligible: 7, sendable: 7 });
    const started = await start(id);
    expect(started.counts.planned).toBe(7);

    // Withdrawn after the snapshot, before any send: the send-time check must catch both forms.
    for (const c of lateTopic) await withdraw(c.id, 'offers');
    await withdraw(lateAll[0]!.id, '*');

    const d = h.dispatcher();
    await waitDone(id);
    await d.stop();

    const done = await get(id);
    expect(done.counts).toMatchObject({ planned: 7, sent: 4, skipped: 3, failed: 0 });
    expect(done.skipped_by_reason).toEqual({ consent_withdrawn: 3 });
    for (const c of ok) expect(accepted(c.phone), c.phone).toHaveLength(1);
    for (const c of [...withdrawn, ...none, ...utilityOnly, ...lateTopic, ...lateAll]) expect(h.sim.sent(c.phone), c.phone).toHaveLength(0);
    const byContact = new Map((await rows(id)).map((r) => [r.contact_id, r]));
    for (const c of [...lateTopic, ...lateAll]) expect(byContact.get(c.id)).toMatchObject({ state: 'skipped', reason: 'consent_withdrawn', sent_at: null });
    // People without consent for this topic are left out at start: a row that says why, never a send.
    for (const c of withdrawn) expect(byContact.get(c.id)).toMatchObject({ state: 'excluded', reason: 'consent_withdrawn', sent_at: null });
    for (const c of [...none, ...utilityOnly]) expect(byContact.get(c.id)).toMatchObject({ state: 'excluded', reason: 'no_consent', sent_at: null });
    expect(done.excluded_by_reason).toEqual({ consent_withdrawn: 3, no_consent: 6 });

    // The other way round: a utility broadcast on `updates` reaches only the utility subscribers.
    const util = await createDraft(tag, { template: 'service_update' });
    const u = await start(util);
    expect(u.counts.planned).toBe(3);
    const d2 = h.dispatcher();
    await waitDone(util);
    await d2.stop();
    for (const c of utilityOnly) expect(accepted(c.phone, 'service_update')).toHaveLength(1);
    for (const c of [...ok, ...withdrawn, ...none, ...lateTopic, ...lateAll]) expect(accepted(c.phone, 'service_update'), c.phone).toHaveLength(0);
  });

  it('STOP mid-broadcast: nothing reaches the person after the STOP commits; their row ends skipped (consent_withdrawn)', async () => {
    await broadcastSettings({ pacing_ratio: 0.1 }); // 20 mps × 0.1 = 2 messages a second
    const tag = 'c-stop';
    const people = await h.seedContacts(10, { tag });
    const stopper = people[7]!;
    const id = await createDraft(tag);
    await start(id);
    const d = h.dispatcher();
    await h.waitFor(async () => people.some((p) => accepted(p.phone).length > 0), 10_000, 'the first send');

    h.sim.inbound({ from: waId(stopper.phone), text: 'STOP' });
    await h.waitFor(
      async () => {
        const c = await h.api('GET', `/api/v1/contacts/${stopper.id}/consent`);
        return c.body.suppressed === true && c.body.state.find((s: { topic: string }) => s.topic === 'offers')?.status === 'withdrawn';
      },
      10_000,
      'the STOP to commit',
    );
    const committedAt = Date.now();
    const before = people.filter((p) => accepted(p.phone).length > 0).length;
    expect(before, 'the STOP must arrive while the broadcast is still running').toBeLessThan(9);

    await waitDone(id);
    await d.stop();
    expect(accepted(stopper.phone).filter((m) => m.acceptedAt >= committedAt)).toHaveLength(0);
    expect(accepted(stopper.phone)).toHaveLength(0);
    const row = (await rows(id)).find((r) => r.contact_id === stopper.id);
    expect(row).toMatchObject({ state: 'skipped', reason: 'consent_withdrawn', sent_at: null });
    const done = await get(id);
    expect(done.counts).toMatchObject({ planned: 10, sent: 9, skipped: 1 });
    expect(done.skipped_by_reason).toEqual({ consent_withdrawn: 1 });
    // The others kept going after the STOP.
    for (const p of people.filter((x) => x !== stopper)) expect(accepted(p.phone)).toHaveLength(1);
    await broadcastSettings();
  });

  it('skips a suppressed number as `suppressed` even when a grant exists (erased and re-created; opted out by STOP)', async () => {
    const tag = 'c-suppressed';
    const [erased, stopped, control] = [...(await h.seedContacts(2, { tag })), ...(await h.seedContacts(1, { tag }))];

    // 1. Erased: the number is kept only as a suppression hash; re-creating it (an import, say) with a grant does not make it sendable.
    const er = await h.api('POST', `/api/v1/contacts/${erased!.id}/erase`);
    expect(er.status, JSON.stringify(er.body)).toBe(200);
    const [recreated] = await h.seedContacts(1, { tag, from: Number(erased!.phone.slice(7)) });
    expect(recreated!.phone).toBe(erased!.phone);

    // 2. STOP: withdrawal + suppression. An API grant is refused; a grant that gets past the ledger anyway must still not send.
    h.sim.inbound({ from: waId(stopped!.phone), text: 'STOP' });
    await h.waitFor(async () => (await h.api('GET', `/api/v1/contacts/${stopped!.id}/consent`)).body.suppressed === true, 10_000, 'STOP to suppress');
    const refused = await h.api('POST', `/api/v1/contacts/${stopped!.id}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: { text: 'Yes please', ip: '203.0.113.5' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONSENT_SUPPRESSED');
    const [topic] = await queryRows<{ id: string }>(h.t.db, sql`select id from topics where workspace_id = ${h.tenant.workspaceId} and key = 'offers'`);
    const res = await appendConsentEvents(h.t.db, h.tenant.workspaceId, SYSTEM_ACTOR, [{ contactId: stopped!.id, topicId: topic!.id, action: 'grant', source: 'inbound_message', evidence: { text: 'offers please', wamid: 'wamid.test-regrant' }, occurredAt: new Date(), dedupeKey: null }], new Date());
    expect(res.recorded).toHaveLength(1);
    const view = (await h.api('GET', `/api/v1/contacts/${stopped!.id}/consent`)).body;
    expect(view).toMatchObject({ suppressed: true });
    expect(view.state.find((s: { topic: string }) => s.topic === 'offers').status).toBe('granted');

    const id = await createDraft(tag);
    const plan = (await h.api('POST', `/api/v1/broadcasts/${id}/estimate`)).body;
    expect(plan).toMatchObject({ eligible: 3, suppressed: 2, sendable: 1 });
    expect((await start(id)).counts.planned).toBe(3);
    const d = h.dispatcher();
    await waitDone(id);
    await d.stop();
    const done = await get(id);
    expect(done.counts).toMatchObject({ planned: 3, sent: 1, skipped: 2 });
    expect(done.skipped_by_reason).toEqual({ suppressed: 2 });
    expect(accepted(control!.phone)).toHaveLength(1);
    expect(accepted(erased!.phone)).toHaveLength(0);
    expect(accepted(stopped!.phone)).toHaveLength(0);
  });

  it('pause → consent withdrawn through the API → resume: the person is not messaged', async () => {
    await broadcastSettings({ pacing_ratio: 0.1 });
    const tag = 'c-pause';
    const people = await h.seedContacts(8, { tag });
    const id = await createDraft(tag);
    await start(id);
    const d = h.dispatcher();
    await h.waitFor(async () => people.some((p) => accepted(p.phone).length > 0), 10_000, 'the first send');
    const paused = await h.api('POST', `/api/v1/broadcasts/${id}/pause`);
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect(paused.body).toMatchObject({ status: 'paused', pause_code: 'MANUAL' });
    // Requests already in flight settle; then nothing moves while paused.
    await h.waitFor(async () => (await get(id)).counts.sending === 0, 5_000, 'in-flight sends to settle');
    const sentWhilePaused = h.sim.sent().length;
    const queued = await rows(id, 'queued');
    expect(queued.length).toBeGreaterThan(2);
    const target = queued[queued.length - 1]!;
    await withdraw(target.contact_id);
    await new Promise((r) => setTimeout(r, 1200));
    expect(h.sim.sent().length, 'nothing is sent while paused').toBe(sentWhilePaused);

    const resumed = await h.api('POST', `/api/v1/broadcasts/${id}/resume`);
    expect(resumed.body).toMatchObject({ status: 'sending', pause_code: null });
    await waitDone(id);
    await d.stop();
    expect(accepted(target.phone)).toHaveLength(0);
    expect((await rows(id)).find((r) => r.contact_id === target.contact_id)).toMatchObject({ state: 'skipped', reason: 'consent_withdrawn' });
    expect((await get(id)).counts).toMatchObject({ planned: 8, sent: 7, skipped: 1 });
    await broadcastSettings();
  });

  it('a retry does not bypass consent: withdrawn between a transient error and its retry → never messaged', async () => {
    const tag = 'c-retry';
    const people = await h.seedContacts(3, { tag });
    const target = people[0]!;
    h.sim.configure({ faults: [{ code: 131016, to: waId(target.phone) }] });
    try {
      const id = await createDraft(tag);
      await start(id);
      const d = h.dispatcher();
      await h.waitFor(
        async () => (await rows(id)).some((r) => r.contact_id === target.id && r.state === 'queued' && r.attempts >= 1 && (r.reason ?? '').startsWith('retrying')),
        10_000,
        'the first transient failure',
      );
      await withdraw(target.id);
      // The Cloud API recovers: a retry now would be accepted, so only the consent check stands between the person and a message.
      h.sim.configure({ faults: [] });
      await waitDone(id);
      await d.stop();
      expect(accepted(target.phone)).toHaveLength(0);
      const row = (await rows(id)).find((r) => r.contact_id === target.id)!;
      expect(row).toMatchObject({ state: 'skipped', reason: 'consent_withdrawn' });
      expect(row.attempts).toBeGreaterThanOrEqual(1);
      for (const p of people.slice(1)) expect(accepted(p.phone)).toHaveLength(1);
    } finally {
      h.sim.configure({ faults: [] });
    }
  });

  it('refuses a MARKETING template on a utility topic at create and at change (BROADCAST_TOPIC_MISMATCH)', async () => {
    const res = await h.api('POST', '/api/v1/broadcasts', {
      name: 'mismatch',
      audience: { rules: { field: 'country', op: 'eq', value: 'NG' }, topic: 'updates' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'x' } } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'BROADCAST_TOPIC_MISMATCH', details: { field: 'audience.topic' } });
    expect(res.body.error.message).toContain('updates');

    const id = await createDraft('c-mismatch');
    const patch = await h.api('PATCH', `/api/v1/broadcasts/${id}`, { audience: { rules: { field: 'tags', op: 'contains', value: 'c-mismatch' }, topic: 'updates' } });
    expect(patch.status).toBe(422);
    expect(patch.body.error.code).toBe('BROADCAST_TOPIC_MISMATCH');
    expect((await get(id)).topic).toBe('offers');
  });

  it('excludes unreachable contacts at the snapshot and skips those marked unreachable after it', async () => {
    const tag = 'c-unreachable';
    const [before, after, fine] = await h.seedContacts(3, { tag });
    const markUnreachable = (id: string) => h.t.db.execute(sql`update contacts set unreachable_at = now() where id = ${id}`);
    await markUnreachable(before!.id);
    const id = await createDraft(tag);
    expect((await h.api('POST', `/api/v1/broadcasts/${id}/estimate`)).body).toMatchObject({ matched: 3, unreachable: 1, eligible: 2, sendable: 2 });
    expect((await start(id)).counts.planned).toBe(2);
    await markUnreachable(after!.id);
    const d = h.dispatcher();
    await waitDone(id);
    await d.stop();
    expect((await get(id)).skipped_by_reason).toEqual({ unreachable: 1 });
    expect(h.sim.sent(before!.phone)).toHaveLength(0);
    expect(h.sim.sent(after!.phone)).toHaveLength(0);
    expect(accepted(fine!.phone)).toHaveLength(1);
  });
});

describe('the send gate for every sender outside a broadcast (automation steps, agent and API templates)', () => {
  it('refuses withdrawn, never-consented, other-topic-only, suppressed and unreachable people, and other workspaces’ contacts, for marketing and utility alike', async () => {
    const tag = 'c-gate';
    const [ok] = await h.seedContacts(1, { tag });
    const [withdrawn] = await h.seedContacts(1, { tag, consent: 'withdrawn' });
    const [none] = await h.seedContacts(1, { tag, consent: 'none' });
    const [utilityOnly] = await h.seedContacts(1, { tag, topic: 'updates' });
    const [suppressed] = await h.seedContacts(1, { tag });
    const [unreachable] = await h.seedContacts(1, { tag });
    const hash = await phoneHasher(h.t.db, h.tenant.workspaceId);
    await addSuppressions(h.t.db, h.tenant.workspaceId, [hash(suppressed!.phone)], 'opt_out', 'keyword', new Date());
    await h.t.db.execute(sql`update contacts set unreachable_at = now() where id = ${unreachable!.id}`);
    const other = await h.t.tenant('gate-other');
    const foreign = await h.t.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: { authorization: `Bearer ${other.key}` }, payload: { phone: '+14155550177' } });
    expect(foreign.statusCode, foreign.body).toBe(201);
    const [offers] = await queryRows<{ id: string }>(h.t.db, sql`select id from topics where workspace_id = ${h.tenant.workspaceId} and key = 'offers'`);
    const people = [ok!, withdrawn!, none!, utilityOnly!, suppressed!, unreachable!].map((p) => p.id).concat(foreign.json().id as string);
    for (const marketing of [true, false]) {
      const v = await gateVerdicts(h.t.db, { workspaceId: h.tenant.workspaceId, topicId: offers!.id, marketing, contactIds: people, policy: { quietHours: null, frequencyCap: null }, now: new Date() });
      expect(people.map((id) => v.get(id)), `marketing: ${marketing}`).toEqual([
        { kind: 'send' },
        { kind: 'skip', reason: 'consent_withdrawn' },
        { kind: 'skip', reason: 'no_consent' },
        { kind: 'skip', reason: 'no_consent' },
        { kind: 'skip', reason: 'suppressed' },
        { kind: 'skip', reason: 'unreachable' },
        { kind: 'skip', reason: 'unknown_contact' },
      ]);
    }
    // Marketing also meets the marketing rule; a utility message to the same person does not.
    // 12:00Z is 13:00 in Lagos (the seeded zone): inside 09:00–17:00 quiet hours, which end at 16:00Z.
    const quiet = { quietHours: { start: '09:00', end: '17:00' }, frequencyCap: null };
    const noon = new Date('2026-12-06T12:00:00Z');
    const m = await gateVerdicts(h.t.db, { workspaceId: h.tenant.workspaceId, topicId: offers!.id, marketing: true, contactIds: [ok!.id], policy: quiet, now: noon });
    expect(m.get(ok!.id)).toEqual({ kind: 'defer', until: new Date('2026-12-06T16:00:00Z'), reason: 'deferred: quiet hours' });
    const u = await gateVerdicts(h.t.db, { workspaceId: h.tenant.workspaceId, topicId: offers!.id, marketing: false, contactIds: [ok!.id], policy: quiet, now: noon });
    expect(u.get(ok!.id)).toEqual({ kind: 'send' });
  });
});
