// "Resend to failed" (issue 17): transient failures are queued once more through the send-time
// checks, never twice; permanent ones never; 131049 only after its 24 h wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultRule } from '../src/simulator/index.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

// The business clock runs `offset` ms ahead of the wall clock (API and dispatchers alike), to step over the 131049 wait.
let offset = 0;
let h: BroadcastHarness;
beforeAll(async () => {
  h = await createBroadcastHarness({
    seed: 'broadcast-resend',
    tier: 'TIER_UNLIMITED',
    clock: { now: () => new Date(Date.now() + offset) },
    settings: { broadcasts: { quiet_hours: null, frequency_cap: null, max_attempts: 1 } },
  });
});
afterAll(async () => {
  await h?.close();
});

type Row = { contact_id: string; state: string; reason: string | null; error_code: number | null; not_before: string };

async function createDraft(tag: string): Promise<string> {
  const res = await h.api('POST', '/api/v1/broadcasts', {
    name: `resend ${tag}`,
    audience: { rules: { field: 'tags', op: 'contains', value: tag }, topic: 'offers' },
    template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'free delivery' } } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}
async function startBroadcast(tag: string): Promise<string> {
  const id = await createDraft(tag);
  const started = await h.api('POST', `/api/v1/broadcasts/${id}/start`);
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  return id;
}
const get = async (id: string) => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body;
async function rows(id: string): Promise<Map<string, Row>> {
  const res = await h.api('GET', `/api/v1/broadcasts/${id}/recipients?limit=1000`);
  return new Map((res.body.data as Row[]).map((r) => [r.contact_id, r]));
}
const waitStatus = (id: string, status: string, ms = 20_000) => h.waitFor(async () => (await get(id)).status === status, ms, `broadcast ${id} to be ${status}`);
const accepted = (phone: string) => h.sim.sent(phone).filter((m) => m.template?.name === 'weekly_offers');
const waId = (phone: string) => phone.slice(1);
const faults = (rules: FaultRule[]) => h.sim.configure({ faults: rules });
const resend = (id: string) => h.api('POST', `/api/v1/broadcasts/${id}/resend-failed`);

describe('resend to failed', () => {
  it('refuses a draft with 409', async () => {
    await h.seedContacts(1, { tag: 'r-draft' });
    const id = await createDraft('r-draft');
    const res = await resend(id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('BROADCAST_STATE_INVALID');
    expect(res.body.error.message).toMatch(/draft/);
  });

  it('resends transient failures once, never permanent ones nor twice, and the gate skips who opted out since', async () => {
    const [ok, flaky, notOnWa, optsOut, twice] = await h.seedContacts(5, { tag: 'r-mix' });
    faults([
      { code: 131016, to: waId(flaky!.phone), remaining: 1 },
      { code: 131026, to: waId(notOnWa!.phone), remaining: 10 },
      { code: 131016, to: waId(optsOut!.phone), remaining: 1 },
      { code: 130429, to: waId(twice!.phone), remaining: 2 },
    ]);
    const d = h.dispatcher();
    const id = await startBroadcast('r-mix');
    await waitStatus(id, 'completed');
    let r = await rows(id);
    expect(r.get(ok!.id)!.state).toBe('accepted');
    for (const p of [flaky, notOnWa, optsOut, twice]) expect(r.get(p!.id)!.state, p!.phone).toBe('failed');
    expect(r.get(notOnWa!.id)!.error_code).toBe(131026);

    const withdrawn = await h.api('POST', `/api/v1/contacts/${optsOut!.id}/consent`, { topic: 'offers', action: 'withdraw', source: 'api' });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(201);

    const first = await resend(id);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ requeued: 3, not_eligible: { already_resent: 0, permanent_error: 1, marketing_limit_wait: 0 }, next_resend_at: null });
    await waitStatus(id, 'completed');
    r = await rows(id);
    expect(r.get(flaky!.id)!.state).toBe('accepted');
    expect(r.get(optsOut!.id)).toMatchObject({ state: 'skipped', reason: 'consent_withdrawn' });
    expect(r.get(twice!.id)!.state).toBe('failed');
    expect(accepted(flaky!.phone)).toHaveLength(1);
    expect(accepted(optsOut!.phone)).toHaveLength(0);
    expect(accepted(ok!.phone)).toHaveLength(1);

    // Never twice: the one that failed again stays failed.
    const second = await resend(id);
    expect(second.body).toEqual({ requeued: 0, not_eligible: { already_resent: 1, permanent_error: 1, marketing_limit_wait: 0 }, next_resend_at: null });
    expect((await get(id)).status).toBe('completed');
    expect(accepted(twice!.phone)).toHaveLength(0);
    expect(accepted(notOnWa!.phone)).toHaveLength(0);
    await d.stop();
    faults([]);
  });

  it('holds a 131049 recipient back for 24 h with the reason, then resends it once', async () => {
    const [limited, other, limitedSync] = await h.seedContacts(3, { tag: 'r-eco' });
    // Meta reports 131049 by status webhook; a synchronous answer with it is handled the same way.
    faults([
      { code: 131049, mode: 'async', to: waId(limited!.phone), remaining: 1 },
      { code: 131049, to: waId(limitedSync!.phone), remaining: 1 },
    ]);
    const d = h.dispatcher();
    const id = await startBroadcast('r-eco');
    await h.waitFor(async () => (await rows(id)).get(limited!.id)!.state === 'failed', 20_000, 'the 131049 status');
    await waitStatus(id, 'completed');
    const syncRow = (await rows(id)).get(limitedSync!.id)!;
    expect(syncRow).toMatchObject({ state: 'failed', error_code: 131049 });
    expect(syncRow.reason).toMatch(/^held back by WhatsApp's per-user marketing limit \(131049\); can be resent after /);
    expect(new Date(syncRow.not_before).getTime() - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const row = (await rows(id)).get(limited!.id)!;
    expect(row.error_code).toBe(131049);
    expect(row.reason).toMatch(/^held back by WhatsApp's per-user marketing limit \(131049\); can be resent after \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    const after = new Date(row.not_before).getTime();
    expect(after - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    expect(after - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    expect(accepted(limited!.phone)).toHaveLength(1);

    const early = await resend(id);
    const first = Math.min(after, new Date(syncRow.not_before).getTime());
    expect(early.body).toEqual({ requeued: 0, not_eligible: { already_resent: 0, permanent_error: 0, marketing_limit_wait: 2 }, next_resend_at: new Date(first).toISOString() });

    offset = Math.max(after, new Date(syncRow.not_before).getTime()) - Date.now() + 60_000;
    const late = await resend(id);
    expect(late.body).toMatchObject({ requeued: 2, not_eligible: { marketing_limit_wait: 0 } });
    await h.waitFor(async () => (await rows(id)).get(limited!.id)!.state === 'accepted' && (await rows(id)).get(limitedSync!.id)!.state === 'accepted', 20_000, 'the resends');
    await waitStatus(id, 'completed');
    expect(accepted(limited!.phone)).toHaveLength(2);
    expect(accepted(other!.phone)).toHaveLength(1);
    expect(accepted(limitedSync!.phone)).toHaveLength(1);
    // Never twice: a second 24 h later nothing is left to resend.
    expect((await resend(id)).body.requeued).toBe(0);
    await d.stop();
    offset = 0;
    faults([]);
  });
});
