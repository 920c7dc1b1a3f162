// Waits until a local time of day and a day of the week in each person's zone (issue 15), on a
// controllable business clock: the next 08:00, the next Saturday 10:00, "as soon as it is Tuesday",
// a duration then a weekday, and a Sunday 09:00 in London on the day the clocks go forward.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/lib/logger.js';
import { runDueAutomations } from '../src/modules/automations/index.js';
import { testClock } from './helpers/app.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

const clock = testClock(new Date('2026-12-01T12:00:00Z')); // a Tuesday, 13:00 in Lagos (UTC+1, no DST)
let h: BroadcastHarness;
const log = silentLogger();
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'automation-waits', clock, tier: 'TIER_UNLIMITED', settings: { broadcasts: { frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

async function run(): Promise<void> {
  while ((await runDueAutomations({ db: h.t.db, now: clock.now(), log })) > 0) {
    /* until nothing is due */
  }
}
/** Publishes a one-wait automation, enrols the contact and returns when its run is due next (or its state when it went on). */
async function waitOf(name: string, wait: Record<string, unknown>, contactId: string): Promise<{ state: string; due_at: string | null }> {
  const created = await h.api('POST', '/api/v1/automations', { name, definition: { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'w', type: 'wait', ...wait }, { id: 'after', type: 'tag', add: [`after-${name}`] }] } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await h.api('POST', `/api/v1/automations/${created.body.id}/publish`)).status).toBe(200);
  expect((await h.api('POST', `/api/v1/automations/${created.body.id}/enrollments`, { contact_ids: [contactId] })).status).toBe(200);
  await run();
  const [r] = (await h.api('GET', `/api/v1/automations/${created.body.id}/runs`)).body.data as { state: string; due_at: string | null }[];
  return r!;
}

describe('waits until a local time and day of the week', () => {
  it('in Lagos: the next 08:00, the next Saturday 10:00, today when it is Tuesday, a day then the next Sunday', async () => {
    const [ann] = await h.seedContacts(1, { tag: 'waits-lagos', timezone: 'Africa/Lagos' });
    expect((await waitOf('eight', { until_time: '08:00' }, ann!.id)).due_at).toBe('2026-12-02T07:00:00.000Z');
    expect((await waitOf('saturday', { on_days: ['sat'], until_time: '10:00' }, ann!.id)).due_at).toBe('2026-12-05T09:00:00.000Z');
    expect((await waitOf('tuesday', { on_days: ['tue'] }, ann!.id)).state).toBe('completed');
    expect((await waitOf('sunday', { duration: { days: 1 }, on_days: ['sun', 'mon'] }, ann!.id)).due_at).toBe('2026-12-05T23:00:00.000Z');
    expect((await waitOf('weekday', { on_days: ['tue'], until_time: '13:30' }, ann!.id)).due_at).toBe('2026-12-01T12:30:00.000Z');
  });

  it('in London: Sunday 09:00 on the day the clocks go forward is 08:00 UTC; the Sunday before is 09:00 UTC', async () => {
    clock.set(new Date('2027-03-20T12:00:00Z'));
    const [ben] = await h.seedContacts(1, { tag: 'waits-london', timezone: 'Europe/London', from: 20 });
    expect((await waitOf('london-before', { on_days: ['sun'], until_time: '09:00' }, ben!.id)).due_at).toBe('2027-03-21T09:00:00.000Z');
    clock.set(new Date('2027-03-27T12:00:00Z'));
    expect((await waitOf('london-dst', { on_days: ['sun'], until_time: '09:00' }, ben!.id)).due_at).toBe('2027-03-28T08:00:00.000Z');
  });

  it('refuses a wait with nothing to wait for, and an unknown day', async () => {
    const bad = await h.api('POST', '/api/v1/automations', { name: 'bad wait', definition: { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'w', type: 'wait' }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.path).toBe('definition.steps[0]');
    const day = await h.api('POST', '/api/v1/automations', { name: 'bad day', definition: { trigger: { type: 'api' }, topic: 'offers', steps: [{ id: 'w', type: 'wait', on_days: ['someday'] }] } });
    expect(day.status).toBe(422);
  });
});
