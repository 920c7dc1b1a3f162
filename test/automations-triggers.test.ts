// Automation triggers and waits that follow what happens to a contact (issue 15): a tag added or
// removed and an attribute changed — by any writer, recorded by triggers on contacts only for keys
// an automation watches —, a wait for a customer event with a timeout branch, and a broadcast not
// read N days after its send.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/adapters/db/database.js';
import { silentLogger } from '../src/lib/logger.js';
import { runDueAutomations, scanAutomationTriggers, scanPeriodicTriggers } from '../src/modules/automations/index.js';
import { testClock } from './helpers/app.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

const clock = testClock(new Date());
let h: BroadcastHarness;
const log = silentLogger();
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'automation-triggers', clock, tier: 'TIER_UNLIMITED', settings: { broadcasts: { frequency_cap: null, quiet_hours: null } } });
});
afterAll(async () => {
  await h?.close();
});

/** One pass of the worker's automation loop on the business clock. */
async function tick(): Promise<void> {
  const deps = { db: h.t.db, now: clock.now(), log };
  await scanAutomationTriggers(deps);
  await scanPeriodicTriggers(deps);
  while ((await runDueAutomations(deps)) > 0) {
    /* until nothing is due */
  }
}
async function published(name: string, definition: Record<string, unknown>): Promise<string> {
  const res = await h.api('POST', '/api/v1/automations', { name, definition });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const pub = await h.api('POST', `/api/v1/automations/${res.body.id}/publish`);
  expect(pub.status, JSON.stringify(pub.body)).toBe(200);
  return res.body.id as string;
}
async function enrolledIds(id: string): Promise<string[]> {
  const res = await h.api('GET', `/api/v1/automations/${id}/runs`);
  return (res.body.data as { contact_id: string }[]).map((r) => r.contact_id).sort();
}
const tagsOf = async (id: string): Promise<string[]> => (await h.api('GET', `/api/v1/contacts/${id}`)).body.tags;
const changes = async (key: string) => (await queryRows<{ n: number }>(h.t.db, sql`select count(*)::int as n from contact_changes where key = ${key}`))[0]!.n;

