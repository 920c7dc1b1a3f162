import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
beforeAll(async () => {
  // Quiet hours off: the contacts are in Lagos and CI runs at any hour (quiet hours have their own suite).
  h = await createBroadcastHarness({ seed: 'broadcast-basics', settings: { broadcasts: { quiet_hours: null } } });
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
    // Access requests show which broadcasts reached the person; erasure removes the recipient row.
    const exported = await h.api('GET', `/api/v1/contacts/${granted[0]!.id}/export`);
    expect(exported.body.broadcasts).toEqual([expect.objectContaining({ id, state: 'accepted', reason: null })]);
    expect((await h.api('POST', `/api/v1/contacts/${granted[0]!.id}/erase`)).status).toBe(200);
    expect((await h.api('GET', `/api/v1/broadcasts/${id}`)).body.counts.planned).toBe(29);
  });

  it('lets segments ask who got, read, clicked, replied to or opted out after a broadcast', async () => {
    const people = await h.seedContacts(6, { tag: 'seg-check' });
    const created = await h.api('POST', '/api/v1/broadcasts', {
      name: 'Sale with a link',
      audience: { rules: { field: 'tags', op: 'contains', value: 'seg-check' }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name' }, 'body.2': { tracked_link: 0 } } },
      links: ['https://shop.example/sale'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await h.api('POST', `/api/v1/broadcasts/${id}/start`)).status).toBe(200);
    await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body.counts.read === 6, 20_000, 'reads');
    // The first recipient clicks its tracked link; the second replies; the third sends STOP.
    const first = h.sim.sent(people[0]!.phone).find((m) => m.template?.name === 'weekly_offers')!;
    const link = JSON.stringify(first.request).match(/https?:\/\/127\.0\.0\.1:\d+\/r\/[A-Za-z0-9._-]+/)![0];
    const click = await h.t.app.inject({ method: 'GET', url: new URL(link).pathname });
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe('https://shop.example/sale');
    expect((await h.t.app.inject({ method: 'GET', url: new URL(link).pathname.slice(0, -2) + 'xx' })).statusCode).toBe(404);
    h.sim.inbound({ from: people[1]!.phone, text: 'Is the sale on in store too?' });
    h.sim.inbound({ from: people[2]!.phone, text: 'STOP' });
    await h.waitFor(async () => {
      const c = (await h.api('GET', `/api/v1/broadcasts/${id}`)).body.counts;
      return c.clicked === 1 && c.replied === 2 && c.opted_out === 1;
    }, 20_000, 'click, replies and opt-out to be credited');
    const count = async (interaction: string, negate = false) => {
      const cond = { broadcast: { id, interaction } };
      const res = await h.api('POST', '/api/v1/segments/preview', { rules: { all: [{ field: 'tags', op: 'contains', value: 'seg-check' }, negate ? { not: cond } : cond] } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.count as number;
    };
    expect(await count('sent')).toBe(6);
    expect(await count('read')).toBe(6);
    expect(await count('not_read')).toBe(0);
    expect(await count('clicked')).toBe(1);
    expect(await count('clicked', true)).toBe(5);
    expect(await count('opted_out')).toBe(1);
    // The STOP message itself is an inbound message within 72 h, so it counts as a reply too.
    expect(await count('replied')).toBe(2);
  });
});
