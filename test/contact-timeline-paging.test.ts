// The contact timeline's lists page with keyset cursors instead of stopping silently (issue 19):
// a contact's automation runs (both orders) and lifecycle transitions, read page by page, add up to
// every row exactly once, in order; a tampered cursor is a 422 naming `cursor`.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRowsOf } from '../src/modules/sql.js';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let key: string;
let contactId: string;
const RUNS = 7;
const TRANSITIONS = 5;

beforeAll(async () => {
  t = await createTestApp();
  const shop = await t.tenant('paging');
  key = shop.key;
  contactId = ((await t.call(key, { method: 'POST', url: '/api/v1/contacts', payload: { phone: '+14155550188' } })).json() as { id: string }).id;
  // History seeded as it would stand after months: runs of one automation (every third still
  // running) and stage changes, each a minute apart.
  const [a] = await queryRowsOf<{ id: string }>(t.db, sql`insert into automations (workspace_id, name, draft) values (${shop.workspaceId}, 'Paging', '{}'::jsonb) returning id`);
  for (let i = 0; i < RUNS; i++) {
    const at = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
    const running = i % 3 === 0;
    await t.db.execute(sql`insert into automation_runs (workspace_id, automation_id, version, contact_id, state, dedupe_key, enrolled_at, finished_at, updated_at)
      values (${shop.workspaceId}, ${a!.id}, 1, ${contactId}, ${running ? 'waiting' : 'completed'}, ${`run-${i}`}, ${at}, ${running ? null : at}, ${at})`);
  }
  for (let i = 0; i < TRANSITIONS; i++) {
    const at = new Date(Date.UTC(2026, 1, 1, 0, i)).toISOString();
    await t.db.execute(sql`insert into lifecycle_transitions (workspace_id, contact_id, from_stage, to_stage, reason, occurred_at) values (${shop.workspaceId}, ${contactId}, 'new', ${`stage-${i}`}, 'test', ${at})`);
  }
}, 120_000);
afterAll(() => t.close());

/** Every page of `url` (limit 2), following next_cursor. */
async function allPages<T>(url: string): Promise<{ pages: number; items: T[] }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await t.call(key, { method: 'GET', url: `${url}${sep}limit=2${cursor ? `&cursor=${cursor}` : ''}` });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { data: T[]; next_cursor: string | null };
    items.push(...page.data);
    cursor = page.next_cursor;
    pages++;
  } while (cursor && pages < 20);
  return { pages, items };
}

describe('contact timeline lists page by keyset', () => {
  it('pages automation runs newest first, and running ones first by default', async () => {
    const newest = await allPages<{ id: number; enrolled_at: string; finished_at: string | null }>(`/api/v1/contacts/${contactId}/automation-runs?order=newest`);
    expect(newest.pages).toBe(4);
    expect(newest.items.map((r) => r.enrolled_at)).toEqual([...Array(RUNS).keys()].reverse().map((i) => new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()));
    const byDefault = await allPages<{ id: number; finished_at: string | null }>(`/api/v1/contacts/${contactId}/automation-runs`);
    const running = byDefault.items.filter((r) => r.finished_at === null);
    expect(running).toHaveLength(3);
    expect(byDefault.items.slice(0, 3)).toEqual(running);
    expect(new Set(byDefault.items.map((r) => r.id)).size).toBe(RUNS);
  });

  it('pages lifecycle transitions newest first', async () => {
    const all = await allPages<{ to: string }>(`/api/v1/contacts/${contactId}/lifecycle/transitions`);
    expect(all.pages).toBe(3);
    expect(all.items.map((x) => x.to)).toEqual(['stage-4', 'stage-3', 'stage-2', 'stage-1', 'stage-0']);
  });

  it('refuses a tampered cursor with a 422 naming cursor, and a bad order naming order', async () => {
    for (const url of [`/api/v1/contacts/${contactId}/automation-runs?cursor=abc`, `/api/v1/contacts/${contactId}/lifecycle/transitions?cursor=abc`]) {
      const res = await t.call(key, { method: 'GET', url });
      expect(res.statusCode).toBe(422);
      expect(JSON.stringify(res.json().error.details)).toContain('cursor');
    }
    const bad = await t.call(key, { method: 'GET', url: `/api/v1/contacts/${contactId}/automation-runs?order=oldest` });
    expect(bad.statusCode).toBe(422);
    expect(JSON.stringify(bad.json().error.details)).toContain('order');
  });
});