describe('tag and attribute triggers', () => {
  it('a tag added by the API, a bulk edit or a new contact starts a run; a removal starts the "removed" one; unwatched tags are not recorded', async () => {
    const added = await published('vip added', { trigger: { type: 'tag', tag: 'vip' }, topic: 'offers', steps: [{ id: 'mark', type: 'tag', add: ['vip-welcomed'] }] });
    const removed = await published('vip removed', { trigger: { type: 'tag', tag: 'vip', change: 'removed' }, topic: 'offers', steps: [{ id: 'mark', type: 'tag', add: ['vip-lost'] }] });
    const [ann, ben, cat] = await h.seedContacts(3, { tag: 't-tag' });
    expect((await h.api('POST', '/api/v1/contacts/bulk-tag', { contact_ids: [ann!.id, ben!.id], add: ['vip', 'other'] })).status).toBe(200);
    expect((await h.api('PATCH', `/api/v1/contacts/${cat!.id}`, { tags: ['t-tag', 'vip'] })).status).toBe(200);
    const created = await h.api('POST', '/api/v1/contacts', { phone: '+2348030009911', tags: ['vip'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await tick();
    expect(await enrolledIds(added)).toEqual([ann!.id, ben!.id, cat!.id, created.body.id].sort());
    expect(await tagsOf(ann!.id)).toContain('vip-welcomed');
    expect(await changes('other')).toBe(0);
    // Adding it again (already there) is no change; removing it is.
    expect((await h.api('POST', '/api/v1/contacts/bulk-tag', { contact_ids: [ann!.id], add: ['vip'] })).status).toBe(200);
    expect((await h.api('POST', '/api/v1/contacts/bulk-tag', { contact_ids: [ben!.id], remove: ['vip'] })).status).toBe(200);
    await tick();
    expect(await enrolledIds(removed)).toEqual([ben!.id]);
    expect(await enrolledIds(added)).toHaveLength(4);
    // Archived: nobody watches the tag any more, so nothing is recorded.
    for (const id of [added, removed]) expect((await h.api('POST', `/api/v1/automations/${id}/archive`)).status).toBe(200);
    const before = await changes('vip');
    expect((await h.api('POST', '/api/v1/contacts/bulk-tag', { contact_ids: [cat!.id], remove: ['vip'] })).status).toBe(200);
    expect(await changes('vip')).toBe(before);
  });

  it('an attribute changed to a given value starts a run; other values do not', async () => {
    expect((await h.api('POST', '/api/v1/attributes', { key: 'plan', type: 'string' })).status).toBe(201);
    const bad = await h.api('POST', '/api/v1/automations', { name: 'x', definition: { trigger: { type: 'attribute', attribute: 'nope' }, topic: 'offers', steps: [{ id: 'e', type: 'end' }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toMatchObject({ path: 'definition.trigger.attribute' });
    const gold = await published('went gold', { trigger: { type: 'attribute', attribute: 'plan', equals: 'gold' }, topic: 'offers', steps: [{ id: 'mark', type: 'tag', add: ['gold-welcomed'] }] });
    const [dan, eve] = await h.seedContacts(2, { tag: 't-attr' });
    expect((await h.api('PATCH', `/api/v1/contacts/${dan!.id}`, { attributes: { plan: 'silver' } })).status).toBe(200);
    expect((await h.api('PATCH', `/api/v1/contacts/${eve!.id}`, { attributes: { plan: 'gold' } })).status).toBe(200);
    await tick();
    expect(await enrolledIds(gold)).toEqual([eve!.id]);
    expect((await h.api('PATCH', `/api/v1/contacts/${dan!.id}`, { attributes: { plan: 'gold' } })).status).toBe(200);
    await tick();
    expect(await enrolledIds(gold)).toEqual([dan!.id, eve!.id].sort());
    expect(await tagsOf(dan!.id)).toContain('gold-welcomed');
  });
});

describe('waiting for an event', () => {
  it('goes to on_event when the event comes (with its properties) and to on_timeout when it does not', async () => {
    clock.set(new Date());
    const id = await published('bought?', {
      trigger: { type: 'api' },
      topic: 'offers',
      steps: [
        { id: 'wait', type: 'wait_for_event', event: 'purchase', where: { channel: 'web' }, timeout: { days: 2 }, on_event: 'thanks', on_timeout: 'nudge' },
        { id: 'thanks', type: 'tag', add: ['bought'], next: 'done' },
        { id: 'nudge', type: 'tag', add: ['nudged'] },
        { id: 'done', type: 'end' },
      ],
    });
    const [fay, gil, hal] = await h.seedContacts(3, { tag: 't-wait' });
    const event = (contact_id: string, properties: Record<string, unknown>) => h.api('POST', '/api/v1/events', { contact_id, type: 'purchase', properties, occurred_at: new Date().toISOString() });
    const step = () => clock.set(new Date(clock.now().getTime() + 1_000));
    // A purchase before the wait began does not count.
    expect((await event(fay!.id, { channel: 'web' })).status).toBe(200);
    step();
    expect((await h.api('POST', `/api/v1/automations/${id}/enrollments`, { contact_ids: [fay!.id, gil!.id, hal!.id] })).status).toBe(200);
    await tick();
    step();
    expect((await event(gil!.id, { channel: 'web' })).status).toBe(200);
    expect((await event(hal!.id, { channel: 'shop' })).status).toBe(200);
    await tick();
    expect(await tagsOf(gil!.id)).toContain('bought');
    expect(await tagsOf(fay!.id)).not.toContain('bought');
    clock.set(new Date(clock.now().getTime() + 2 * 86_400_000 + 1_000));
    await tick();
    expect(await tagsOf(fay!.id)).toContain('nudged');
    expect(await tagsOf(hal!.id)).toContain('nudged');
    expect(await tagsOf(gil!.id)).not.toContain('nudged');
    const runs = (await h.api('GET', `/api/v1/automations/${id}/runs`)).body.data as { contact_id: string; state: string; steps: { step_id: string; outcome: string }[] }[];
    const gilRun = runs.find((r) => r.contact_id === gil!.id)!;
    expect(gilRun.state).toBe('completed');
    expect(gilRun.steps.map((s) => `${s.step_id}:${s.outcome}`)).toEqual(['wait:waited', 'wait:happened', 'thanks:done', 'done:done']);
  });
});

describe('a broadcast not read', () => {
  it('enrols, N days after the send, the recipients who neither read nor replied — once per broadcast', async () => {
    clock.set(new Date());
    h.sim.configure({ population: { readRate: 0 } });
    const people = await h.seedContacts(4, { tag: 't-unread' });
    const created = await h.api('POST', '/api/v1/broadcasts', {
      name: 'Unread test',
      audience: { rules: { field: 'tags', op: 'contains', value: 't-unread' }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'x' } } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const bid = created.body.id as string;
    const follow = await published('not read', { trigger: { type: 'broadcast_not_read', days: 3, broadcast_id: bid }, topic: 'offers', steps: [{ id: 'mark', type: 'tag', add: ['unread-followed'] }] });
    await tick(); // the first sweep starts the window
    expect((await h.api('POST', `/api/v1/broadcasts/${bid}/start`)).status).toBe(200);
    h.dispatcher();
    await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${bid}`)).body.status === 'completed', 20_000, 'completion');
    // One of them answers the broadcast: a reply is more than a read.
    h.sim.inbound({ from: people[0]!.phone.slice(1), text: 'Tell me more' });
    await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${bid}`)).body.counts.replied === 1, 20_000, 'the reply');
    clock.set(new Date(clock.now().getTime() + 2 * 86_400_000));
    await tick();
    expect(await enrolledIds(follow)).toEqual([]);
    clock.set(new Date(clock.now().getTime() + 86_400_000 + 120_000));
    await tick();
    expect(await enrolledIds(follow)).toEqual(people.slice(1).map((p) => p.id).sort());
    clock.set(new Date(clock.now().getTime() + 120_000));
    await tick();
    expect(await enrolledIds(follow)).toHaveLength(3);
  });
});

describe('test runs', () => {
  it('runs one contact through the published version again and again, never twice at once, and still checks consent', async () => {
    clock.set(new Date());
    const id = await published('tested', { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'mark', type: 'tag', add: ['tested'] }, { id: 'hold', type: 'wait', duration: { hours: 1 } }] });
    const [me] = await h.seedContacts(1, { tag: 't-test' });
    const [nobody] = await h.seedContacts(1, { tag: 't-test-none', consent: 'none' });
    const first = await h.api('POST', `/api/v1/automations/${id}/test-runs`, { phone: me!.phone });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ contact_id: me!.id, state: 'active' });
    // Still going: a second test run waits for it to end.
    expect((await h.api('POST', `/api/v1/automations/${id}/test-runs`, { contact_id: me!.id })).body.error).toMatchObject({ code: 'AUTOMATION_STATE_INVALID' });
    await tick();
    clock.set(new Date(clock.now().getTime() + 3_600_000 + 1_000));
    await tick();
    const again = await h.api('POST', `/api/v1/automations/${id}/test-runs`, { contact_id: me!.id });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.id).not.toBe(first.body.id);
    // Someone without consent for the topic: the run starts, and exits at once with the reason.
    expect((await h.api('POST', `/api/v1/automations/${id}/test-runs`, { contact_id: nobody!.id })).status).toBe(201);
    await tick();
    expect((await h.api('GET', `/api/v1/automations/${id}/runs?contact_id=${nobody!.id}`)).body.data[0]).toMatchObject({ state: 'exited', reason: 'no_consent' });
    expect((await h.api('POST', `/api/v1/automations/${id}/test-runs`, { phone: '+15550000000' })).status).toBe(404);
    expect((await h.api('POST', `/api/v1/automations/${id}/test-runs`, {})).status).toBe(422);
  });
});

