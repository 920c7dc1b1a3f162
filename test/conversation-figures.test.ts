// Agent figures (issue 16) on a controlled clock: the person's messages carry chosen WhatsApp
// timestamps, agents reply and close at chosen clock times, so first response and resolution times
// are known to the second; days are counted in the workspace's time zone; agents see only their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/lib/logger.js';
import { syncConversations } from '../src/modules/conversations/index.js';
import { testClock } from './helpers/app.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

const ZONE = 'Asia/Kolkata';
const clock = testClock(new Date());
const log = silentLogger();
const PASSWORD = 'correct horse battery';
let h: BroadcastHarness;
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'figures', clock, tier: 'TIER_UNLIMITED', settings: { timezone: ZONE, broadcasts: { quiet_hours: null, frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

const dayIn = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
type Conv = { id: string; contact: { phone: string | null }; state: string };
type Figures = { agent_id: string | null; agent_name: string | null; handled: number; replies: number; first_responses: number; first_response_avg_s: number | null; first_response_p50_s: number | null; resolved: number; resolution_avg_s: number | null; resolution_p50_s: number | null };

async function settle(): Promise<void> {
  await h.sim.webhooksIdle();
  await new Promise((r) => setTimeout(r, 100));
  await syncConversations({ db: h.t.db, log });
}

/** A signed-in user (session cookie), to call the API as that person. */
async function signIn(email: string, name: string, role: string) {
  const made = await h.api('POST', '/api/v1/users', { email, name, role, password: PASSWORD });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const slug = (await h.api('GET', '/api/v1/workspace')).body.slug;
  const login = await h.t.call(undefined, { method: 'POST', url: '/api/v1/auth/login', payload: { workspace: slug, email, password: PASSWORD } });
  expect(login.statusCode, login.body).toBe(200);
  const headers = { cookie: String(login.headers['set-cookie']).split(';')[0]!, 'x-greenlist-csrf': '1' };
  const call = async (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) => {
    const res = await h.t.call(undefined, { method, url, headers, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json() };
  };
  return { id: made.body.id as string, call };
}

describe('agent figures', () => {
  it('first response and resolution times per agent and per day, from known timings', async () => {
    // T0: an hour ago on a whole second, moved back while the next ten minutes would cross midnight in the zone.
    let t0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    while (dayIn(t0) !== dayIn(t0 + 600_000)) t0 -= 3_600_000;
    const at = (s: number) => new Date(t0 + s * 1000);
    const ann = await signIn('ann@figures.example', 'Ann Agent', 'agent');
    const ben = await signIn('ben@figures.example', 'Ben Agent', 'agent');
    const [pa, pb] = await h.seedContacts(2, { tag: 'figures' });
    // A writes at T0 and again at T0+20 s (the first unanswered message stays T0); B writes at T0+60 s.
    h.sim.inbound({ from: pa!.phone.slice(1), text: 'Hello?', timestamp: t0 / 1000 });
    h.sim.inbound({ from: pa!.phone.slice(1), text: 'Anyone there?', timestamp: t0 / 1000 + 20 });
    h.sim.inbound({ from: pb!.phone.slice(1), text: 'My order is late', timestamp: t0 / 1000 + 60 });
    let convs: Conv[] = [];
    await h.waitFor(async () => (await settle(), (convs = (await h.api('GET', '/api/v1/conversations?q=figures')).body.data).length === 2), 10_000, 'two conversations');
    const ca = convs.find((c) => c.contact.phone === pa!.phone)!;
    const cb = convs.find((c) => c.contact.phone === pb!.phone)!;
    expect((await h.api('POST', `/api/v1/conversations/${ca.id}/assign`, { assignee_id: ann.id })).status).toBe(200);
    expect((await h.api('POST', `/api/v1/conversations/${cb.id}/assign`, { assignee_id: ben.id })).status).toBe(200);
    const reply = async (as: typeof ann, id: string, s: number, text: string) => {
      clock.set(at(s));
      const res = await as.call('POST', `/api/v1/conversations/${id}/messages`, { type: 'text', text });
      expect([201, 202], JSON.stringify(res.body)).toContain(res.status);
    };
    const close = async (as: typeof ann, id: string, s: number) => {
      clock.set(at(s));
      expect((await as.call('POST', `/api/v1/conversations/${id}/state`, { state: 'closed' })).status).toBe(200);
    };
    await reply(ann, ca.id, 90, 'Hi, looking now'); // first response 90 s
    await reply(ann, ca.id, 100, 'Found it'); // a reply, not a first response
    await reply(ben, cb.id, 105, 'Sorry, checking'); // first response 45 s
    await close(ann, ca.id, 300); // resolution 300 s (opened at T0)
    // A writes again after the close: a new opening at T0+400 s, answered at T0+460 s.
    h.sim.inbound({ from: pa!.phone.slice(1), text: 'One more thing', timestamp: t0 / 1000 + 400 });
    await h.waitFor(async () => (await settle(), (await h.api('GET', `/api/v1/conversations/${ca.id}`)).body.state === 'open'), 10_000, 'reopened');
    await reply(ann, ca.id, 460, 'Sure'); // first response 60 s
    // Two days later (past any session, so with the API key): resolution 2 days − 60 s, counted on that day and for the assignee.
    clock.set(at(2 * 86_400));
    expect((await h.api('POST', `/api/v1/conversations/${cb.id}/state`, { state: 'closed' })).status).toBe(200);
    clock.set(at(2 * 86_400 + 60));

    const from = dayIn(t0);
    const to = dayIn(t0 + 2 * 86_400_000);
    const res = await h.api('GET', `/api/v1/conversations/figures?from=${from}&to=${to}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ timezone: ZONE, from, to });
    const byAgent = (rows: Figures[], id: string) => rows.filter((r) => r.agent_id === id);
    expect(byAgent(res.body.agents, ann.id)).toEqual([
      { agent_id: ann.id, agent_name: 'Ann Agent', handled: 1, replies: 3, first_responses: 2, first_response_avg_s: 75, first_response_p50_s: 75, resolved: 1, resolution_avg_s: 300, resolution_p50_s: 300 },
    ]);
    expect(byAgent(res.body.agents, ben.id)).toEqual([
      { agent_id: ben.id, agent_name: 'Ben Agent', handled: 1, replies: 1, first_responses: 1, first_response_avg_s: 45, first_response_p50_s: 45, resolved: 1, resolution_avg_s: 2 * 86_400 - 60, resolution_p50_s: 2 * 86_400 - 60 },
    ]);
    expect(res.body.agents).toHaveLength(2);
    // Per day: Ann's all on the first day; Ben's reply on the first day and the close two days later.
    const days = (id: string) => (res.body.days as (Figures & { day: string })[]).filter((d) => d.agent_id === id).map((d) => [d.day, d.handled, d.replies, d.first_responses, d.resolved]);
    expect(days(ann.id)).toEqual([[from, 1, 3, 2, 1]]);
    expect(days(ben.id)).toEqual([
      [from, 1, 1, 1, 0],
      [to, 1, 0, 0, 1],
    ]);
    // One day only, one agent only.
    const last = await h.api('GET', `/api/v1/conversations/figures?from=${to}&to=${to}&agent=${ben.id}`);
    expect(last.body.agents).toEqual([expect.objectContaining({ agent_id: ben.id, replies: 0, resolved: 1, first_response_avg_s: null })]);
    // Defaults: the last 7 days up to today (clock) in the zone.
    const recent = await h.api('GET', '/api/v1/conversations/figures');
    expect(recent.body).toMatchObject({ to: dayIn(clock.now().getTime()) });
    // An agent sees only their own figures, whatever they ask for (back to a time their session is valid).
    clock.set(at(600));
    const own = await ann.call('GET', `/api/v1/conversations/figures?from=${from}&to=${to}&agent=${ben.id}`);
    expect(own.status).toBe(200);
    expect(own.body.agents.map((a: Figures) => a.agent_id)).toEqual([ann.id]);
    // Another workspace sees none of it.
    const other = await h.t.tenant(`figures-other-${Date.now()}`);
    const theirs = await h.t.call(other.key, { method: 'GET', url: `/api/v1/conversations/figures?from=${from}&to=${to}` });
    expect(theirs.json()).toMatchObject({ agents: [], days: [] });
  });

  it('refuses a bad period with 422 naming the field', async () => {
    const cases: [string, string][] = [
      ['?from=2026-12-05&to=2026-12-01', 'querystring.from'],
      ['?from=2026-13-01', 'querystring.from'],
      ['?from=2024-01-01&to=2026-01-01', 'querystring.to'],
      ['?agent=nope', 'querystring.agent'],
    ];
    for (const [query, field] of cases) {
      const res = await h.api('GET', `/api/v1/conversations/figures${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.fields[0].field, query).toBe(field);
    }
  });
});
