import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { createTestApp, type TestApp } from './helpers/app.js';
import { attributeDefinitions, contacts } from '../src/modules/contacts/contacts.tables.js';
import { addSuppressions, appendConsentEvents, createTopic, phoneHasher } from '../src/modules/consent/index.js';
import { imports } from '../src/modules/imports/imports.tables.js';
import { queryRowsOf } from '../src/modules/sql.js';
import { findOrCreateContactByWaId } from '../src/modules/contacts/index.js';

let t: TestApp;
let a: Awaited<ReturnType<TestApp['tenant']>>;

const ATTESTATION = { attested_by: 'Ann Owner', collected_where: 'checkout form on shop.example', collected_at: '2025-03-01', text: 'Yes, send me offers on WhatsApp. Reply STOP to stop.' };

interface ImportBody {
  id: string;
  status: string;
  rows_total: number;
  created: number;
  updated: number;
  skipped: number;
  unchanged: number;
  merged: number;
  skipped_reasons: { invalid: number; unreadable: number };
  consent_refused: { opted_out: number };
  merges: { row: number; into_row: number | null; ignored: string[] }[];
  consent_granted: number;
  error_count: number;
  errors: { row: number; code: string; message: string }[];
  encoding: string | null;
  failure: string | null;
}

/** POSTs a CSV body (string or bytes) and waits for the import to finish. */
async function importCsv(key: string, body: string | Buffer, mapping: object, opts: { attestation?: object; dryRun?: boolean } = {}): Promise<ImportBody> {
  const q = new URLSearchParams({ mapping: JSON.stringify(mapping), ...(opts.attestation ? { attestation: JSON.stringify(opts.attestation) } : {}), ...(opts.dryRun ? { dry_run: 'true' } : {}) });
  const res = await t.call(key, { method: 'POST', url: `/api/v1/imports?${q}`, headers: { 'content-type': 'text/csv' }, payload: body });
  expect(res.statusCode, res.body).toBe(202);
  return waitFor(key, res.json().id as string);
}

async function waitFor(key: string, id: string): Promise<ImportBody> {
  for (let i = 0; i < 400; i++) {
    const res = await t.call(key, { method: 'GET', url: `/api/v1/imports/${id}` });
    const body = res.json() as ImportBody;
    if (body.status === 'completed' || body.status === 'failed') return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`import ${id} did not finish`);
}

async function contactByPhone(workspaceId: string, phone: string) {
  const rows = await t.db.select().from(contacts).where(sql`${contacts.workspaceId} = ${workspaceId} and ${contacts.phone} = ${phone}`);
  return rows[0];
}

async function countContacts(workspaceId: string): Promise<number> {
  const [r] = await queryRowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from contacts where workspace_id = ${workspaceId}`);
  return r!.n;
}

async function countConsentEvents(workspaceId: string): Promise<number> {
  const [r] = await queryRowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from consent_events where workspace_id = ${workspaceId}`);
  return r!.n;
}

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('imports-a');
  await t.db.insert(attributeDefinitions).values([
    { workspaceId: a.workspaceId, key: 'city', type: 'string' },
    { workspaceId: a.workspaceId, key: 'age', type: 'number' },
    { workspaceId: a.workspaceId, key: 'vip', type: 'boolean' },
    { workspaceId: a.workspaceId, key: 'birthday', type: 'date' },
    { workspaceId: a.workspaceId, key: 'plan', type: 'enum', enumValues: ['free', 'pro'] },
  ]);
  await createTopic(a.ctx, { key: 'offers', name: 'Offers', category: 'marketing' });
  await createTopic(a.ctx, { key: 'news', name: 'News', category: 'marketing' });
});
afterAll(() => t.close());

