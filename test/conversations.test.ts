// The shared inbox (issue 16), end to end against the simulator: an inbound burst becomes one
// conversation per person with the right unread counts; filters and search; assignment and what an
// agent may see; replies inside the window, templates after it (checked against consent); read
// marks with WhatsApp's read receipt; states (a message reopens a closed conversation); notes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/lib/logger.js';
import { syncConversations } from '../src/modules/conversations/index.js';
import { runDueAutomations, scanAutomationTriggers } from '../src/modules/automations/index.js';
import { testClock } from './helpers/app.js';
import { sseText } from './helpers/sse.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

const clock = testClock(new Date());
let h: BroadcastHarness;
const log = silentLogger();
const PASSWORD = 'correct horse battery';
beforeAll(async () => {
  // No quiet hours or cap: these tests run on the real clock at any time of day (the gate's marketing rule is tested elsewhere).
  h = await createBroadcastHarness({ seed: 'conversations', clock, tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } }, liveInbox: true });
});
afterAll(async () => {
  await h?.close();
});

type Conv = { id: string; contact: { id: string; name: string | null; phone: string | null }; state: string; assignee_id: string | null; unread: number; preview: string | null; window: { open: boolean; closes_at: string | null } };
/** Lets the simulator deliver its webhooks, then runs one pass of the worker's conversation sync. */
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
const byPhone = (all: Conv[], phone: string) => all.find((c) => c.contact.phone === phone);

