import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'broadcast-basics' });
});
afterAll(async () => {
  await h?.close();
});

const offers = (extra: Record<string, unknown> = {}) => ({
  name: 'Weekly offers',
  audience: { rules: { field: 'country', op: 'eq', value: 'NG' }, topic: 'offers' },
  template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: '2 for 1 on Fridays' } } },
  ...extra,
});

describe('broadcasts end to end', () => {
  it('sends to everyone with consent, skips the rest with reasons, and tracks delivery', async () => {
    const granted = await h.seedContacts(30);
    await h.seedContacts(5, { consent: 'withdrawn' });
    await h.seedContacts(4, { consent: 'none' });
    const created = await h.api('POST', '/api/v1/broadcasts', offers());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.status).toBe('draft');
    const id = created.body.id as string;
    const plan = await h.api('POST', `/api/v1/broadcasts/${id}/estimate`);
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body).toMatchObject({ matched: 39, no_consent: 4, consent_withdrawn: 5, eligible: 30, sendable: 30 });
    const started = await h.api('POST', `/api/v1/broadcasts/${id}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body).toMatchObject({ status: 'sending', counts: { planned: 30, queued: 30 } });
    h.dispatcher();
    await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body.status === 'completed', 20_000, 'completion');
    await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body.counts.read === 30, 20_000, 'reads');
    const done = (await h.api('GET', `/api/v1/broadcasts/${id}`)).body;
    expect(done.counts).toMatchObject({ planned: 30, sent: 30, delivered: 30, read: 30, failed: 0, skipped: 0 });
    const sent = h.sim.sent().filter((m) => m.template?.name === 'weekly_offers');
    expect(sent).toHaveLength(30);
    expect(new Set(sent.map((m) => m.to)).size).toBe(30);
    expect(sent.map((m) => m.to).sort()).toEqual(granted.map((g) => g.phone).sort());
    const body = sent[0]!.request as { template: { components: { parameters: { text: string }[] }[] } };
    expect(body.template.components[0]!.parameters[1]!.text).toBe('2 for 1 on Fridays');
    const recips = await h.api('GET', `/api/v1/broadcasts/${id}/recipients?state=read&limit=5`);
    expect(recips.body.data).toHaveLength(5);
    expect(recips.body.data[0]).toMatchObject({ status: 'read', state: 'accepted' });
  });
});