describe('CSV import into a static list', () => {
  it('adds every imported contact to the list, once, and refuses a dynamic segment or another workspace\'s list', async () => {
    const list = (await t.call(a.key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'Trade fair 2026' } })).json();
    const csv = 'phone,name\n+447400555001,A\n+447400555002,B\nnot a phone,C\n';
    const done = await importCsv(a.key, csv, { phone: 'phone', name: 'name', list: list.id });
    expect(done).toMatchObject({ status: 'completed', created: 2 });
    expect((await t.call(a.key, { method: 'GET', url: `/api/v1/segments/${list.id}` })).json().member_count).toBe(2);
    await importCsv(a.key, csv, { phone: 'phone', name: 'name', list: list.id });
    expect((await t.call(a.key, { method: 'GET', url: `/api/v1/segments/${list.id}` })).json().member_count).toBe(2);
    const dynamic = (await t.call(a.key, { method: 'POST', url: '/api/v1/segments', payload: { name: 'Dyn', rules: { field: 'tags', op: 'exists' } } })).json();
    const q = (m: object) => `/api/v1/imports?${new URLSearchParams({ mapping: JSON.stringify(m) })}`;
    const refused = await t.call(a.key, { method: 'POST', url: q({ phone: 'phone', list: dynamic.id }), headers: { 'content-type': 'text/csv' }, payload: csv });
    expect(refused.json().error).toMatchObject({ code: 'SEGMENT_NOT_STATIC', details: { field: 'mapping.list' } });
    const other = await t.tenant('imports-list-b');
    const foreign = await t.call(other.key, { method: 'POST', url: q({ phone: 'phone', list: list.id }), headers: { 'content-type': 'text/csv' }, payload: csv });
    expect(foreign.statusCode).toBe(404);
  });
});

describe('CSV import: rows', () => {
  it('imports good rows and reports bad ones with their line numbers', async () => {
    const csv = [
      'phone,name,city,age,vip,birthday,plan',
      '+44 7400 123456,Ann,London,34,yes,1990-05-01,pro',
      'not a phone,Bob,Paris,1,no,,free',
      '+1 415 555 26 71x,Cy,,,,,',
      '+14155552671,Dee,Rome,old,,,',
      '+14155552672,Eve,,,maybe,,',
      '+14155552673,Fay,,,,1990-02-30,',
      '+14155552674,Gus,,,,,enterprise',
      '07400 123457,Hal,Leeds,,,,',
      '',
      '+49 151 23456789,Ida,Berlin,41.5,1,,free',
    ].join('\n');
    const mapping = { phone: 'phone', name: 'name', default_country: 'GB', attributes: { city: 'city', age: 'age', vip: 'vip', birthday: 'birthday', plan: 'plan' } };
    const out = await importCsv(a.key, csv, mapping);
    expect(out.status).toBe('completed');
    expect(out.rows_total).toBe(9);
    expect(out.created).toBe(3);
    expect(out.error_count).toBe(6);
    expect(out.skipped).toBe(6);
    expect(out.errors.map((e) => [e.row, e.code])).toEqual([
      [3, 'PHONE_INVALID'],
      [4, 'PHONE_INVALID'],
      [5, 'ATTRIBUTE_INVALID'],
      [6, 'ATTRIBUTE_INVALID'],
      [7, 'ATTRIBUTE_INVALID'],
      [8, 'ATTRIBUTE_INVALID'],
    ]);
    expect(out.errors[2]!.message).toMatch(/attributes\.age: must be a number/);
    const ann = await contactByPhone(a.workspaceId, '+447400123456');
    expect(ann).toMatchObject({ name: 'Ann', country: 'GB', attributes: { city: 'London', age: 34, vip: true, birthday: '1990-05-01', plan: 'pro' } });
    expect((await contactByPhone(a.workspaceId, '+447400123457'))?.name).toBe('Hal');
    expect((await contactByPhone(a.workspaceId, '+4915123456789'))?.attributes).toEqual({ city: 'Berlin', age: 41.5, vip: true, plan: 'free' });
  });
});