describe('the inbox', () => {
  it('a burst of 500 messages from 100 people gives 100 conversations with the right unread counts', async () => {
    const people = await h.seedContacts(100, { tag: 'burst' });
    for (let round = 0; round < 5; round++) for (const p of people) h.sim.inbound({ from: p.phone.slice(1), text: `message ${round} from ${p.phone}` });
    await h.waitFor(async () => {
      await settle();
      const all = await list('?limit=200&q=burst');
      return all.length === 100 && all.every((c) => c.unread === 5);
    }, 60_000, '100 conversations with 5 unread each');
    const all = await list('?limit=200&q=burst');
    // WhatsApp's timestamps are whole seconds: of messages sent in the same second, any may be "the newest".
    for (const c of all) expect(c).toMatchObject({ state: 'open', window: { open: true }, preview: expect.stringMatching(new RegExp(`^message \\d from \\${c.contact.phone}$`)) });
    // Syncing again (the same messages read twice) changes nothing.
    await settle();
    expect((await list('?limit=200&q=burst')).map((c) => c.unread)).toEqual(all.map((c) => c.unread));
  }, 90_000);

  it('searches by name, phone, tag and words, and pages with a cursor', async () => {
    const [ada] = await h.seedContacts(1, { tag: 'vip-search' });
    expect((await h.api('PATCH', `/api/v1/contacts/${ada!.id}`, { name: 'Ada Lovelace' })).status).toBe(200);
    h.sim.inbound({ from: ada!.phone.slice(1), text: 'Where is my parcel number 7731?' });
    await h.waitFor(async () => (await settle(), (await list('?q=Lovelace')).length === 1), 10_000, 'the conversation');
    for (const q of ['lovelace', ada!.phone.slice(-6), 'vip-search', 'parcel number 7731']) expect((await list(`?q=${encodeURIComponent(q)}`)).map((c) => c.contact.id)).toEqual([ada!.id]);
    const [bob] = await h.seedContacts(1, { tag: 'vip-search-2' });
    h.sim.inbound({ from: bob!.phone.slice(1), text: 'Hello' });
    await h.waitFor(async () => (await settle(), (await list('?q=vip-search-2')).length === 1), 10_000, 'a second conversation');
    const first = await h.api('GET', '/api/v1/conversations?limit=1');
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await h.api('GET', `/api/v1/conversations?limit=1&cursor=${first.body.next_cursor}`);
    expect(second.status).toBe(200);
    const ids = [...first.body.data, ...second.body.data].map((c: Conv) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await h.api('GET', '/api/v1/conversations?cursor=nope')).status).toBe(422);
    expect((await h.api('GET', '/api/v1/conversations?filter=bogus')).status).toBe(422);
  });

  it('assigns to a user; an agent sees their own and the unassigned ones, "mine" and "unassigned" filter', async () => {
    const made = await h.api('POST', '/api/v1/users', { email: 'agent@conv.example', role: 'agent', password: PASSWORD });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const other = await h.api('POST', '/api/v1/users', { email: 'other@conv.example', role: 'agent', password: PASSWORD });
    const [a, b, c] = await h.seedContacts(3, { tag: 'assign' });
    for (const p of [a, b, c]) h.sim.inbound({ from: p!.phone.slice(1), text: 'hello' });
    await h.waitFor(async () => (await settle(), (await list('?q=assign')).length === 3), 10_000, 'three conversations');
    const convs = await list('?q=assign');
    const [ca, cb] = [byPhone(convs, a!.phone)!, byPhone(convs, b!.phone)!];
    expect((await h.api('POST', `/api/v1/conversations/${ca.id}/assign`, { assignee_id: made.body.id })).body.assignee_id).toBe(made.body.id);
    expect((await h.api('POST', `/api/v1/conversations/${cb.id}/assign`, { assignee_id: other.body.id })).status).toBe(200);
    expect((await h.api('POST', `/api/v1/conversations/${cb.id}/assign`, { assignee_id: '00000000-0000-4000-8000-000000000001' })).status).toBe(404);
    const login = await h.t.call(undefined, { method: 'POST', url: '/api/v1/auth/login', payload: { workspace: (await h.api('GET', '/api/v1/workspace')).body.slug, email: 'agent@conv.example', password: PASSWORD } });
    expect(login.statusCode, login.body).toBe(200);
    const headers = { cookie: String(login.headers['set-cookie']).split(';')[0]!, 'x-greenlist-csrf': '1' };
    const asAgent = async (url: string) => (await h.t.call(undefined, { method: 'GET', url, headers })).json();
    const seen = (await asAgent('/api/v1/conversations?q=assign')).data.map((x: Conv) => x.id);
    expect(seen).toContain(ca.id);
    expect(seen).not.toContain(cb.id);
    expect(seen).toHaveLength(2);
    expect((await asAgent('/api/v1/conversations?filter=mine')).data.map((x: Conv) => x.id)).toEqual([ca.id]);
    expect((await h.t.call(undefined, { method: 'GET', url: `/api/v1/conversations/${cb.id}`, headers })).statusCode).toBe(404);
    expect((await list('?q=assign&filter=unassigned')).map((x) => x.contact.phone)).toEqual([c!.phone]);
  });

  it('replies inside the window, marks read with a receipt, and after the window offers only templates checked against consent', async () => {
    clock.set(new Date());
    const [dee] = await h.seedContacts(1, { tag: 'reply' });
    const [eve] = await h.seedContacts(1, { tag: 'reply-none', consent: 'none' });
    for (const p of [dee, eve]) h.sim.inbound({ from: p!.phone.slice(1), text: 'Is the shop open on Sunday?' });
    await h.waitFor(async () => (await settle(), (await list('?q=Sunday')).length === 2), 10_000, 'the conversations');
    const conv = byPhone(await list('?q=Sunday'), dee!.phone)!;
    expect(conv.unread).toBe(1);
    clock.set(new Date());
    const sent = await h.api('POST', `/api/v1/conversations/${conv.id}/messages`, { type: 'text', text: 'Yes, 10:00 to 16:00.' });
    expect([201, 202], JSON.stringify(sent.body)).toContain(sent.status);
    expect(h.sim.sent(dee!.phone.slice(1)).map((m) => (m.request as { text?: { body?: string } }).text?.body)).toContain('Yes, 10:00 to 16:00.');
    const marked = async () => ((await h.sim.app.inject({ method: 'GET', url: '/_sim/stats' })).json() as { marked_read: number }).marked_read;
    const before = await marked();
    const read = await h.api('POST', `/api/v1/conversations/${conv.id}/read`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(await marked()).toBe(before + 1);
    expect((await h.api('POST', `/api/v1/conversations/${conv.id}/read`)).status).toBe(200);
    expect(await marked()).toBe(before + 1); // nothing new to mark: no second receipt
    expect(read.body.unread).toBe(0);
    expect(read.body.preview).toBe('Yes, 10:00 to 16:00.');
    expect(read.body.messages.map((m: { source: string; body: string | null }) => `${m.source}:${m.body}`)).toEqual(['person:Is the shop open on Sunday?', 'api:Yes, 10:00 to 16:00.']); // sent with an API key (a signed-in user's reply says "agent")
    // A day later the window is closed: free-form text is refused, a template goes if the person agreed to its topic.
    clock.set(new Date(clock.now().getTime() + 25 * 3_600_000));
    const late = await h.api('POST', `/api/v1/conversations/${conv.id}/messages`, { type: 'text', text: 'Still there?' });
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe('WINDOW_CLOSED');
    expect((await h.api('GET', `/api/v1/conversations/${conv.id}`)).body.window.open).toBe(false);
    const offer = { type: 'template', template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'Sunday hours' } } }, topic: 'offers' };
    const tpl = await h.api('POST', `/api/v1/conversations/${conv.id}/messages`, offer);
    expect([201, 202], JSON.stringify(tpl.body)).toContain(tpl.status);
    expect(h.sim.sent(dee!.phone.slice(1)).some((m) => m.template?.name === 'weekly_offers')).toBe(true);
    const noConsent = byPhone(await list('?q=Sunday'), eve!.phone)!;
    const refused = await h.api('POST', `/api/v1/conversations/${noConsent.id}/messages`, offer);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONSENT_REQUIRED');
    expect(h.sim.sent(eve!.phone.slice(1)).some((m) => m.template?.name === 'weekly_offers')).toBe(false);
    clock.set(new Date());
  });

  it('closes and reopens on the next message; notes stay internal', async () => {
    clock.set(new Date());
    const [fin] = await h.seedContacts(1, { tag: 'states' });
    h.sim.inbound({ from: fin!.phone.slice(1), text: 'Thanks, all good' });
    await h.waitFor(async () => (await settle(), (await list('?q=states')).length === 1), 10_000, 'the conversation');
    const [conv] = await list('?q=states');
    const noted = await h.api('POST', `/api/v1/conversations/${conv!.id}/notes`, { text: 'Regular customer, prefers mornings' });
    expect(noted.status, JSON.stringify(noted.body)).toBe(201);
    expect(noted.body.notes.map((n: { text: string }) => n.text)).toEqual(['Regular customer, prefers mornings']);
    expect(h.sim.sent(fin!.phone.slice(1))).toHaveLength(0);
    expect((await h.api('POST', `/api/v1/conversations/${conv!.id}/notes`, { text: '   ' })).status).toBe(422);
    clock.set(new Date());
    expect((await h.api('POST', `/api/v1/conversations/${conv!.id}/state`, { state: 'closed' })).body.state).toBe('closed');
    expect((await list('?q=states&filter=closed')).map((c) => c.id)).toEqual([conv!.id]);
    await new Promise((r) => setTimeout(r, 1100)); // WhatsApp timestamps are whole seconds
    h.sim.inbound({ from: fin!.phone.slice(1), text: 'One more question' });
    await h.waitFor(async () => (await settle(), (await list('?q=states'))[0]!.state === 'open'), 10_000, 'reopened');
    expect((await h.api('GET', '/api/v1/conversations/00000000-0000-4000-8000-000000000009')).status).toBe(404);
    expect((await h.api('GET', '/api/v1/conversations/not-a-uuid')).status).toBe(404);
  });
});

