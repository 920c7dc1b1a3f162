import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/adapters/db/database.js';
import { countSegment } from '../src/modules/segments/index.js';
import type { Ctx } from '../src/modules/context.js';
import { createTestApp, type TestApp } from './helpers/app.js';

// contact_tags is kept by triggers on contacts; after every kind of write it must equal the tags
// arrays exactly, and tag counts read from it must equal counts over contacts.tags.
let t: TestApp;
let key: string;
let ctx: Ctx;

beforeAll(async () => {
  t = await createTestApp();
  const tenant = await t.tenant('contact-tags');
  key = tenant.key;
  ctx = tenant.ctx;
});
afterAll(() => t.close());

const call = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  t.call(key, { method, url, ...(payload ? { payload: payload as Record<string, unknown> } : {}) });

async function expectMirror(): Promise<void> {
  const rows = (q: ReturnType<typeof sql>) => queryRows<{ k: string }>(t.db, q).then((r) => r.map((x) => x.k).sort());
  const fromContacts = await rows(sql`select distinct c.workspace_id || '/' || x.tag || '/' || c.id as k from contacts c cross join lateral unnest(c.tags) as x(tag)`);
  const mirrored = await rows(sql`select workspace_id || '/' || tag || '/' || contact_id as k from contact_tags`);
  expect(mirrored).toEqual(fromContacts);
}

async function expectCounts(tag: string, other: string): Promise<void> {
  for (const rules of [
    { field: 'tags', op: 'contains', value: tag },
    { field: 'tags', op: 'not_contains', value: tag },
    { field: 'tags', op: 'contains_any', value: [tag, other] },
    { field: 'tags', op: 'contains_all', value: [tag, other, tag] },
    { not: { field: 'tags', op: 'contains', value: tag } },
  ]) {
    const [direct] = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from contacts c where c.workspace_id = ${ctx.workspaceId} and ${sql.raw(
        rules.op === 'contains' && !('not' in rules) ? `c.tags @> array['${tag}']`
        : rules.op === 'not_contains' || 'not' in rules ? `not c.tags @> array['${tag}']`
        : rules.op === 'contains_any' ? `c.tags && array['${tag}', '${other}']`
        : `c.tags @> array['${tag}', '${other}']`,
      )}`,
    );
    expect(await countSegment({ ...ctx, now: new Date() }, rules), JSON.stringify(rules)).toBe(direct!.n);
  }
}

describe('contact_tags mirrors contacts.tags', () => {
  it('through create, update, bulk tag, upsert, erase and delete', async () => {
    const ids: string[] = [];
    for (const [i, tags] of [['vip', 'shoes'], ['shoes'], [], ['vip', ' vip ', 'news']].entries()) {
      const res = await call('POST', '/api/v1/contacts', { phone: `+4474001234${10 + i}`, tags });
      expect(res.statusCode).toBe(201);
      ids.push(res.json().id);
    }
    await expectMirror();
    await expectCounts('vip', 'shoes');

    expect((await call('PATCH', `/api/v1/contacts/${ids[1]}`, { tags: ['vip', 'news'] })).statusCode).toBe(200);
    expect((await call('PATCH', `/api/v1/contacts/${ids[0]}`, { name: 'Only the name changes' })).statusCode).toBe(200);
    await expectMirror();
    await expectCounts('vip', 'news');

    const bulk = await call('POST', '/api/v1/contacts/bulk-tag', { add: ['shoes'], remove: ['vip'], filter: {} });
    expect(bulk.statusCode, bulk.body).toBe(200);
    await expectMirror();
    await expectCounts('shoes', 'news');

    // The import path: a multi-row upsert that inserts some rows and updates others in one statement.
    await t.db.execute(sql`insert into contacts (workspace_id, phone, tags) values
      (${ctx.workspaceId}, '+447400123410', array['imported']), (${ctx.workspaceId}, '+447400123499', array['imported', 'x'])
      on conflict (workspace_id, phone) do update set tags = contacts.tags || excluded.tags`);
    await expectMirror();
    await expectCounts('imported', 'shoes');

    expect((await call('POST', `/api/v1/contacts/${ids[2]}/erase`)).statusCode).toBe(200);
    expect((await call('DELETE', `/api/v1/contacts/${ids[3]}`)).statusCode).toBe(200);
    await t.db.execute(sql`delete from contacts where id = ${ids[1]}`);
    await expectMirror();
    await expectCounts('shoes', 'imported');
  });
});