describe('CSV import: encodings and broken files', () => {
  const mapping = { phone: 'phone', name: 'name' };

  it('decodes UTF-8 with a BOM, UTF-16LE with a BOM and Windows-1252', async () => {
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('phone,name\r\n+14155550101,Zoë Ünal\r\n')]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('phone;name\n+14155550102;Łukasz Żółć\n', 'utf16le')]);
    const cp1252 = iconv.encode('phone,name\n+14155550103,José Müller €\n', 'windows-1252');
    expect(cp1252.includes(0xe9)).toBe(true);
    const outs = [await importCsv(a.key, utf8, mapping), await importCsv(a.key, utf16, mapping), await importCsv(a.key, cp1252, mapping)];
    expect(outs.map((o) => [o.status, o.created, o.encoding])).toEqual([
      ['completed', 1, 'utf-8-bom'],
      ['completed', 1, 'utf-16le'],
      ['completed', 1, 'windows-1252'],
    ]);
    expect((await contactByPhone(a.workspaceId, '+14155550101'))?.name).toBe('Zoë Ünal');
    expect((await contactByPhone(a.workspaceId, '+14155550102'))?.name).toBe('Łukasz Żółć');
    expect((await contactByPhone(a.workspaceId, '+14155550103'))?.name).toBe('José Müller €');
  });

  it('rejects a binary file with IMPORT_ENCODING_UNSUPPORTED and stores nothing', async () => {
    const before = await countContacts(a.workspaceId);
    const zip = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64, 0), Buffer.from('phone\n+14155550199\n')]);
    const q = new URLSearchParams({ mapping: JSON.stringify(mapping) });
    const res = await t.call(a.key, { method: 'POST', url: `/api/v1/imports?${q}`, headers: { 'content-type': 'text/csv' }, payload: zip });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('IMPORT_ENCODING_UNSUPPORTED');
    expect(res.json().error.message).toMatch(/CSV UTF-8/);
    expect(await countContacts(a.workspaceId)).toBe(before);
  });

  it('reports broken quotes per row with the line and imports the rest', async () => {
    const csv = ['phone,name', '+14155550111,"Ann, the first"', '+14155550112,"multi', 'line"', '+14155550113,Bo"b', '+14155550114,"Ann',
      '+14155550115,"Cy"', '+14155550116,Dee', '+14155550117,"never closed', '+14155550118,Eve'].join('\n');
    const out = await importCsv(a.key, csv, mapping);
    expect(out.status).toBe('completed');
    expect((await contactByPhone(a.workspaceId, '+14155550111'))?.name).toBe('Ann, the first');
    expect((await contactByPhone(a.workspaceId, '+14155550112'))?.name).toBe('multi\nline');
    expect((await contactByPhone(a.workspaceId, '+14155550113'))?.name).toBe('Bo"b');
    expect((await contactByPhone(a.workspaceId, '+14155550116'))?.name).toBe('Dee');
    expect(out.errors.map((e) => [e.row, e.code])).toEqual([
      [6, 'IMPORT_CSV_INVALID'],
      [9, 'IMPORT_CSV_INVALID'],
    ]);
    expect(out.errors[1]!.message).toMatch(/never closed/);
    expect(await contactByPhone(a.workspaceId, '+14155550118')).toBeUndefined();
  });

  it('refuses a mapping naming a column the file does not have, before importing', async () => {
    const q = new URLSearchParams({ mapping: JSON.stringify({ phone: 'Mobile' }) });
    const res = await t.call(a.key, { method: 'POST', url: `/api/v1/imports?${q}`, headers: { 'content-type': 'text/csv' }, payload: 'phone,name\n+14155550121,Ann\n' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'IMPORT_CSV_INVALID', details: { missing: ['Mobile'] } });
  });

  it('refuses an undefined attribute and an invalid mapping with 422', async () => {
    const q = new URLSearchParams({ mapping: JSON.stringify({ phone: 'phone', attributes: { shoe_size: 'size' } }) });
    const res = await t.call(a.key, { method: 'POST', url: `/api/v1/imports?${q}`, headers: { 'content-type': 'text/csv' }, payload: 'phone,size\n+14155550122,42\n' });
    expect(res.json().error.code).toBe('ATTRIBUTE_INVALID');
    const bad = await t.call(a.key, { method: 'POST', url: `/api/v1/imports?mapping=${encodeURIComponent('{"name":"x"}')}`, headers: { 'content-type': 'text/csv' }, payload: 'phone\n' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.fields[0].field).toBe('mapping.phone');
  });

  it('answers 413 for a body declared larger than the limit, without reading it', async () => {
    const q = new URLSearchParams({ mapping: JSON.stringify(mapping) });
    const res = await t.call(a.key, { method: 'POST', url: `/api/v1/imports?${q}`, headers: { 'content-type': 'text/csv', 'content-length': String(600 * 1024 * 1024) }, payload: 'phone\n+14155550123\n' });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('BODY_TOO_LARGE');
  });
});

