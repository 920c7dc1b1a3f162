// The inbox for a team (issue 16): canned replies with variables (CRUD, filled per conversation, an
// unknown variable refused naming it); round-robin among available agents (on, off, availability,
// two sync passes racing); the typing endpoint (WhatsApp's indicator reaches the simulator, other
// agents' streams hear a `typing` event); delivery ticks announced live from status webhooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/lib/logger.js';
import { openHandovers, syncConversations } from '../src/modules/conversations/index.js';
import { sseText } from './helpers/sse.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
const log = silentLogger();
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'inbox-team', tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } }, liveInbox: true });
  expect((await h.api('PATCH', '/api/v1/workspace', { name: 'Acme Shoes' })).status).toBe(200);
});
afterAll(async () => {
  await h?.close();
});

type Conv = { id: string; contact: { id: string; phone: string | null }; assignee_id: string | null; unread: number };
async function settle(): Promise<void> {
  await h.sim.webhooksIdle();
  await new Promise((r) => setTimeout(r, 100));
  await syncConversations({ db: h.t.db, log });
}
async function list(query = ''): Promise<Conv[]> {
  const res = await h.api('GET', `/api/v1/conversations${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}
/** Creates a user and logs them in; returns their id and a caller with their session. */
async function agent(email: string, role = 'agent', name = '') {
  const made = await h.api('POST', '/api/v1/users', { email, role, password: PASSWORD, ...(name ? { name } : {}) });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const login = await h.t.call(undefined, { method: 'POST', url: '/api/v1/auth/login', payload: { workspace: (await h.api('GET', '/api/v1/workspace')).body.slug, email, password: PASSWORD } });
  expect(login.statusCode, login.body).toBe(200);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) => {
    const res = await h.t.call(undefined, { method, url, headers: { cookie, 'x-greenlist-csrf': '1' }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };
  return { id: made.body.id as string, cookie, call };
}
/** A person writes in; returns their conversation once the sync made it. */
async function writeIn(tag: string, text = 'hello'): Promise<Conv> {
  const [p] = await h.seedContacts(1, { tag });
  h.sim.inbound({ from: p!.phone.slice(1), text });
  await h.waitFor(async () => (await settle(), (await list(`?q=${tag}`)).length === 1), 10_000, `the conversation of ${tag}`);
  return (await list(`?q=${tag}`))[0]!;
}

describe('canned replies', () => {
  it('saves, lists, changes and deletes them; an unknown variable or a taken shortcut is refused', async () => {
    const made = await h.api('POST', '/api/v1/canned-replies', { shortcut: 'hours', text: 'Hi {{first_name|there}}, {{business_name}} opens at 9. — {{ agent_name }}' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.variables).toEqual(['first_name', 'business_name', 'agent_name']);
    const bad = await h.api('POST', '/api/v1/canned-replies', { shortcut: 'bad', text: 'Hi {{firstname}}, your order {{order_id}}' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.fields[0].field).toBe('text');
    expect(bad.body.error.message).toContain('{{firstname}}, {{order_id}}');
    const taken = await h.api('POST', '/api/v1/canned-replies', { shortcut: 'HOURS', text: 'again' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('CANNED_SHORTCUT_TAKEN');
    expect((await h.api('POST', '/api/v1/canned-replies', { shortcut: 'has space', text: 'x' })).status).toBe(422);
    const other = await h.api('POST', '/api/v1/canned-replies', { shortcut: 'delivery', text: 'We deliver within 2 days.' });
    expect((await h.api('GET', '/api/v1/canned-replies')).body.data.map((c: { shortcut: string }) => c.shortcut)).toEqual(['delivery', 'hours']);
    expect((await h.api('GET', '/api/v1/canned-replies?q=deliver')).body.data.map((c: { shortcut: string }) => c.shortcut)).toEqual(['delivery']);
    expect((await h.api('PATCH', `/api/v1/canned-replies/${other.body.id}`, { text: 'Delivery in {{days}} days' })).status).toBe(422);
    const changed = await h.api('PATCH', `/api/v1/canned-replies/${other.body.id}`, { text: 'We deliver within 3 days, {{first_name}}.' });
    expect(changed.status).toBe(200);
    expect(changed.body.text).toBe('We deliver within 3 days, {{first_name}}.');
    expect((await h.api('PATCH', `/api/v1/canned-replies/${other.body.id}`, { shortcut: 'hours' })).status).toBe(409);
    expect((await h.api('DELETE', `/api/v1/canned-replies/${other.body.id}`)).body).toEqual({ deleted: true });
    expect((await h.api('GET', `/api/v1/canned-replies/${other.body.id}`)).status).toBe(404);
  });

  it('fills the variables for a conversation from the contact, the workspace and the agent', async () => {
    const conv = await writeIn('canned-fill');
    expect((await h.api('PATCH', `/api/v1/contacts/${conv.contact.id}`, { name: 'Ada Lovelace' })).status).toBe(200);
    const bea = await agent('bea@team.example', 'agent', 'Bea');
    const filled = await bea.call('GET', `/api/v1/conversations/${conv.id}/canned-replies?q=hours`);
    expect(filled.status, JSON.stringify(filled.body)).toBe(200);
    expect(filled.body.data.map((c: { rendered: string }) => c.rendered)).toEqual(['Hi Ada, Acme Shoes opens at 9. — Bea']);
    // No name: their WhatsApp profile name; an API key has no agent name: nothing (the fallbacks are in canned-rules.test.ts).
    expect((await h.api('PATCH', `/api/v1/contacts/${conv.contact.id}`, { name: null })).status).toBe(200);
    const profile = (await h.api('GET', `/api/v1/contacts/${conv.contact.id}`)).body.profile_name as string;
    const byKey = await h.api('GET', `/api/v1/conversations/${conv.id}/canned-replies`);
    expect(byKey.body.data[0].rendered).toBe(`Hi ${profile.split(' ')[0]}, Acme Shoes opens at 9. —`);
    expect((await h.api('GET', '/api/v1/conversations/00000000-0000-4000-8000-000000000009/canned-replies')).status).toBe(404);
  });
});

describe('round-robin', () => {
  it('hands new conversations to available agents in turn, only while it is on, and never twice the same turn across two racing passes', async () => {
    const [ann, ben, cat] = [await agent('ann@rr.example'), await agent('ben@rr.example'), await agent('cat@rr.example')];
    const viewer = await agent('vic@rr.example', 'viewer');
    // Off by default: nobody is assigned.
    expect((await writeIn('rr-off')).assignee_id).toBeNull();
    expect((await h.api('PATCH', '/api/v1/conversations/routing', { round_robin: true })).body.round_robin).toBe(true);
    // Availability: each agent for themselves; another user's needs users:manage; a viewer cannot be available.
    expect((await ann.call('PUT', `/api/v1/conversations/routing/agents/${ann.id}`, { available: true })).status).toBe(200);
    expect((await ann.call('PUT', `/api/v1/conversations/routing/agents/${ben.id}`, { available: true })).status).toBe(403);
    expect((await h.api('PUT', `/api/v1/conversations/routing/agents/${ben.id}`, { available: true })).status).toBe(200);
    expect((await h.api('PUT', `/api/v1/conversations/routing/agents/${viewer.id}`, { available: true })).status).toBe(422);
    expect((await ann.call('PATCH', '/api/v1/conversations/routing', { round_robin: false })).status).toBe(403);
    const routing = (await h.api('GET', '/api/v1/conversations/routing')).body;
    expect(routing.agents.filter((a: { available: boolean }) => a.available).map((a: { user_id: string }) => a.user_id).sort()).toEqual([ann.id, ben.id].sort());
    expect(routing.agents.map((a: { user_id: string }) => a.user_id)).not.toContain(viewer.id);

    // Six people write at once; two sync passes race over them (two worker processes).
    const people = await h.seedContacts(6, { tag: 'rr-burst' });
    for (const p of people) h.sim.inbound({ from: p.phone.slice(1), text: 'hi' });
    await h.sim.webhooksIdle();
    await h.waitFor(async () => {
      await Promise.all([syncConversations({ db: h.t.db, log }), syncConversations({ db: h.t.db, log })]);
      return (await list('?q=rr-burst')).length === 6;
    }, 10_000, 'six conversations');
    const got = (await list('?q=rr-burst')).map((c) => c.assignee_id);
    expect(got.filter((a) => a === ann.id)).toHaveLength(3);
    expect(got.filter((a) => a === ben.id)).toHaveLength(3);
    // A third agent becomes available: they are next (lowest turn), then the rotation goes on.
    expect((await cat.call('PUT', `/api/v1/conversations/routing/agents/${cat.id}`, { available: true })).status).toBe(200);
    expect((await writeIn('rr-next-1')).assignee_id).toBe(cat.id);
    const next2 = (await writeIn('rr-next-2')).assignee_id;
    const next3 = (await writeIn('rr-next-3')).assignee_id;
    expect(new Set([next2, next3])).toEqual(new Set([ann.id, ben.id]));
    // Unavailable agents get none; off means nobody is assigned.
    expect((await ann.call('PUT', `/api/v1/conversations/routing/agents/${ann.id}`, { available: false })).status).toBe(200);
    expect((await h.api('PUT', `/api/v1/conversations/routing/agents/${cat.id}`, { available: false })).status).toBe(200);
    expect((await writeIn('rr-only-ben')).assignee_id).toBe(ben.id);
    expect((await h.api('PATCH', '/api/v1/conversations/routing', { round_robin: false })).status).toBe(200);
    expect((await writeIn('rr-off-again')).assignee_id).toBeNull();
  }, 60_000);
});

describe('round-robin across processes', () => {
  it('two transactions creating conversations at once (hand-overs from two workers) never give the same turn twice', async () => {
    const users = (await h.api('GET', '/api/v1/conversations/routing')).body.agents as { user_id: string; email: string }[];
    const idOf = (email: string) => users.find((u) => u.email === email)!.user_id;
    const [ann, ben, cat] = [idOf('ann@rr.example'), idOf('ben@rr.example'), idOf('cat@rr.example')];
    expect((await h.api('PATCH', '/api/v1/conversations/routing', { round_robin: true })).status).toBe(200);
    for (const [id, available] of [[ann, true], [ben, true], [cat, false]] as const) expect((await h.api('PUT', `/api/v1/conversations/routing/agents/${id}`, { available })).status).toBe(200);
    for (let round = 0; round < 3; round++) {
      const [p, q] = await h.seedContacts(2, { tag: `rr-race-${round}` });
      const handOver = (contactId: string) =>
        h.t.db.transaction((tx) => openHandovers(tx, { workspaceId: h.tenant.workspaceId, numberId: h.numberId, contactIds: [contactId], note: null, now: new Date() }));
      await Promise.all([handOver(p!.id), handOver(q!.id)]);
      const got = (await list(`?q=rr-race-${round}`)).map((c) => c.assignee_id).sort();
      expect(got).toEqual([ann, ben].sort());
    }
    expect((await h.api('PATCH', '/api/v1/conversations/routing', { round_robin: false })).status).toBe(200);
  });
});

describe('typing and ticks, live', () => {
  /** Opens the workspace's event stream with `headers`; `until(pattern)` waits for it in the text so far. */
  async function stream(headers: Record<string, string>, signal: AbortSignal) {
    const res = await fetch(`${h.appUrl}/api/v1/conversations/events`, { headers, signal });
    expect(res.status).toBe(200);
    const s = sseText(res);
    expect(await s.until(/retry: 2000/, 2000)).toBe(true);
    return s;
  }

  it('an agent typing: the others hear it over the stream, the person sees WhatsApp’s typing indicator and their message is read', async () => {
    const conv = await writeIn('typing');
    const dan = await agent('dan@typing.example', 'agent', 'Dan');
    const ac = new AbortController();
    const other = await stream({ authorization: `Bearer ${h.tenant.key}` }, ac.signal);
    const stats = async () => (await h.sim.app.inject({ method: 'GET', url: '/_sim/stats' })).json() as { typing_indicators: number };
    const before = (await stats()).typing_indicators;
    // Why try/finally: an open stream left behind keeps the app from closing (the file's afterAll then times out too).
    try {
      const typed = await dan.call('POST', `/api/v1/conversations/${conv.id}/typing`);
      expect(typed.status, JSON.stringify(typed.body)).toBe(200);
      expect(typed.body).toEqual({ typing_indicator: true });
      const heard = await other.until(new RegExp(`event: typing\ndata: \\{"conversation_id":"${conv.id}","user_id":"${dan.id}","name":"Dan"\\}`), 5000);
      expect(heard, other.text()).toBe(true);
      expect((await stats()).typing_indicators).toBe(before + 1);
      expect((await h.api('GET', `/api/v1/conversations/${conv.id}`)).body.unread).toBe(0);
    } finally {
      ac.abort();
    }
  });

  it('delivery ticks: a status webhook for a reply announces its conversation', async () => {
    const conv = await writeIn('ticks');
    const ac = new AbortController();
    const s = await stream({ authorization: `Bearer ${h.tenant.key}` }, ac.signal);
    const sent = await h.api('POST', `/api/v1/conversations/${conv.id}/messages`, { type: 'text', text: 'On its way' });
    expect([201, 202]).toContain(sent.status);
    // The reply's own announcement comes first; then no pass of the worker runs until the ticks are stored.
    expect(await s.until(new RegExp(`"ids":\\["${conv.id}"\\]`), 1000)).toBe(true);
    await h.waitFor(async () => {
      const m = (await h.api('GET', `/api/v1/conversations/${conv.id}`)).body.messages.find((x: { id: string }) => x.id === sent.body.id);
      return m?.status === 'read';
    }, 10_000, 'the ticks');
    await new Promise((r) => setTimeout(r, 200));
    const mark = s.text().length;
    // The worker's pass announces the status events (sent, delivered, read) of the reply.
    await syncConversations({ db: h.t.db, log });
    expect(await s.until(new RegExp(`[\\s\\S]{${mark}}[\\s\\S]*event: conversations\ndata: \\{"ids":\\[[^\\]]*"${conv.id}"`), 1000)).toBe(true);
    expect(s.text().slice(mark)).toContain(conv.id);
    ac.abort();
  });
});