describe('an idle inbox', () => {
  it('reads nothing once the last message has settled (its cursor keeps created_at to the microsecond)', async () => {
    clock.set(new Date());
    const [kim] = await h.seedContacts(1, { tag: 'idle' });
    h.sim.inbound({ from: kim!.phone.slice(1), text: 'Just once' });
    await h.waitFor(async () => (await settle(), (await list('?q=idle')).length === 1), 10_000, 'the conversation');
    await new Promise((r) => setTimeout(r, 2_300));
    await syncConversations({ db: h.t.db, log });
    // Why this matters: a pass that reads a row counts as work, so a cursor that lost microseconds kept the loop busy for ever.
    expect(await syncConversations({ db: h.t.db, log })).toBe(0);
  });
});

describe('hand-over from a bot', () => {
  it('a keyword bot hands the person over: the conversation opens with the note, bots stay quiet until it is closed', async () => {
    clock.set(new Date());
    const created = await h.api('POST', '/api/v1/automations', {
      name: 'talk to a person',
      definition: {
        trigger: { type: 'inbound', keywords: ['AGENT'] },
        topic: 'offers',
        reentry_days: 0,
        steps: [{ id: 'say', type: 'send_message', text: 'Connecting you with our team.' }, { id: 'over', type: 'hand_over', note: 'asked for a person' }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await h.api('POST', `/api/v1/automations/${id}/publish`)).status).toBe(200);
    const [gus] = await h.seedContacts(1, { tag: 'handover' });
    const runsOf = async () => (await h.api('GET', `/api/v1/automations/${id}/runs`)).body.data as { state: string }[];
    const pass = async () => {
      await settle();
      const deps = { db: h.t.db, now: clock.now(), log };
      await scanAutomationTriggers(deps);
      while ((await runDueAutomations(deps)) > 0) {
        /* until nothing is due */
      }
    };
    h.sim.inbound({ from: gus!.phone.slice(1), text: 'agent' });
    await h.waitFor(async () => (await pass(), (await runsOf()).some((r) => r.state === 'completed')), 10_000, 'the bot run');
    const [conv] = await list('?q=handover');
    const detail = (await h.api('GET', `/api/v1/conversations/${conv!.id}`)).body;
    expect(detail).toMatchObject({ state: 'open', assignee_id: null });
    expect(detail.notes.map((n: { text: string }) => n.text)).toEqual(['asked for a person']);
    // While an agent has it, the keyword starts nothing.
    h.sim.inbound({ from: gus!.phone.slice(1), text: 'AGENT' });
    await h.waitFor(async () => (await pass(), (await list('?q=handover'))[0]!.unread === 2), 10_000, 'the second message');
    await pass();
    expect(await runsOf()).toHaveLength(1);
    expect((await h.api('POST', `/api/v1/conversations/${conv!.id}/state`, { state: 'closed' })).status).toBe(200);
    clock.set(new Date(clock.now().getTime() + 2_000));
    h.sim.inbound({ from: gus!.phone.slice(1), text: 'AGENT' });
    await h.waitFor(async () => (await pass(), (await runsOf()).length === 2), 10_000, 'a new bot run after closing');
  });
});

describe('live updates', () => {
  it('streams the changed conversation ids to the workspace over Server-Sent Events within a second of the sync', async () => {
    clock.set(new Date());
    const [ivy] = await h.seedContacts(1, { tag: 'live' });
    const ac = new AbortController();
    const res = await fetch(`${h.appUrl}/api/v1/conversations/events`, { headers: { authorization: `Bearer ${h.tenant.key}` }, signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const sse = sseText(res);
    const until = (pattern: RegExp, ms: number) => sse.until(pattern, ms);
    expect(await until(/retry: 2000/, 2000)).toBe(true);
    h.sim.inbound({ from: ivy!.phone.slice(1), text: 'Are you there?' });
    await h.waitFor(async () => (await settle(), (await list('?q=live')).length === 1), 10_000, 'the conversation');
    const [conv] = await list('?q=live');
    expect(await until(new RegExp(`event: conversations\ndata: \\{"ids":\\[[^\\]]*"${conv!.id}"`), 1000)).toBe(true);
    // Another workspace's stream hears nothing of it.
    const other = await h.t.tenant(`live-other-${Date.now()}`);
    const theirs = await fetch(`${h.appUrl}/api/v1/conversations/events`, { headers: { authorization: `Bearer ${other.key}` }, signal: ac.signal });
    const theirReader = theirs.body!.getReader();
    let theirText = '';
    expect((await h.api('POST', `/api/v1/conversations/${conv!.id}/state`, { state: 'pending' })).status).toBe(200);
    expect(await until(/"ids":\[[^\]]*\][\s\S]*"ids":\[/, 1000)).toBe(true);
    const chunk = await Promise.race([theirReader.read(), new Promise<null>((r) => setTimeout(() => r(null), 500))]);
    if (chunk && !chunk.done) theirText += new TextDecoder().decode(chunk.value);
    expect(theirText).not.toContain(conv!.id);
    ac.abort();
  });
});
