import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { createTestApp, type TestApp } from './helpers/app.js';
import { attributeDefinitions, contacts } from '../src/modules/contacts/contacts.tables.js';
import { appendConsentEvents, createTopic, phoneHasher, suppressedAmong } from '../src/modules/consent/index.js';
import { csvLine, neutralise } from '../src/modules/imports/index.js';
import { queryRowsOf } from '../src/modules/sql.js';

let t: TestApp;
let a: Awaited<ReturnType<TestApp['tenant']>>;
let b: Awaited<ReturnType<TestApp['tenant']>>;

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('export-a');
  b = await t.tenant('export-b');
  await t.db.insert(attributeDefinitions).values([
    { workspaceId: a.workspaceId, key: 'city', type: 'string' },
    { workspaceId: a.workspaceId, key: 'score', type: 'number' },
  ]);
  const offers = await createTopic(a.ctx, { key: 'offers', name: 'Offers', category: 'marketing' });
  await createTopic(a.ctx, { key: 'news', name: 'News', category: 'marketing' });
  // As the app stores UK mobiles now (their zone comes from the number), so a re-import finds nothing to change.
  const LONDON = { timezone: 'Europe/London', timezoneSource: 'number' };
  const [ann, bob] = await t.db
    .insert(contacts)
    .values([
      { workspaceId: a.workspaceId, phone: '+447400100001', ...LONDON, name: '=cmd()', country: 'GB', tags: ['vip', 'a,b'], attributes: { city: 'London, "Old" Town\nEast', score: -5 } },
      { workspaceId: a.workspaceId, phone: '+447400100002', ...LONDON, name: '@SUM(A1)', country: 'GB', attributes: { city: '+HYPERLINK("x")' } },
      { workspaceId: a.workspaceId, phone: '+447400100003', ...LONDON, name: '\tTabbed', country: 'GB' },
    ])
    .returning();
  await t.db.insert(contacts).values({ workspaceId: b.workspaceId, phone: '+447400100009', name: 'Other tenant' });
  await appendConsentEvents(
    t.db,
    a.workspaceId,
    { type: 'system', id: null },
    [
      { contactId: ann!.id, topicId: offers.id, action: 'grant', source: 'api', evidence: { text: 'yes', app: 'test' }, occurredAt: new Date('2025-01-01T00:00:00Z'), dedupeKey: null },
      { contactId: bob!.id, topicId: null, action: 'withdraw', source: 'stop_keyword', evidence: {}, occurredAt: new Date('2025-01-02T00:00:00Z'), dedupeKey: null },
    ],
    new Date(),
  );
});
afterAll(() => t.close());

describe('CSV cells', () => {
  it('neutralises formula starts and quotes every cell (RFC 4180)', () => {
    expect(['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx', 'plain'].map(neutralise)).toEqual(["'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", 'plain']);
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', null, 3])).toBe('"a,b","say ""hi""","two\nlines",,"3"\r\n');
  });
});

