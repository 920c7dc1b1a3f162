import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { addDays, anniversaryKeys, countSegment, localMidnight, pageSegment, todayIn } from '../src/modules/segments/index.js';
import type { Ctx } from '../src/modules/context.js';
import { updateWorkspace } from '../src/modules/workspaces/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';

describe('calendar arithmetic', () => {
  it('lists anniversary days across a year end', () => {
    expect(anniversaryKeys('2026-12-28', 7)).toEqual(['12-28', '12-29', '12-30', '12-31', '01-01', '01-02', '01-03', '01-04']);
  });
  it('lists anniversary days across a month end', () => {
    expect(anniversaryKeys('2026-04-29', 2)).toEqual(['04-29', '04-30', '05-01']);
  });
  it('celebrates 29 February on 28 February in non-leap years only', () => {
    expect(anniversaryKeys('2027-02-27', 2).sort()).toEqual(['02-27', '02-28', '02-29', '03-01']);
    expect(anniversaryKeys('2028-02-27', 2)).toEqual(['02-27', '02-28', '02-29']);
    expect(anniversaryKeys('2028-03-01', 0)).toEqual(['03-01']);
  });
  it("knows today's date in the zone and local midnight on a DST change day", () => {
    expect(todayIn('Pacific/Auckland', new Date('2026-11-30T12:00:00Z'))).toBe('2026-12-01');
    expect(todayIn('America/Los_Angeles', new Date('2026-11-30T05:00:00Z'))).toBe('2026-11-29');
    // Berlin springs forward on 29 March 2026: that day still starts at local midnight, 23:00 UTC the day before.
    expect(localMidnight('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(localMidnight('2026-03-30', 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});

let t: TestApp;
let base: Ctx;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  const tenant = await t.tenant('segment-dates');
  base = tenant.ctx;
  await t.call(tenant.key, { method: 'POST', url: '/api/v1/attributes', payload: { key: 'birthday', type: 'date' } });
  const people: [string, string, string, string][] = [
    // name, phone, birthday, created_at
    ['leap', '+447400100001', '2000-02-29', '2026-11-30T10:00:00Z'],
    ['newyear', '+447400100002', '1990-12-31', '2026-11-29T10:00:00Z'],
    ['jan4', '+447400100003', '1990-01-04', '2025-12-01T10:00:00Z'],
    ['jan5', '+447400100004', '1990-01-05', '2025-12-02T10:00:00Z'],
  ];
  for (const [name, phone, birthday, created] of people) {
    const res = await t.call(tenant.key, { method: 'POST', url: '/api/v1/contacts', payload: { phone, name, attributes: { birthday } } });
    expect(res.statusCode).toBe(201);
    ids[name] = res.json().id;
    await t.db.execute(sql`update contacts set created_at = ${created}::timestamptz where id = ${ids[name]}`);
  }
});
afterAll(() => t.close());

async function setZone(zone: string): Promise<void> {
  await updateWorkspace(base, { settings: { timezone: zone } });
}

async function who(rules: unknown, now: string): Promise<string[]> {
  const ctx = { ...base, now: new Date(now) };
  const page = await pageSegment(ctx, rules, { limit: 100 });
  const names = new Map(Object.entries(ids).map(([n, id]) => [id, n]));
  expect(await countSegment(ctx, rules)).toBe(page.data.length);
  return page.data.map((c) => names.get(c.id)!).sort();
}

describe('date conditions in the workspace time zone', () => {
  it('"in the last N days" follows the workspace zone', async () => {
    // 12:30 UTC on 30 Nov is already 1 Dec, 01:30 in Auckland: a contact created at 10:00 UTC
    // (23:00 on 30 Nov in Auckland) is "yesterday" there but "today" in UTC.
    const rule = { field: 'created_at', op: 'in_last_days', value: 1 };
    await setZone('UTC');
    expect(await who(rule, '2026-11-30T12:30:00Z')).toEqual(['leap']);
    await setZone('Pacific/Auckland');
    expect(await who(rule, '2026-11-30T12:30:00Z')).toEqual([]);
    expect(await who({ field: 'created_at', op: 'in_last_days', value: 2 }, '2026-11-30T12:30:00Z')).toEqual(['leap']);
    await setZone('America/Los_Angeles');
    // 05:00 UTC on 30 Nov is 21:00 on 29 Nov in Los Angeles: "today" there began 08:00 UTC on 29 Nov
    // (in UTC it began at 00:00 on 30 Nov, which would leave newyear out).
    expect(await who({ field: 'created_at', op: 'in_last_days', value: 1 }, '2026-11-30T05:00:00Z')).toEqual(['leap', 'newyear']);
    await setZone('UTC');
  });

  it('birthdays within N days cross the year end', async () => {
    expect(await who({ attribute: 'birthday', op: 'anniversary_within_days', value: 7 }, '2026-12-28T09:00:00Z')).toEqual(['jan4', 'newyear']);
    expect(await who({ attribute: 'birthday', op: 'anniversary_within_days', value: 0 }, '2026-12-31T09:00:00Z')).toEqual(['newyear']);
  });

  it('29 February birthdays fall on 28 February in non-leap years and on the day in leap years', async () => {
    expect(await who({ attribute: 'birthday', op: 'anniversary_within_days', value: 0 }, '2027-02-28T09:00:00Z')).toEqual(['leap']);
    expect(await who({ attribute: 'birthday', op: 'anniversary_within_days', value: 0 }, '2028-02-28T09:00:00Z')).toEqual([]);
    expect(await who({ attribute: 'birthday', op: 'anniversary_within_days', value: 0 }, '2028-02-29T09:00:00Z')).toEqual(['leap']);
  });

  it('sign-up anniversaries use the day in the workspace zone', async () => {
    // jan4 signed up 2025-12-01 10:00 UTC: in Auckland that is already 1 Dec 23:00; in Honolulu 1 Dec 00:00.
    expect(await who({ field: 'created_at', op: 'anniversary_within_days', value: 0 }, '2026-12-01T09:00:00Z')).toEqual(['jan4']);
    await setZone('Pacific/Honolulu');
    // In Honolulu, jan5 (2 Dec 10:00 UTC) signed up on 2 Dec 00:00 local, and "today" at 09:00 UTC on 2 Dec is 1 Dec.
    expect(await who({ field: 'created_at', op: 'anniversary_within_days', value: 1 }, '2026-12-02T09:00:00Z')).toEqual(['jan4', 'jan5']);
    await setZone('UTC');
  });

  it('date attributes compare as calendar dates; in_next_days looks ahead', async () => {
    expect(await who({ attribute: 'birthday', op: 'between', value: ['1990-01-01', '1990-12-31'] }, '2026-12-01T00:00:00Z')).toEqual(['jan4', 'jan5', 'newyear']);
    expect(await who({ attribute: 'birthday', op: 'in_last_days', value: 1 }, '1990-01-05T12:00:00Z')).toEqual(['jan5']);
    expect(await who({ attribute: 'birthday', op: 'in_next_days', value: 2 }, '1990-01-04T12:00:00Z')).toEqual(['jan4', 'jan5']);
  });
});