describe('CSV import: duplicates, re-runs and consent', () => {
  it('merges duplicate rows: the first row wins per field, later rows fill blanks, tags are unioned, merges are reported', async () => {
    const csv = ['phone,name,city,tags,plan', '+447400200001,Ann,London,vip;a,', '07400 200001,,Leeds,b,pro', '+44 7400 200001,Annie,,a;c,'].join('\n');
    const out = await importCsv(a.key, csv, { phone: 'phone', name: 'name', default_country: 'GB', attributes: { city: 'city', plan: 'plan' }, tags: 'tags' });
    expect(out).toMatchObject({ rows_total: 3, created: 1, updated: 0, unchanged: 0, merged: 2, skipped: 0, error_count: 0 });
    expect(out.merges).toEqual([
      { row: 3, into_row: 2, ignored: ['attributes.city'] },
      { row: 4, into_row: 2, ignored: ['name'] },
    ]);
    const c = await contactByPhone(a.workspaceId, '+447400200001');
    expect(c).toMatchObject({ name: 'Ann', attributes: { city: 'London', plan: 'pro' }, tags: ['vip', 'a', 'b', 'c'] });
  });

  it('records consent with the attestation as evidence, and a re-run creates nothing new', async () => {
    const csv = ['phone,name,topics,opted_in', '+447400300001,Ann,offers;news,2025-02-01', '+447400300002,Bob,offers,2025-02-02T10:00:00Z', '+447400300003,Cy,,', '+447400300004,Dee,offers,'].join('\n');
    const mapping = { phone: 'phone', name: 'name', topics: { column: 'topics' }, consent_date: 'opted_in' };
    const events0 = await countConsentEvents(a.workspaceId);
    const first = await importCsv(a.key, csv, mapping, { attestation: ATTESTATION });
    expect(first).toMatchObject({ status: 'completed', rows_total: 4, created: 4, updated: 0, consent_granted: 3, error_count: 0 });
    const [ev] = await queryRowsOf<{ evidence: Record<string, unknown>; source: string; occurred_at: string | Date; dedupe_key: string }>(
      t.db,
      sql`select e.evidence, e.source, e.occurred_at, e.dedupe_key from consent_events e join contacts c on c.id = e.contact_id where c.phone = '+447400300002'`,
    );
    expect(ev!.source).toBe('import');
    expect(ev!.evidence).toMatchObject({ text: ATTESTATION.text, attested_by: 'Ann Owner', collected_where: ATTESTATION.collected_where, import_id: first.id, row: 3 });
    expect(new Date(ev!.occurred_at).toISOString()).toBe('2025-02-02T10:00:00.000Z');
    expect(ev!.dedupe_key).toMatch(/^import:[0-9a-f]{64}$/);

    const again = await importCsv(a.key, csv, mapping, { attestation: ATTESTATION });
    expect(again).toMatchObject({ status: 'completed', rows_total: 4, created: 0, updated: 0, consent_granted: 0, error_count: 0 });
    expect(await countConsentEvents(a.workspaceId)).toBe(events0 + 3);
  });

  it('refuses consent without a complete attestation (422 naming what is missing)', async () => {
    const q = new URLSearchParams({ mapping: JSON.stringify({ phone: 'phone', topics: { keys: ['offers'] } }), attestation: JSON.stringify({ attested_by: 'Ann', text: 'Yes' }) });
    const res = await t.call(a.key, { method: 'POST', url: `/api/v1/imports?${q}`, headers: { 'content-type': 'text/csv' }, payload: 'phone\n+447400300009\n' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'IMPORT_ATTESTATION_MISSING', details: { missing: ['attestation.collected_where', 'attestation.collected_at'] } });
    expect(await contactByPhone(a.workspaceId, '+447400300009')).toBeUndefined();
  });

  it('never re-subscribes a suppressed or opted-out number, even after erasure', async () => {
    const hash = await phoneHasher(t.db, a.workspaceId);
    await addSuppressions(t.db, a.workspaceId, [hash('+447400400001')], 'stop_keyword', 'test', new Date());
    const withdrawn = await findOrCreateContactByWaId(t.db, a.workspaceId, '447400400002', undefined, new Date());
    await appendConsentEvents(t.db, a.workspaceId, { type: 'system', id: null },
      [{ contactId: withdrawn.id, topicId: null, action: 'withdraw', source: 'stop_keyword', evidence: {}, occurredAt: new Date('2025-01-01T00:00:00Z'), dedupeKey: 'test-stop-1' }], new Date());
    const csv = ['phone,name', '+447400400001,Erased Ann', '+447400400002,Stopped Bob', '+447400400003,Fresh Cy'].join('\n');
    const out = await importCsv(a.key, csv, { phone: 'phone', name: 'name', topics: { keys: ['offers'] } }, { attestation: ATTESTATION });
    // The three contacts are imported; two grants are refused (consent outcomes, not skipped rows).
    expect(out).toMatchObject({ status: 'completed', rows_total: 3, created: 2, updated: 1, unchanged: 0, skipped: 0, consent_granted: 1, consent_refused: { opted_out: 2 } });
    const states = await queryRowsOf<{ phone: string; status: string }>(
      t.db,
      sql`select c.phone, s.status from consent_state s join contacts c on c.id = s.contact_id join topics tp on tp.id = s.topic_id
          where c.workspace_id = ${a.workspaceId} and tp.key = 'offers' and c.phone like '+4474004%' order by c.phone`,
    );
    expect(states).toEqual([
      { phone: '+447400400002', status: 'withdrawn' },
      { phone: '+447400400003', status: 'granted' },
    ]);
    // The suppressed number exists as a contact (the list knows it) but has no grant: not sendable.
    expect(await contactByPhone(a.workspaceId, '+447400400001')).toBeDefined();
  });

  it('imports rows without consent evidence as contacts with no grant', async () => {
    const csv = ['phone,opted_in,where', '+447400500001,2025-01-01,shop', '+447400500002,,shop', '+447400500003,2025-01-01,'].join('\n');
    const out = await importCsv(a.key, csv, { phone: 'phone', topics: { keys: ['news'] }, consent_date: 'opted_in', consent_source: 'where' }, { attestation: ATTESTATION });
    expect(out).toMatchObject({ created: 3, consent_granted: 1 });
  });

  it('dry run reports errors and would-be counts and writes nothing', async () => {
    const contacts0 = await countContacts(a.workspaceId);
    const events0 = await countConsentEvents(a.workspaceId);
    const csv = ['phone,name', '+447400600001,New', '+447400300003,Existing', 'garbage,Bad'].join('\n');
    const out = await importCsv(a.key, csv, { phone: 'phone', name: 'name', topics: { keys: ['offers'] } }, { attestation: ATTESTATION, dryRun: true });
    expect(out).toMatchObject({ status: 'completed', rows_total: 3, created: 1, updated: 1, error_count: 1, consent_granted: 2 });
    expect(out.errors[0]).toMatchObject({ row: 4, code: 'PHONE_INVALID' });
    expect(await countContacts(a.workspaceId)).toBe(contacts0);
    expect(await countConsentEvents(a.workspaceId)).toBe(events0);
  });

  it('accepts the small-file JSON form and lists imports', async () => {
    const res = await t.call(a.key, { method: 'POST', url: '/api/v1/imports', payload: { csv: 'phone\n+447400700001\n', mapping: { phone: 'phone' }, filename: 'small.csv' } });
    expect(res.statusCode).toBe(202);
    const out = await waitFor(a.key, res.json().id);
    expect(out).toMatchObject({ status: 'completed', created: 1 });
    const list = (await t.call(a.key, { method: 'GET', url: '/api/v1/imports?limit=2' })).json();
    expect(list.data[0]).toMatchObject({ id: out.id, filename: 'small.csv', errors: [] });
    expect(list.next_cursor).toEqual(expect.any(String));
    const page2 = (await t.call(a.key, { method: 'GET', url: `/api/v1/imports?limit=2&cursor=${list.next_cursor}` })).json();
    expect(page2.data.map((d: { id: string }) => d.id)).not.toContain(out.id);
  });

  it('audits each import', async () => {
    const rows = await queryRowsOf<{ action: string }>(t.db, sql`select action from audit_log where workspace_id = ${a.workspaceId} and target_type = 'import'`);
    expect(rows.filter((r) => r.action === 'import.created').length).toBeGreaterThan(5);
    expect(rows.some((r) => r.action === 'import.completed')).toBe(true);
  });

  it('marks an import whose process died as failed (stale heartbeat)', async () => {
    const { failStaleImports } = await import('../src/modules/imports/index.js');
    const [row] = await t.db.insert(imports).values({ workspaceId: a.workspaceId, status: 'running', heartbeatAt: new Date(Date.now() - 5 * 60_000) }).returning();
    expect(await failStaleImports(t.db, new Date())).toBeGreaterThanOrEqual(1);
    const [after] = await t.db.select().from(imports).where(eq(imports.id, row!.id));
    expect(after).toMatchObject({ status: 'failed' });
    expect(after!.failure).toMatch(/run the same file again/);
  });
});