describe('contacts export', () => {
  it('streams every contact of the workspace with attributes and consent state, neutralised and quoted', async () => {
    const res = await t.call(a.key, { method: 'GET', url: '/api/v1/contacts/export.csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment/);
    expect(res.body).toContain('"\'=cmd()"');
    expect(res.body).toContain('"\'@SUM(A1)"');
    expect(res.body).not.toContain('Other tenant');
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!).slice(0, 9)).toEqual(['id', 'phone', 'name', 'country', 'timezone', 'language', 'tags', 'attributes.city', 'attributes.score']);
    expect(Object.keys(rows[0]!).slice(9).sort()).toEqual(['consent:news', 'consent:offers']);
    expect(rows).toHaveLength(3);
    const ann = rows.find((r) => r.phone === "'+447400100001")!;
    expect(ann).toMatchObject({ name: "'=cmd()", tags: 'vip;a,b', 'attributes.city': 'London, "Old" Town\nEast', 'attributes.score': "'-5", 'consent:offers': 'granted', 'consent:news': 'none' });
    const bob = rows.find((r) => r.phone === "'+447400100002")!;
    expect(bob).toMatchObject({ 'attributes.city': '\'+HYPERLINK("x")', 'consent:offers': 'withdrawn', 'consent:news': 'withdrawn' });
    expect(rows.find((r) => r.phone === "'+447400100003")!.name).toBe("'\tTabbed");
    // Every non-empty cell is quoted.
    for (const line of res.body.split('\r\n').filter(Boolean).slice(0, 1)) expect(line.split(',').every((c) => c.startsWith('"'))).toBe(true);
  });

  it('re-imports its own export unchanged (the leading apostrophe is taken off)', async () => {
    const exported = (await t.call(a.key, { method: 'GET', url: '/api/v1/contacts/export.csv' })).body;
    const q = new URLSearchParams({ mapping: JSON.stringify({ phone: 'phone', name: 'name', attributes: { city: 'attributes.city', score: 'attributes.score' }, tags: 'tags' }) });
    const res = await t.call(a.key, { method: 'POST', url: `/api/v1/imports?${q}`, headers: { 'content-type': 'text/csv' }, payload: exported });
    expect(res.statusCode).toBe(202);
    let out;
    for (let i = 0; i < 200; i++) {
      out = (await t.call(a.key, { method: 'GET', url: `/api/v1/imports/${res.json().id}` })).json();
      if (out.status !== 'queued' && out.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(out.errors).toEqual([]);
    expect(out).toMatchObject({ status: 'completed', rows_total: 3, created: 0, updated: 0, error_count: 0 });
  });

  it('pages through more than one page of contacts', async () => {
    const many = Array.from({ length: 2_100 }, (_, i) => ({ workspaceId: b.workspaceId, phone: `+1415200${String(i).padStart(4, '0')}`, name: `N${i}` }));
    await t.db.insert(contacts).values(many);
    const res = await t.call(b.key, { method: 'GET', url: '/api/v1/contacts/export.csv' });
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2_101);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2_101);
  });

  it('needs contacts:read and is audited', async () => {
    expect((await t.call(undefined, { method: 'GET', url: '/api/v1/contacts/export.csv' })).statusCode).toBe(401);
    const audit = await queryRowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from audit_log where workspace_id = ${a.workspaceId} and action = 'contacts.exported'`);
    expect(audit[0]!.n).toBeGreaterThan(0);
  });
});

describe('suppression list import and export', () => {
  it('imports numbers and hashes, reports bad rows, and round-trips through the export', async () => {
    const hash = await phoneHasher(t.db, a.workspaceId);
    const csv = ['phone', '+447400900001', '07400 900002', 'not a number', hash('+447400900003'), '+447400900001'].join('\n');
    const res = await t.call(a.key, { method: 'POST', url: '/api/v1/suppressions/import?default_country=GB&reason=legacy_optout', headers: { 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rows_total: 5, added: 3, already_present: 0, error_count: 1, errors: [{ row: 4, code: 'PHONE_INVALID' }] });
    const suppressed = await suppressedAmong(t.db, a.workspaceId, ['+447400900001', '+447400900002', '+447400900003'].map(hash));
    expect(suppressed.size).toBe(3);

    const exported = await t.call(a.key, { method: 'GET', url: '/api/v1/suppressions/export.csv' });
    expect(exported.statusCode).toBe(200);
    const rows = parse(exported.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ reason: 'legacy_optout', source: 'import' });
    expect(exported.body).not.toContain('7400900001');

    // The export (hashes) imports back into the same workspace as "already there".
    const again = await t.call(a.key, { method: 'POST', url: '/api/v1/suppressions/import', headers: { 'content-type': 'text/csv' }, payload: exported.body });
    expect(again.json()).toMatchObject({ rows_total: 3, added: 0, already_present: 3, error_count: 0 });
    // …and into an empty workspace as new entries.
    const other = await t.call(b.key, { method: 'POST', url: '/api/v1/suppressions/import', headers: { 'content-type': 'text/csv' }, payload: exported.body });
    expect(other.json()).toMatchObject({ added: 3 });
  });

  it('a suppression imported by number blocks a later contact import from granting consent', async () => {
    const q = new URLSearchParams({
      mapping: JSON.stringify({ phone: 'phone', topics: { keys: ['offers'] } }),
      attestation: JSON.stringify({ attested_by: 'Ann', collected_where: 'shop', collected_at: '2025-01-01', text: 'Yes please' }),
    });
    const res = await t.call(a.key, { method: 'POST', url: `/api/v1/imports?${q}`, headers: { 'content-type': 'text/csv' }, payload: 'phone\n+447400900001\n+447400900004\n' });
    let out;
    for (let i = 0; i < 200; i++) {
      out = (await t.call(a.key, { method: 'GET', url: `/api/v1/imports/${res.json().id}` })).json();
      if (out.status !== 'queued' && out.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(out).toMatchObject({ status: 'completed', created: 2, consent_granted: 1, skipped: 0, consent_refused: { opted_out: 1 } });
  });

  it('refuses a body that is not CSV', async () => {
    const res = await t.call(a.key, { method: 'POST', url: '/api/v1/suppressions/import', payload: { phones: ['+447400900001'] } });
    expect(res.statusCode).toBe(415);
  });
});
