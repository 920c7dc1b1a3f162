// Teams in the inbox (issue 16): CRUD and members (name unique without case, members must be users
// who may answer, 422 naming the field), assignment to a team (a user not in it is cleared), the
// `team` filter and `mine` (my teams' conversations with no user yet), round-robin inside a team,
// permissions (workspace:manage), and another workspace's team answering 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHandovers } from '../src/modules/conversations/index.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'inbox-teams', tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

type Conv = { id: string; assignee_id: string | null; team_id: string | null };
/** Creates a user and logs them in; returns their id and a caller with their session. */
async function user(email: string, role = 'agent') {
  const made = await h.api('POST', '/api/v1/users', { email, role, password: PASSWORD });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const login = await h.t.call(undefined, { method: 'POST', url: '/api/v1/auth/login', payload: { workspace: (await h.api('GET', '/api/v1/workspace')).body.slug, email, password: PASSWORD } });
  expect(login.statusCode, login.body).toBe(200);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
    const res = await h.t.call(undefined, { method, url, headers: { cookie, 'x-greenlist-csrf': '1' }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };
  return { id: made.body.id as string, call };
}
/** Conversations for `n` new people (hand-overs, so no webhook round trip); unassigned while round-robin is off. */
async function conversations(tag: string, n: number): Promise<Conv[]> {
  const people = await h.seedContacts(n, { tag });
  await h.t.db.transaction((tx) => openHandovers(tx, { workspaceId: h.tenant.workspaceId, numberId: h.numberId, contactIds: people.map((p) => p.id), note: null, now: new Date() }));
  const res = await h.api('GET', `/api/v1/conversations?q=${tag}`);
  expect(res.body.data).toHaveLength(n);
  return res.body.data;
}
const ids = (list: { id: string }[]) => list.map((c) => c.id).sort();

describe('inbox teams', () => {
  it('creates, renames, sets members and deletes teams; refuses bad input naming the field; only managers change them', async () => {
    const ann = await user('ann@teams.example');
    const vic = await user('vic@teams.example', 'viewer');
    const made = await h.api('POST', '/api/v1/inbox-teams', { name: 'Returns', user_ids: [ann.id] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ name: 'Returns', user_ids: [ann.id] });
    const taken = await h.api('POST', '/api/v1/inbox-teams', { name: 'RETURNS' });
    expect([taken.status, taken.body.error.code, taken.body.error.details.field]).toEqual([409, 'INBOX_TEAM_NAME_TAKEN', 'name']);
    const empty = await h.api('POST', '/api/v1/inbox-teams', { name: '  ' });
    expect(empty.status).toBe(422);
    expect(JSON.stringify(empty.body.error.details)).toContain('name');
    const viewer = await h.api('PUT', `/api/v1/inbox-teams/${made.body.id}/members`, { user_ids: [ann.id, vic.id] });
    expect([viewer.status, viewer.body.error.details.fields[0].field]).toEqual([422, 'user_ids.1']);
    const stranger = await h.api('PUT', `/api/v1/inbox-teams/${made.body.id}/members`, { user_ids: ['00000000-0000-4000-8000-000000000009'] });
    expect([stranger.status, stranger.body.error.details.fields[0].field]).toEqual([422, 'user_ids.0']);
    expect((await ann.call('POST', '/api/v1/inbox-teams', { name: 'Agents only' })).status).toBe(403);
    expect((await ann.call('GET', '/api/v1/inbox-teams')).body.data.map((t: { name: string }) => t.name)).toEqual(['Returns']);
    const other = await h.api('POST', '/api/v1/inbox-teams', { name: 'billing' });
    expect((await h.api('PATCH', `/api/v1/inbox-teams/${other.body.id}`, { name: 'returns' })).status).toBe(409);
    expect((await h.api('PATCH', `/api/v1/inbox-teams/${other.body.id}`, { name: 'Billing' })).body.name).toBe('Billing');
    expect((await h.api('GET', '/api/v1/inbox-teams')).body.data.map((t: { name: string }) => t.name)).toEqual(['Billing', 'Returns']);
    // Deleting a team takes it off its conversations; they keep their user.
    const [c] = await conversations('teams-delete', 1);
    expect((await h.api('POST', `/api/v1/conversations/${c!.id}/assign`, { team_id: other.body.id, assignee_id: null })).body.team_id).toBe(other.body.id);
    expect((await h.api('DELETE', `/api/v1/inbox-teams/${other.body.id}`)).body).toEqual({ deleted: true });
    expect((await h.api('GET', `/api/v1/inbox-teams/${other.body.id}`)).status).toBe(404);
    expect((await h.api('GET', `/api/v1/conversations/${c!.id}`)).body.team_id).toBeNull();
  });

  it('assigns to a team (clearing a user not in it), filters by team, and counts my teams in "mine"', async () => {
    const [bea, cal] = [await user('bea@teams.example'), await user('cal@teams.example')];
    const team = (await h.api('POST', '/api/v1/inbox-teams', { name: 'Shipping', user_ids: [bea.id] })).body;
    const [c1, c2, c3] = await conversations('teams-assign', 3);
    // A user in the team stays; one outside it is cleared.
    await h.api('POST', `/api/v1/conversations/${c1!.id}/assign`, { assignee_id: bea.id });
    await h.api('POST', `/api/v1/conversations/${c2!.id}/assign`, { assignee_id: cal.id });
    expect((await h.api('POST', `/api/v1/conversations/${c1!.id}/assign`, { team_id: team.id })).body).toMatchObject({ assignee_id: bea.id, team_id: team.id });
    expect((await h.api('POST', `/api/v1/conversations/${c2!.id}/assign`, { team_id: team.id })).body).toMatchObject({ assignee_id: null, team_id: team.id });
    // A user and a team together must match.
    const mismatch = await h.api('POST', `/api/v1/conversations/${c3!.id}/assign`, { team_id: team.id, assignee_id: cal.id });
    expect([mismatch.status, mismatch.body.error.details.fields[0].field]).toEqual([422, 'assignee_id']);
    expect((await h.api('POST', `/api/v1/conversations/${c3!.id}/assign`, {})).status).toBe(422);
    expect((await h.api('POST', `/api/v1/conversations/${c3!.id}/assign`, { team_id: '00000000-0000-4000-8000-000000000009' })).status).toBe(404);
    // The team filter; "mine" for Bea: hers, and her team's with no user; not for Cal.
    expect(ids((await h.api('GET', `/api/v1/conversations?q=teams-assign&team=${team.id}`)).body.data)).toEqual(ids([c1!, c2!]));
    expect(ids((await bea.call('GET', '/api/v1/conversations?filter=mine&q=teams-assign')).body.data)).toEqual(ids([c1!, c2!]));
    expect((await cal.call('GET', '/api/v1/conversations?filter=mine&q=teams-assign')).body.data).toEqual([]);
    // Taking the team off keeps the user.
    expect((await h.api('POST', `/api/v1/conversations/${c1!.id}/assign`, { team_id: null })).body).toMatchObject({ assignee_id: bea.id, team_id: null });
    expect((await h.api('GET', '/api/v1/conversations?team=nope')).status).toBe(422);
  });

  it("deals a team's conversations in turn among its available members only", async () => {
    const [dee, eli, fay] = [await user('dee@teams.example'), await user('eli@teams.example'), await user('fay@teams.example')];
    const team = (await h.api('POST', '/api/v1/inbox-teams', { name: 'Sales', user_ids: [dee.id, eli.id] })).body;
    const list = await conversations('teams-rr', 5);
    expect((await h.api('PATCH', '/api/v1/conversations/routing', { round_robin: true })).status).toBe(200);
    // Fay is available but not in the team: she never gets one.
    for (const u of [dee, eli, fay]) expect((await h.api('PUT', `/api/v1/conversations/routing/agents/${u.id}`, { available: true })).status).toBe(200);
    const got: (string | null)[] = [];
    for (const c of list.slice(0, 4)) got.push((await h.api('POST', `/api/v1/conversations/${c.id}/assign`, { team_id: team.id })).body.assignee_id);
    expect(got.filter((a) => a === dee.id)).toHaveLength(2);
    expect(got.filter((a) => a === eli.id)).toHaveLength(2);
    expect(got[0]).not.toBe(got[1]);
    // An unavailable member gets none; nobody available leaves it to the team.
    expect((await h.api('PUT', `/api/v1/conversations/routing/agents/${dee.id}`, { available: false })).status).toBe(200);
    expect((await h.api('POST', `/api/v1/conversations/${list[4]!.id}/assign`, { team_id: team.id })).body.assignee_id).toBe(eli.id);
    expect((await h.api('PUT', `/api/v1/conversations/routing/agents/${eli.id}`, { available: false })).status).toBe(200);
    const [last] = await conversations('teams-rr-none', 1);
    expect((await h.api('POST', `/api/v1/conversations/${last!.id}/assign`, { team_id: team.id })).body).toMatchObject({ assignee_id: null, team_id: team.id });
    expect((await h.api('PATCH', '/api/v1/conversations/routing', { round_robin: false })).status).toBe(200);
  });
});
