// Tracked links in automation messages and the wait for a click (issue 15): each run step sends its
// own signed /r/ link, a click redirects, is counted on the step, bumps engagement and wakes the run
// waiting for it; without a click the wait times out to its other branch. Business clock, simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/lib/logger.js';
import { runDueAutomations, scanAutomationTriggers } from '../src/modules/automations/index.js';
import { linkSigner } from '../src/modules/broadcasts/index.js';
import { sendQueuedAutomated } from '../src/modules/messaging/index.js';
import { TEST_MASTER_KEY, testClock } from './helpers/app.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

const clock = testClock(new Date('2026-12-01T12:00:00Z')); // 13:00 in Lagos, where seeded contacts live
let h: BroadcastHarness;
const log = silentLogger();
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'automation-clicks', clock, tier: 'TIER_UNLIMITED', settings: { broadcasts: { frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

/** One pass of the worker's automation loop, with tracked links served by this app, then the outbox. */
async function tick(): Promise<void> {
  const deps = { db: h.t.db, now: clock.now(), log, links: { publicUrl: h.appUrl, sign: linkSigner(TEST_MASTER_KEY) } };
  await scanAutomationTriggers(deps);
  while ((await runDueAutomations(deps)) > 0) {
    /* until nothing is due */
  }
  await sendQueuedAutomated({ ...deps, box: h.t.wiring.box, gateway: h.t.wiring.gateway });
}
const offer = { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { tracked_link: 0 } } };
const definition = {
  trigger: { type: 'api' },
  topic: 'offers',
  links: ['https://shop.example/sale?utm=wa'],
  steps: [
    { id: 'offer', type: 'send_template', template: offer },
    { id: 'clicked', type: 'wait_for_click', timeout: { days: 2 }, on_click: 'thanks', on_timeout: 'nudge' },
    { id: 'thanks', type: 'tag', add: ['opened-offer'], next: 'done' },
    { id: 'nudge', type: 'tag', add: ['ignored-offer'] },
    { id: 'done', type: 'end' },
  ],
};
/** The link the person got in body parameter 2 of their template. */
function linkSentTo(phone: string): string {
  const req = h.sim.sent(phone).at(-1)!.request as { template: { components: { type: string; parameters: { text: string }[] }[] } };
  return req.template.components.find((c) => c.type === 'body')!.parameters[1]!.text;
}
const tagsOf = async (id: string): Promise<string[]> => (await h.api('GET', `/api/v1/contacts/${id}`)).body.tags;

describe('tracked links and wait_for_click', () => {
  it('refuses a link index that is not in links, naming the path', async () => {
    const bad = await h.api('POST', '/api/v1/automations', {
      name: 'bad links',
      definition: { ...definition, links: [], steps: [{ id: 'offer', type: 'send_template', template: offer }, { id: 'hi', type: 'send_message', text: 'Open {{link:1}}' }] },
    });
    expect(bad.status).toBe(422);
    const paths = (bad.body.error.details.problems as { path: string }[]).map((p) => p.path);
    expect(paths).toEqual(['definition.steps[0].template.variables["body.2"]', 'definition.steps[1].text']);
    const badUrl = await h.api('POST', '/api/v1/automations', { name: 'bad url', definition: { ...definition, links: ['javascript:alert(1)'] } });
    expect(badUrl.status).toBe(422);
  });

  it('a click redirects, is counted on the send step, bumps engagement and wakes the wait; no click times out to the other branch', async () => {
    const created = await h.api('POST', '/api/v1/automations', { name: 'offer with link', definition });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await h.api('POST', `/api/v1/automations/${id}/publish`)).status).toBe(200);
    const [ann, ben] = await h.seedContacts(2, { tag: 'clicks' });
    const enrol = await h.api('POST', `/api/v1/automations/${id}/enrollments`, { contact_ids: [ann!.id, ben!.id] });
    expect(enrol.status, JSON.stringify(enrol.body)).toBe(200);
    await tick();
    const links = [linkSentTo(ann!.phone), linkSentTo(ben!.phone)];
    for (const link of links) expect(link).toMatch(new RegExp(`^${h.appUrl.replace(/[.]/g, '\\.')}/r/a[0-9a-z]+\\.[0-9a-z]+\\.0\\.[A-Za-z0-9_-]{16}$`));
    expect(links[0]).not.toBe(links[1]);

    const path = new URL(links[0]!).pathname;
    const click = await fetch(`${h.appUrl}${path}`, { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://shop.example/sale?utm=wa');
    await fetch(`${h.appUrl}${path}`, { redirect: 'manual' }); // a second click counts once
    const [payload, , sig] = [path.slice(3, path.lastIndexOf('.')), null, path.slice(path.lastIndexOf('.') + 1)];
    for (const forged of [`${payload}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`, `${payload.replace(/\.0$/, '.1')}.${sig}`]) {
      const res = await h.t.app.inject({ method: 'GET', url: `/r/${forged}` });
      expect(res.statusCode, forged).toBe(404);
    }
    expect((await h.api('GET', `/api/v1/contacts/${ann!.id}/engagement`)).body.last_click_at).not.toBeNull();

    await tick(); // Ann's run woke on her click
    expect(await tagsOf(ann!.id)).toContain('opened-offer');
    expect(await tagsOf(ben!.id)).not.toContain('ignored-offer');
    clock.set(new Date('2026-12-03T12:01:00Z'));
    await tick(); // Ben's wait timed out
    expect(await tagsOf(ben!.id)).toContain('ignored-offer');
    expect(await tagsOf(ann!.id)).not.toContain('ignored-offer');

    const counts = (await h.api('GET', `/api/v1/automations/${id}`)).body.step_counts;
    expect(counts.offer).toMatchObject({ sent: 2, clicked: 1 });
    expect(counts.clicked).toEqual({ waited: 2, clicked: 1, not_clicked: 1 });
    const runs = (await h.api('GET', `/api/v1/automations/${id}/runs`)).body.data as { state: string }[];
    expect(runs.map((r) => r.state)).toEqual(['completed', 'completed']);
  });

  it('a click made before the wait begins passes it at once; a second wait needs a new click', async () => {
    const created = await h.api('POST', '/api/v1/automations', {
      name: 'two waits',
      definition: {
        ...definition,
        steps: [
          { id: 'offer', type: 'send_template', template: offer },
          { id: 'pause', type: 'wait', duration: { hours: 1 } },
          { id: 'first', type: 'wait_for_click', timeout: { days: 1 }, on_timeout: 'done' },
          { id: 'mark', type: 'tag', add: ['clicked-once'] },
          { id: 'second', type: 'wait_for_click', timeout: { days: 1 }, on_click: 'again', on_timeout: 'done' },
          { id: 'again', type: 'tag', add: ['clicked-twice'] },
          { id: 'done', type: 'end' },
        ],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await h.api('POST', `/api/v1/automations/${id}/publish`)).status).toBe(200);
    const [cat] = await h.seedContacts(1, { tag: 'clicks-2', from: 50 });
    expect((await h.api('POST', `/api/v1/automations/${id}/enrollments`, { contact_ids: [cat!.id] })).status).toBe(200);
    await tick();
    expect((await fetch(`${h.appUrl}${new URL(linkSentTo(cat!.phone)).pathname}`, { redirect: 'manual' })).status).toBe(302);
    clock.set(new Date(clock.now().getTime() + 61 * 60_000));
    await tick();
    expect(await tagsOf(cat!.id)).toContain('clicked-once');
    expect(await tagsOf(cat!.id)).not.toContain('clicked-twice');
    clock.set(new Date(clock.now().getTime() + 25 * 3_600_000));
    await tick();
    expect(await tagsOf(cat!.id)).not.toContain('clicked-twice');
    const [run] = (await h.api('GET', `/api/v1/automations/${id}/runs`)).body.data as { state: string; steps: { step_id: string; outcome: string }[] }[];
    expect(run!.state).toBe('completed');
    expect(run!.steps.filter((s) => s.step_id === 'second').map((s) => s.outcome)).toEqual(['waited', 'not_clicked']);
  });
});

describe('keywords the preference centre answers', () => {
  it('an inbound trigger on a preference-centre word is refused with its path and the way out', async () => {
    const def = { trigger: { type: 'inbound', keywords: ['help', 'MENU'] }, topic: 'offers', steps: [{ id: 'hi', type: 'send_message', text: 'Hello' }] };
    const bad = await h.api('POST', '/api/v1/automations', { name: 'menu bot', definition: def });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toMatchObject({ path: 'definition.trigger.keywords[1]', problem: expect.stringContaining('disabled_keywords') });
    expect((await h.api('PATCH', '/api/v1/workspace', { settings: { preferences: { disabled_keywords: ['menu'] } } })).status).toBe(200);
    expect((await h.api('POST', '/api/v1/automations', { name: 'menu bot', definition: def })).status).toBe(201);
  });
});