describe('CSV import: large files', () => {
  it('parses a file of several MB in the worker thread, in chunks, with the same results', async () => {
    const lines = ['phone,name,city,tags'];
    for (let i = 0; i < 40_000; i++) lines.push(`+1 (415) 2${String(i).padStart(6, '0').slice(0, 2)}-${String(i).padStart(6, '0').slice(2)},Person ${i} with a longer name,City ${i % 7},t${i % 3};bulk`);
    lines.push('+1 415 nope,Bad,,');
    const csv = `${lines.join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(2 * 1024 * 1024);
    const out = await importCsv(a.key, csv, { phone: 'phone', name: 'name', attributes: { city: 'city' }, tags: 'tags' });
    expect(out.failure).toBeNull();
    expect(out).toMatchObject({ status: 'completed', rows_total: 40_001, created: 40_000, error_count: 1 });
    expect(out.errors[0]).toMatchObject({ row: 40_002, code: 'PHONE_INVALID' });
    expect(await contactByPhone(a.workspaceId, '+14152039000')).toMatchObject({ name: 'Person 39000 with a longer name', attributes: { city: 'City 3' }, tags: ['t0', 'bulk'] });
  });

  it('stops a stream over the size limit with BODY_TOO_LARGE', async () => {
    const { prepareImport, createImport, runImport } = await import('../src/modules/imports/index.js');
    const prepared = await prepareImport(t.db, a.workspaceId, { mapping: { phone: 'phone' } }, new Date());
    const id = await createImport(a.ctx, prepared, {});
    async function* body() {
      yield 'phone\n';
      for (let i = 0; i < 1000; i++) yield `+1415555${String(i).padStart(4, '0')}\n`;
    }
    const out = await runImport({ db: t.db, log: a.ctx.log, clock: { now: () => new Date() } }, { importId: id, workspaceId: a.workspaceId, actor: a.ctx.actor, prepared }, { stream: body() }, { maxBytes: 2_000, chunkSize: 10 });
    expect(out.status).toBe('failed');
    expect(out.failure).toMatch(/^BODY_TOO_LARGE/);
  });
});

describe('CSV import: workspace defaults', () => {
  it("reads national numbers with the workspace's default country when the mapping names none", async () => {
    const c = await t.tenant('imports-gb');
    const patched = await t.call(c.key, { method: 'PATCH', url: '/api/v1/workspace', payload: { settings: { default_country: 'GB' } } });
    expect(patched.statusCode).toBe(200);
    const q = new URLSearchParams({ mapping: JSON.stringify({ phone: 'phone' }) });
    const res = await t.call(c.key, { method: 'POST', url: `/api/v1/imports?${q}`, headers: { 'content-type': 'text/csv' }, payload: 'phone\n07400 300100\n' });
    const out = await waitFor(c.key, res.json().id);
    expect(out).toMatchObject({ status: 'completed', created: 1, error_count: 0 });
    expect(await contactByPhone(c.workspaceId, '+447400300100')).toBeDefined();
  });
});
