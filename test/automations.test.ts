// Automations end to end (issue 15) on a controllable business clock: the definition checks, API
// enrolment with an Idempotency-Key, template sends through the send gate and the outbox to the
// simulator, durable waits, a STOP in the middle, versions, event triggers and goals, quiet hours,
// and two engines never running a step twice.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/adapters/db/database.js';
import { silentLogger } from '../src/lib/logger.js';
import { runDueAutomations, scanAutomationTriggers, scanPeriodicTriggers } from '../src/modules/automations/index.js';
import { sendQueuedAutomated } from '../src/modules/messaging/index.js';
import { testClock } from './helpers/app.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

const clock = testClock(new Date('2026-12-01T12:00:00Z')); // 13:00 in Lagos, where seeded contacts live
let h: BroadcastHarness;
const log = silentLogger();
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'automations', clock, tier: 'TIER_UNLIMITED', settings: { broadcasts: { frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

const setClock = (iso: string) => clock.set(new Date(iso));
/** One pass of everything a worker does for automations: triggers, due steps, then the outbox. */
async function tick(): Promise<void> {
  const deps = { db: h.t.db, now: clock.now(), log };
  await scanAutomationTriggers(deps);
  await scanPeriodicTriggers(deps);
  while ((await runDueAutomations(deps)) > 0) {
    /* until nothing is due */
  }
  await sendQueuedAutomated({ ...deps, box: h.t.wiring.box, gateway: h.t.wiring.gateway });
}
/** What a person read: the text of a free-form or button message, or the template's name. */
const textOf = (m: { request: Record<string, any>; template?: { name: string } }): string => m.request.text?.body ?? m.request.interactive?.body?.text ?? `template:${m.template?.name}`; // eslint-disable-line @typescript-eslint/no-explicit-any
/** A zone where it is now between 10:00 and 17:00, for tests on the real clock (quiet hours are 21:00–08:00). */
const ZONES = ['Pacific/Auckland', 'Asia/Tokyo', 'Asia/Kolkata', 'Asia/Dubai', 'Europe/London', 'America/Sao_Paulo', 'America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu'];
const hourIn = (zone: string) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
function daytimeZone(): string {
  return ZONES.find((z) => hourIn(z) >= 10 && hourIn(z) < 17) ?? 'UTC';
}
/** A zone where it is now the middle of the night (inside the default quiet hours). */
function nightZone(): string {
  return ZONES.find((z) => hourIn(z) >= 0 && hourIn(z) < 5) ?? ZONES.find((z) => hourIn(z) >= 22)!;
}
const sent = (phone: string, template: string) => h.sim.sent(phone).filter((m) => m.template?.name === template).length;
const offer = { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'new season' } } };

async function create(name: string, definition: Record<string, unknown>): Promise<string> {
  const res = await h.api('POST', '/api/v1/automations', { name, definition });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}