describe('the trigger scan reads each inbound message once', () => {
  it('enrols from a keyword once even though the row is read again during the lag, and still enrols a row that commits late behind one already handled', async () => {
    clock.set(new Date());
    const id = await published('late keyword', { trigger: { type: 'inbound', keywords: ['LATE'] }, topic: 'offers', steps: [{ id: 'mark', type: 'tag', add: ['late-hit'] }] });
    const [ann, ben] = await h.seedContacts(2, { tag: 't-late' });
    // Past the visibility lag since publishing: the automation no longer gets every row of the lag.
    await new Promise((r) => setTimeout(r, 2_100));
    const say = (c: { id: string; phone: string }, ago: string) =>
      h.t.db.execute(sql`insert into messages (workspace_id, number_id, contact_id, wa_id, direction, type, body, sent_at, created_at)
                         values (${h.tenant.workspaceId}, ${h.numberId}, ${c.id}, ${c.phone.slice(1)}, 'in', 'text', 'late', now(), now() - ${ago}::interval)`);
    const scan = () => scanAutomationTriggers({ db: h.t.db, now: clock.now(), log });
    await say(ann!, '0 seconds');
    expect(await scan()).toBeGreaterThan(0);
    expect(await enrolledIds(id)).toEqual([ann!.id]);
    // Read again (younger than the lag), but not new: nothing to do, so the worker's loop does not spin on it.
    expect(await scan()).toBe(0);
    // A row that commits late, behind the one handled (an older creation time, still inside the lag): handled too.
    await say(ben!, '1 second');
    expect(await scan()).toBe(1);
    expect(await enrolledIds(id)).toEqual([ann!.id, ben!.id].sort());
    expect(await scan()).toBe(0);
    const [cursor] = await queryRows<{ handled: string[] }>(h.t.db, sql`select handled from automation_cursors where source = 'messages'`);
    expect(cursor!.handled.length).toBeGreaterThanOrEqual(2);
    // Once the lag has passed the cursor moves past both and forgets them.
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await scan()).toBe(0);
    const [after] = await queryRows<{ handled: string[] }>(h.t.db, sql`select handled from automation_cursors where source = 'messages'`);
    expect(after!.handled).toEqual([]);
    expect(await enrolledIds(id)).toEqual([ann!.id, ben!.id].sort());
  });
});