async function publish(id: string): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await h.api('POST', `/api/v1/automations/${id}/publish`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
async function runs(id: string): Promise<Record<string, any>[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await h.api('GET', `/api/v1/automations/${id}/runs`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}
async function enrol(id: string, body: Record<string, unknown>, key?: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await h.t.app.inject({ method: 'POST', url: `/api/v1/automations/${id}/enrollments`, headers: { authorization: `Bearer ${h.tenant.key}`, ...(key ? { 'idempotency-key': key } : {}) }, payload: body });
  return { status: res.statusCode, body: res.json() };
}

describe('automation definitions', () => {
  it('refuses bad definitions with 422 AUTOMATION_INVALID naming each path', async () => {
    const bad = async (definition: Record<string, unknown>) => (await h.api('POST', '/api/v1/automations', { name: 'bad', definition })).body.error;
    const base = { trigger: { type: 'api' }, topic: 'offers' };
    expect(await bad({ ...base, steps: [{ id: 'a', type: 'send_template', template: { name: 'nope', language: 'en_US' } }] })).toMatchObject({ code: 'AUTOMATION_INVALID', details: { path: 'definition.steps[0].template.name' } });
    expect(await bad({ ...base, steps: [{ id: 'a', type: 'send_template', template: offer }, { id: 'b', type: 'tag', add: ['x'], next: 'a' }] })).toMatchObject({ details: { path: 'definition.steps[0]', problem: expect.stringContaining('without a wait') } });
    expect(await bad({ ...base, steps: [{ id: 'a', type: 'end' }, { id: 'b', type: 'tag', add: ['x'] }] })).toMatchObject({ details: { path: 'definition.steps[1]', problem: expect.stringContaining('never be reached') } });
    expect(await bad({ ...base, steps: [{ id: 'a', type: 'tag', add: ['x'], next: 'zz' }] })).toMatchObject({ details: { path: 'definition.steps[0].next' } });
    expect(await bad({ ...base, steps: [{ id: 'a', type: 'send_template', template: { ...offer, variables: {} } }] })).toMatchObject({ details: { path: 'definition.steps[0].template.variables["body.1"]' } });
    expect(await bad({ ...base, topic: 'updates', steps: [{ id: 'a', type: 'send_template', template: offer }] })).toMatchObject({ details: { problem: expect.stringContaining('MARKETING template') } });
    expect(await bad({ ...base, steps: [{ id: 'a', type: 'branch', rules: { field: 'nope', op: 'eq', value: 1 }, then: 'b', else: 'b' }, { id: 'b', type: 'end' }] })).toMatchObject({ code: 'AUTOMATION_INVALID', details: { path: expect.stringMatching(/^definition\.steps\[0\]\.rules/) } });
    // Enrolling before publishing is refused.
    const id = await create('draft only', { ...base, steps: [{ id: 'a', type: 'end' }] });
    expect((await enrol(id, { contact_ids: [crypto.randomUUID()] })).body.error.code).toBe('AUTOMATION_STATE_INVALID');
  });
});

describe('running automations', () => {
  it('welcome → wait 2 days → attribute → branch → follow-up; STOP in the middle ends the run; waiting runs keep their version', async () => {
    setClock('2026-12-01T12:00:00Z');
    const people = await h.seedContacts(4, { tag: 'a-series' });
    const [ana, ben, cy, dee] = people;
    expect((await h.api('POST', '/api/v1/attributes', { key: 'series', type: 'string' })).status).toBe(201);
    await h.t.db.execute(sql`update contacts set tags = array['a-series', 'vip'] where id = ${ana!.id}`);
    const id = await create('welcome series', {
      trigger: { type: 'api' },
      topic: 'offers',
      steps: [
        { id: 'welcome', type: 'send_template', template: offer },
        { id: 'pause', type: 'wait', duration: { days: 2 } },
        { id: 'mark', type: 'set_attribute', key: 'series', value: 'done' },
        { id: 'vip', type: 'branch', rules: { field: 'tags', op: 'contains', value: 'vip' }, then: 'thanks', else: 'end' },
        { id: 'thanks', type: 'send_template', template: { name: 'service_update', language: 'en_US' } },
        { id: 'end', type: 'end' },
      ],
    });
    expect((await publish(id)).version).toBe(1);
    const body = { contact_ids: [ana!.id, ben!.id, cy!.id, crypto.randomUUID()] };
    const first = await enrol(id, body, 'enrol-series-1');
    expect(first).toMatchObject({ status: 200, body: { enrolled: 3, skipped: 0, unknown: 1 } });
    // A retry with the same key replays; a new key enrols nobody twice.
    expect((await enrol(id, body, 'enrol-series-1')).body).toEqual(first.body);
    expect((await enrol(id, { phones: [ana!.phone, dee!.phone] }, 'enrol-series-2')).body).toMatchObject({ enrolled: 1, skipped: 1, unknown: 0 });

    await tick();
    for (const p of people) expect(sent(p.phone, 'weekly_offers'), p.phone).toBe(1);
    const waiting = await runs(id);
    expect(waiting.map((r) => r.state)).toEqual(['waiting', 'waiting', 'waiting', 'waiting']);
    expect(waiting[0]).toMatchObject({ step_id: 'mark', due_at: '2026-12-03T12:00:00.000Z', version: 1, steps: [{ step_id: 'welcome', outcome: 'sent' }, { step_id: 'pause', outcome: 'waited' }] });

    // A new version while they wait: they stay on version 1 (v2 would send a second offer at once).
    const edit = await h.api('PATCH', `/api/v1/automations/${id}`, { definition: { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'other', type: 'send_template', template: offer }] } });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect((await publish(id)).version).toBe(2);

    // Ben says STOP while he waits.
    h.sim.inbound({ from: ben!.phone.slice(1), text: 'STOP' });
    await h.waitFor(async () => (await queryRows<{ n: number }>(h.t.db, sql`select count(*)::int as n from consent_events where contact_id = ${ben!.id} and action = 'withdraw'`))[0]!.n > 0, 10_000, "Ben's STOP");

    setClock('2026-12-02T12:00:00Z');
    await tick();
    expect(people.map((p) => sent(p.phone, 'service_update'))).toEqual([0, 0, 0, 0]);
    // His run ends at once (the trigger scan reads the withdrawal), not when his wait is over.
    expect((await runs(id)).find((r) => r.contact_id === ben!.id)).toMatchObject({ state: 'exited', reason: 'consent_withdrawn', step_id: null });
    setClock('2026-12-03T12:00:01Z');
    await tick();
    // Only Ana is a VIP: she gets the follow-up; everyone still subscribed got the attribute.
    expect(people.map((p) => sent(p.phone, 'service_update'))).toEqual([1, 0, 0, 0]);
    expect(people.map((p) => sent(p.phone, 'weekly_offers'))).toEqual([1, 1, 1, 1]);
    const done = new Map((await runs(id)).map((r) => [r.contact_id, r]));
    expect(done.get(ana!.id)).toMatchObject({ state: 'completed', version: 1 });
    expect(done.get(cy!.id)).toMatchObject({ state: 'completed', version: 1 });
    expect(done.get(ben!.id)).toMatchObject({ state: 'exited', version: 1 });
    const series = async (c: { id: string }) => (await queryRows<{ s: string | null }>(h.t.db, sql`select attributes->>'series' as s from contacts where id = ${c.id}`))[0]!.s;
    expect([await series(ana!), await series(cy!), await series(ben!)]).toEqual(['done', 'done', null]);
    // Counts per state on the automation.
    expect((await h.api('GET', `/api/v1/automations/${id}`)).body.counts).toMatchObject({ enrolled: 4, completed: 3, exited: 1 });
  });

  it('a STOP before a send exits the run with the reason and sends nothing more', async () => {
    setClock('2026-12-05T12:00:00Z');
    const [eve] = await h.seedContacts(1, { tag: 'a-stop' });
    const id = await create('two offers', {
      trigger: { type: 'api' },
      topic: 'offers',
      steps: [{ id: 'one', type: 'send_template', template: offer }, { id: 'w', type: 'wait', duration: { hours: 6 } }, { id: 'two', type: 'send_template', template: offer }],
    });
    await publish(id);
    await enrol(id, { contact_ids: [eve!.id] });
    await tick();
    expect(sent(eve!.phone, 'weekly_offers')).toBe(1);
    h.sim.inbound({ from: eve!.phone.slice(1), text: 'STOP' });
    await h.waitFor(async () => (await queryRows<{ n: number }>(h.t.db, sql`select count(*)::int as n from consent_events where contact_id = ${eve!.id} and action = 'withdraw'`))[0]!.n > 0, 10_000, "Eve's STOP");
    setClock('2026-12-05T18:00:01Z');
    await tick();
    expect(sent(eve!.phone, 'weekly_offers')).toBe(1);
    const [run] = await runs(id);
    expect(run).toMatchObject({ state: 'exited', reason: 'consent_withdrawn', step_id: null });
    // It ended while waiting: step "two" never ran.
    expect(run!.steps.map((x: { step_id: string; outcome: string }) => `${x.step_id}:${x.outcome}`)).toEqual(['one:sent', 'w:waited']);
  });

  it('quiet hours defer a marketing step to 08:00 local and never drop it', async () => {
    setClock('2026-12-06T21:30:00Z'); // 22:30 in Lagos
    const [fay] = await h.seedContacts(1, { tag: 'a-quiet' });
    const id = await create('late offer', { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'one', type: 'send_template', template: offer }] });
    await publish(id);
    await enrol(id, { contact_ids: [fay!.id] });
    await tick();
    expect(sent(fay!.phone, 'weekly_offers')).toBe(0);
    expect((await runs(id))[0]).toMatchObject({ state: 'waiting', step_id: 'one', due_at: '2026-12-07T07:00:00.000Z', reason: 'deferred: quiet hours' });
    setClock('2026-12-07T07:00:01Z');
    await tick();
    expect(sent(fay!.phone, 'weekly_offers')).toBe(1);
    expect((await runs(id))[0]).toMatchObject({ state: 'completed' });
  });

  it('an event triggers a run (with property filters); its goal event converts it before the next send', async () => {
    setClock(new Date().toISOString()); // event times are the database's; the business clock follows it here
    const [gus, hal] = await h.seedContacts(2, { tag: 'a-cart', timezone: daytimeZone() });
    const id = await create('cart', {
      trigger: { type: 'event', event: 'cart_abandoned', where: { channel: 'web' } },
      topic: 'offers',
      goal: { event: 'purchase' },
      steps: [{ id: 'nudge', type: 'send_template', template: offer }, { id: 'w', type: 'wait', duration: { days: 1 } }, { id: 'again', type: 'send_template', template: offer }],
    });
    await publish(id);
    const event = (contact_id: string, type: string, properties: Record<string, unknown>) => h.api('POST', '/api/v1/events', { contact_id, type, properties, occurred_at: new Date().toISOString() });
    expect((await event(gus!.id, 'cart_abandoned', { channel: 'web' })).status).toBe(200);
    expect((await event(hal!.id, 'cart_abandoned', { channel: 'shop' })).status).toBe(200);
    await tick();
    await tick(); // a second scan reads the same rows again (visibility lag) and enrols nobody twice
    expect(sent(gus!.phone, 'weekly_offers')).toBe(1);
    expect(sent(hal!.phone, 'weekly_offers')).toBe(0);
    expect(await runs(id)).toHaveLength(1);
    expect((await event(gus!.id, 'purchase', { total: 10 })).status).toBe(200);
    await tick();
    clock.set(new Date(clock.now().getTime() + 86_400_000 + 1_000));
    await tick();
    expect(sent(gus!.phone, 'weekly_offers')).toBe(1);
    expect((await runs(id))[0]).toMatchObject({ state: 'converted', reason: 'goal: purchase' });
  });

  it('two engines claiming at once never run a step twice', async () => {
    setClock('2026-12-10T12:00:00Z');
    const crowd = await h.seedContacts(40, { tag: 'a-race' });
    const id = await create('race', { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'one', type: 'send_template', template: { name: 'service_update', language: 'en_US' } }, { id: 't', type: 'tag', add: ['raced'] }] });
    await publish(id);
    expect((await enrol(id, { contact_ids: crowd.map((c) => c.id) })).body.enrolled).toBe(40);
    const deps = { db: h.t.db, now: clock.now(), log };
    await Promise.all([runDueAutomations(deps, 7), runDueAutomations(deps, 7), runDueAutomations(deps, 50), runDueAutomations(deps, 50)]);
    await tick();
    const steps = await queryRows<{ n: number; runs: number }>(h.t.db, sql`select count(*)::int as n, count(distinct run_id)::int as runs from automation_step_runs where automation_id = ${id}`);
    expect(steps[0]).toEqual({ n: 80, runs: 40 });
    const queued = await queryRows<{ n: number }>(h.t.db, sql`select count(*)::int as n from outbox where dedupe_key like ${`auto:%`} and contact_id in (select id from contacts where 'a-race' = any(tags))`);
    expect(queued[0]!.n).toBe(40);
    for (const c of crowd) expect(sent(c.phone, 'service_update')).toBe(1);
  });

  it('a step that fails fails its run with the reason, keeps the steps done before it, and lets the rest of the batch go on', async () => {
    setClock('2026-12-11T12:00:00Z');
    const crowd = await h.seedContacts(6, { tag: 'a-fail' });
    expect((await h.api('POST', '/api/v1/attributes', { key: 'visits', type: 'number' })).status).toBe(201);
    const bad = await create('fails', { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'mark', type: 'tag', add: ['marked'] }, { id: 'count', type: 'set_attribute', key: 'visits', value: 'many' }, { id: 'after', type: 'tag', add: ['never'] }] });
    const good = await create('goes on', { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'mark', type: 'tag', add: ['went-on'] }] });
    await publish(bad);
    await publish(good);
    expect((await enrol(bad, { contact_ids: crowd.map((c) => c.id) })).body.enrolled).toBe(6);
    expect((await enrol(good, { contact_ids: crowd.map((c) => c.id) })).body.enrolled).toBe(6);
    expect(await runDueAutomations({ db: h.t.db, now: clock.now(), log })).toBe(12);
    for (const r of await runs(bad)) expect(r).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^ATTRIBUTE_INVALID: attributes.visits: must be a number/) });
    for (const r of await runs(good)) expect(r.state).toBe('completed');
    const log_ = await queryRows<{ step_id: string; outcome: string; reason: string | null }>(h.t.db, sql`select step_id, outcome, reason from automation_step_runs where automation_id = ${bad} order by run_id, seq limit 2`);
    expect(log_).toEqual([{ step_id: 'mark', outcome: 'done', reason: null }, { step_id: 'count', outcome: 'failed', reason: expect.stringContaining('visits') }]);
    const tags = await queryRows<{ tags: string[] }>(h.t.db, sql`select tags from contacts where 'a-fail' = any(tags)`);
    expect(tags).toHaveLength(6);
    for (const t of tags) {
      expect(t.tags).toEqual(expect.arrayContaining(['marked', 'went-on']));
      expect(t.tags).not.toContain('never');
    }
  });

  it('a keyword starts a bot that asks a question, re-asks on an answer that does not fit, stores the valid one in a typed attribute, and branches on a button', async () => {
    setClock(new Date().toISOString()); // replies are matched by the database clock; keep the business clock with it
    const attr = await h.api('POST', '/api/v1/attributes', { key: 'rating', type: 'number' });
    expect(attr.status, JSON.stringify(attr.body)).toBe(201);
    // In the middle of her night: a bot answering her is a conversation, not outreach held by quiet hours.
    const [ivy] = await h.seedContacts(1, { tag: 'a-bot', timezone: nightZone() });
    const id = await create('rating bot', {
      trigger: { type: 'inbound', keywords: ['Rate'] },
      topic: 'offers',
      steps: [
        { id: 'q', type: 'ask', question: 'From 0 to 10, how did we do?', attribute: 'rating', retries: 1, timeout: { hours: 1 }, on_timeout: 'bye' },
        { id: 'more', type: 'send_message', text: 'Thanks! Want a coupon?', buttons: [{ id: 'yes', title: 'Yes please' }, { id: 'no', title: 'No thanks' }] },
        { id: 'w', type: 'wait_for_reply', timeout: { hours: 1 }, on_timeout: 'bye' },
        { id: 'pick', type: 'branch', reply: { payload: ['yes'] }, then: 'coupon', else: 'bye' },
        { id: 'coupon', type: 'send_message', text: 'Your code: THANKS10', next: 'end' },
        { id: 'bye', type: 'send_message', text: 'No worries, bye!' },
        { id: 'end', type: 'end' },
      ],
    });
    await publish(id);
    const texts = () => h.sim.sent(ivy!.phone).map(textOf);
    const say = async (input: Record<string, unknown>) => {
      const before = (await queryRows<{ n: number }>(h.t.db, sql`select count(*)::int as n from messages where contact_id = ${ivy!.id} and direction = 'in'`))[0]!.n;
      h.sim.inbound({ from: ivy!.phone.slice(1), ...input });
      await h.waitFor(async () => (await queryRows<{ n: number }>(h.t.db, sql`select count(*)::int as n from messages where contact_id = ${ivy!.id} and direction = 'in'`))[0]!.n > before, 10_000, 'the message to be processed');
      clock.set(new Date());
      await tick();
    };
    await say({ text: 'rate' });
    expect(texts()).toEqual(['From 0 to 10, how did we do?']);
    await say({ text: 'great' });
    expect(texts().at(-1)).toBe('Sorry, I did not get that.\n\nFrom 0 to 10, how did we do?');
    await say({ text: '9' });
    expect((await queryRows<{ r: number }>(h.t.db, sql`select (attributes->>'rating')::int as r from contacts where id = ${ivy!.id}`))[0]!.r).toBe(9);
    expect(texts().at(-1)).toBe('Thanks! Want a coupon?');
    await say({ interactive: { type: 'button_reply', id: 'yes', title: 'Yes please' } });
    expect(texts().at(-1)).toBe('Your code: THANKS10');
    const [run] = await runs(id);
    expect(run).toMatchObject({ state: 'completed' });
    expect(run!.steps.map((x: { step_id: string; outcome: string }) => `${x.step_id}:${x.outcome}`)).toEqual(['q:asked', 'q:asked', 'q:answered', 'more:sent', 'w:waited', 'w:replied', 'pick:then', 'coupon:sent', 'end:done']);
    // Saying the keyword again while nothing else is going on enrols nobody twice (once per person).
    await say({ text: 'RATE' });
    expect(await runs(id)).toHaveLength(1);
  }, 60_000);

  it('a question nobody answers times out to its other branch', async () => {
    setClock(new Date().toISOString());
    const [jon] = await h.seedContacts(1, { tag: 'a-timeout' });
    const id = await create('silent', {
      trigger: { type: 'api' },
      topic: 'offers',
      steps: [
        { id: 'q', type: 'ask', question: 'Your rating?', attribute: 'rating', timeout: { minutes: 30 }, on_timeout: 'bye' },
        { id: 'thanks', type: 'send_message', text: 'Thanks', next: 'end' },
        { id: 'bye', type: 'tag', add: ['silent'] },
        { id: 'end', type: 'end' },
      ],
    });
    await publish(id);
    // The window is open: Jon wrote to us a minute ago.
    await h.t.db.execute(sql`insert into service_windows (workspace_id, number_id, wa_id, last_inbound_at) values (${h.tenant.workspaceId}, ${h.numberId}, ${jon!.phone.slice(1)}, now())`);
    await enrol(id, { contact_ids: [jon!.id] });
    await tick();
    expect(h.sim.sent(jon!.phone).map(textOf)).toEqual(['Your rating?']);
    clock.set(new Date(clock.now().getTime() + 31 * 60_000));
    await tick();
    expect((await runs(id))[0]).toMatchObject({ state: 'completed' });
    expect((await queryRows<{ tags: string[] }>(h.t.db, sql`select tags from contacts where id = ${jon!.id}`))[0]!.tags).toContain('silent');
    expect((await h.api('GET', `/api/v1/automations/${id}`)).body.step_counts).toMatchObject({ q: { asked: 1, timed_out: 1 }, bye: { done: 1 } });
  });

  it('date triggers: a yearly birthday at 09:00 local across a DST change and 29 February, and a reminder 24 h before an appointment', async () => {
    expect((await h.api('POST', '/api/v1/attributes', { key: 'birthday', type: 'date' })).status).toBe(201);
    const [ny] = await h.seedContacts(1, { tag: 'a-bday', timezone: 'America/New_York' });
    const [leap] = await h.seedContacts(1, { tag: 'a-bday', timezone: 'Europe/London' });
    const [appt] = await h.seedContacts(1, { tag: 'a-appt' });
    await h.api('PATCH', `/api/v1/contacts/${ny!.id}`, { attributes: { birthday: '1990-03-08' } });
    await h.api('PATCH', `/api/v1/contacts/${leap!.id}`, { attributes: { birthday: '2000-02-29' } });
    setClock('2026-02-27T00:00:00Z');
    const bday = await create('birthday', { trigger: { type: 'date', attribute: 'birthday', yearly: true }, topic: 'offers', steps: [{ id: 'gift', type: 'send_template', template: { name: 'service_update', language: 'en_US' } }] });
    const remind = await create('reminder', {
      trigger: { type: 'date', event: 'appointment_booked', property: 'starts_at', offset: { hours: -24 } },
      topic: 'offers',
      steps: [{ id: 'remind', type: 'send_template', template: { name: 'service_update', language: 'en_US' } }],
    });
    await publish(bday);
    await publish(remind);
    await tick(); // the first sweep only starts the clock: past birthdays never fire
    const booked = await h.api('POST', '/api/v1/events', { contact_id: appt!.id, type: 'appointment_booked', properties: { starts_at: '2026-03-02T15:00:00Z' }, occurred_at: '2026-02-27T00:00:00Z' });
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    const at = async (iso: string) => {
      setClock(iso);
      await tick();
    };
    const got = (c: { phone: string }) => sent(c.phone, 'service_update');
    await at('2026-02-28T08:58:00Z');
    expect([got(ny!), got(leap!)]).toEqual([0, 0]);
    await at('2026-02-28T09:00:30Z'); // 29 February in a common year: 28 February, 09:00 in London (GMT)
    expect([got(ny!), got(leap!)]).toEqual([0, 1]);
    await at('2026-03-01T14:58:00Z');
    expect(got(appt!)).toBe(0);
    await at('2026-03-01T15:00:10Z'); // 24 h before the appointment
    expect(got(appt!)).toBe(1);
    await at('2026-03-08T12:58:00Z'); // 07:58 EDT: clocks went forward at 02:00 that morning
    expect(got(ny!)).toBe(0);
    await at('2026-03-08T13:00:30Z'); // 09:00 EDT
    expect(got(ny!)).toBe(1);
    await at('2026-03-09T13:00:30Z');
    expect([got(ny!), got(leap!), got(appt!)]).toEqual([1, 1, 1]);
    // Next year, again once each.
    await at('2027-02-28T09:00:30Z');
    await at('2027-03-08T13:58:00Z'); // 2027: daylight saving starts on 14 March, so 8 March is still EST (UTC-5)
    expect(got(ny!)).toBe(1);
    await at('2027-03-08T14:00:30Z');
    expect([got(ny!), got(leap!)]).toEqual([2, 2]);
    expect((await runs(bday)).map((r) => r.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
  }, 60_000);

  it('stage and segment triggers: entering a lifecycle stage, and entering a saved segment (not being in it when published)', async () => {
    setClock('2026-12-15T12:00:00Z');
    const [kim, lee, max] = await h.seedContacts(3, { tag: 'a-seg' });
    const seg = await h.api('POST', '/api/v1/segments', { name: 'VIPs', rules: { field: 'tags', op: 'contains', value: 'vip-seg' } });
    expect(seg.status, JSON.stringify(seg.body)).toBe(201);
    await h.t.db.execute(sql`update contacts set tags = array['a-seg', 'vip-seg'] where id = ${kim!.id}`);
    const welcomeVip = await create('vip welcome', { trigger: { type: 'segment', segment_id: seg.body.id }, topic: 'offers', steps: [{ id: 'hi', type: 'send_template', template: { name: 'service_update', language: 'en_US' } }] });
    const dormant = await create('win-back', { trigger: { type: 'stage', stage: 'dormant' }, topic: 'offers', steps: [{ id: 'tag', type: 'tag', add: ['win-back'] }] });
    await publish(welcomeVip);
    await publish(dormant);
    await tick(); // first sweep: Kim is already in the segment, so she did not enter it
    await h.t.db.execute(sql`update contacts set tags = array['a-seg', 'vip-seg'] where id = ${lee!.id}`);
    await h.t.db.execute(sql`insert into contact_lifecycle (contact_id, workspace_id, stage, changed_at) values (${max!.id}, ${h.tenant.workspaceId}, 'dormant', '2026-12-15T12:00:30Z')
                             on conflict (contact_id) do update set stage = 'dormant', changed_at = excluded.changed_at`);
    setClock('2026-12-15T12:01:05Z');
    await tick();
    expect([sent(kim!.phone, 'service_update'), sent(lee!.phone, 'service_update')]).toEqual([0, 1]);
    expect((await queryRows<{ tags: string[] }>(h.t.db, sql`select tags from contacts where id = ${max!.id}`))[0]!.tags).toContain('win-back');
    // Sweeping again changes nothing; leaving and coming back is entering again (once per person by default, so no new run).
    setClock('2026-12-15T12:02:10Z');
    await tick();
    expect(await runs(welcomeVip)).toHaveLength(1);
    expect(await runs(dormant)).toHaveLength(1);
    expect((await h.api('POST', '/api/v1/automations', { name: 'bad seg', definition: { trigger: { type: 'segment', segment_id: crypto.randomUUID() }, topic: 'offers', steps: [{ id: 'e', type: 'end' }] } })).body.error).toMatchObject({
      code: 'AUTOMATION_INVALID',
      details: { path: 'definition.trigger.segment_id' },
    });
  });

  it('recipes: every recipe makes a valid draft from the shop\'s templates; re-permission withdraws marketing when nobody says yes', async () => {
    setClock('2026-12-20T12:00:00Z');
    const gallery = await h.api('GET', '/api/v1/automations/recipes');
    expect(gallery.status).toBe(200);
    const recipes = gallery.body.data as { key: string; slots: { key: string }[] }[];
    expect(recipes.map((r) => r.key)).toEqual(['welcome_series', 'post_purchase', 'appointment_reminder', 'birthday', 'cart_abandonment', 'win_back', 're_permission', 'nps', 'menu_bot']);
    const update = { name: 'service_update', language: 'en_US' };
    const made: Record<string, string> = {};
    for (const r of recipes) {
      const res = await h.api('POST', `/api/v1/automations/recipes/${r.key}`, { topic: 'offers', templates: Object.fromEntries(r.slots.map((s) => [s.key, update])) });
      expect(res.status, `${r.key}: ${JSON.stringify(res.body)}`).toBe(201);
      made[r.key] = res.body.id;
    }
    const missing = await h.api('POST', '/api/v1/automations/recipes/welcome_series', { topic: 'offers', templates: { welcome: update } });
    expect(missing.body.error).toMatchObject({ code: 'AUTOMATION_INVALID', details: { path: 'templates.offer' } });
    expect((await h.api('POST', '/api/v1/automations/recipes/nope', { topic: 'offers' })).status).toBe(404);

    // Re-permission: asked, no answer in 7 days → marketing consent withdrawn with the reason; the run ends.
    const [quiet] = await h.seedContacts(1, { tag: 'a-reperm' });
    await publish(made.re_permission!);
    await enrol(made.re_permission!, { contact_ids: [quiet!.id] });
    await tick();
    expect(sent(quiet!.phone, 'service_update')).toBe(1);
    setClock('2026-12-27T12:00:01Z');
    await tick();
    const [run] = await runs(made.re_permission!);
    expect(run).toMatchObject({ state: 'exited', reason: 'consent withdrawn: no yes to the re-permission request' });
    const ledger = await queryRows<{ action: string; source: string; note: string }>(h.t.db, sql`select action, source, evidence->>'note' as note from consent_events where contact_id = ${quiet!.id} order by id desc limit 1`);
    expect(ledger[0]).toEqual({ action: 'withdraw', source: 'automation', note: 'no yes to the re-permission request' });
  });
});

