// The import wizard's API: a file (or its start, as a browser sends a slice) previewed with its
// encoding, delimiter, header and rows as they would be imported, with nothing written; and an
// import's rejected rows downloaded as CSV, formula-neutralised, for this workspace only.
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopic } from '../src/modules/consent/index.js';
import { queryRowsOf } from '../src/modules/sql.js';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let a: Awaited<ReturnType<TestApp['tenant']>>;
let shopify: Buffer;

const CONSENT = { topics: { keys: ['offers'], consent_column: 'Accepts SMS Marketing' }, defaults: { language: 'en' } };

function preview(body: Buffer | string, query: Record<string, string>, key = a.key) {
  return t.call(key, { method: 'POST', url: `/api/v1/imports/preview?${new URLSearchParams(query)}`, headers: { 'content-type': 'text/csv' }, payload: body });
}

async function finished(id: string): Promise<{ status: string; error_count: number; errors: unknown[] }> {
  for (let i = 0; i < 400; i++) {
    const body = (await t.call(a.key, { method: 'GET', url: `/api/v1/imports/${id}` })).json();
    if (body.status === 'completed' || body.status === 'failed') return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('import did not finish');
}

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('imports-preview');
  await createTopic(a.ctx, { key: 'offers', name: 'Offers', category: 'marketing' });
  shopify = await readFile(new URL('../examples/shopify-customers.csv', import.meta.url));
});
afterAll(() => t.close());

describe('POST /api/v1/imports/preview', () => {
  it('shows the encoding, delimiter, header and raw rows of a file without a mapping', async () => {
    const res = await preview(shopify, { rows: '2' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ bytes: shopify.length, partial: false, encoding: 'utf-8', delimiter: ',', mapping: null });
    expect(body.header).toContain('Accepts SMS Marketing');
    expect(body.rows.map((r: { line: number }) => r.line)).toEqual([2, 3]);
    expect(body.rows[0].cells[1]).toBe('Maria');
    expect(body.rows[0].contact).toBeNull();
  });

  it('maps rows as the import would: the preset, a yes/no consent column, joined name, defaults and normalised phone', async () => {
    const res = await preview(shopify, { mapping_id: 'preset:shopify-customers', mapping: JSON.stringify(CONSENT) });
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.json().rows as { line: number; contact: { phone: string; name: string; language: string; tags: string[]; topics: string[] } }[];
    expect(rows.map((r) => [r.line, r.contact.phone, r.contact.name, r.contact.language, r.contact.topics])).toEqual([
      [2, '+14155550141', 'Maria Lopez', 'en', ['offers']],
      [3, '+14155550142', 'James Brown', 'en', []],
      [4, '+14155550143', 'Aiko', 'en', ['offers']],
    ]);
    expect(rows[0]!.contact.tags).toEqual(['vip', 'sandals']);
    expect(res.json().mapping).toMatchObject({ phone: 'Phone', name: ['First Name', 'Last Name'], topics: { consent_column: 'Accepts SMS Marketing' } });
    // Nothing was written.
    const [n] = await queryRowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from contacts where workspace_id = ${a.workspaceId}`);
    expect(n!.n).toBe(0);
  });

  it('shows a row error in place of the contact, and cuts a partial upload at its last whole line (a character cut in half is not read)', async () => {
    const csv = Buffer.from('phone;name\n+447400123001;Zoë\nnot a phone;Bob\n+447400123003;Chloé Dupont\n', 'utf8');
    // The slice ends inside the two bytes of "é": that line is dropped, not read as Windows-1252.
    const slice = csv.subarray(0, csv.indexOf('é', csv.indexOf('Chlo')) + 1);
    const res = await preview(slice, { partial: 'true', mapping: JSON.stringify({ phone: 'phone', name: 'name' }) });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ partial: true, encoding: 'utf-8', delimiter: ';', header: ['phone', 'name'] });
    expect(body.rows).toHaveLength(2);
    expect(body.rows[0].contact).toMatchObject({ phone: '+447400123001', name: 'Zoë' });
    expect(body.rows[1]).toMatchObject({ line: 3, contact: null, error: { code: 'PHONE_INVALID' } });
  });

  it('answers a column the file lacks, a bad mapping and a wrong content type with a 4xx naming the fix', async () => {
    const missing = await preview(shopify, { mapping: JSON.stringify({ phone: 'Mobile' }) });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error).toMatchObject({ code: 'IMPORT_CSV_INVALID' });
    expect(missing.json().error.message).toContain('no column "Mobile"');
    const badKey = await preview(shopify, { mapping: JSON.stringify({ phone: 'Phone', topics: { keys: ['nope'] } }) });
    expect(badKey.statusCode).toBeGreaterThanOrEqual(400);
    expect(badKey.statusCode).toBeLessThan(500);
    expect(badKey.body).toContain('mapping.topics.keys');
    const notJson = await preview(shopify, { mapping: '{phone' });
    expect(notJson.statusCode).toBe(422);
    expect(notJson.json().error.details.fields[0].field).toBe('mapping');
    const json = await t.call(a.key, { method: 'POST', url: '/api/v1/imports/preview', payload: { csv: 'phone\n' } });
    expect(json.statusCode).toBe(415);
    const rows = await preview(shopify, { rows: '500' });
    expect(rows.statusCode).toBe(422);
    expect(rows.body).toContain('rows');
  });

  it('is refused to a viewer (previewing is part of importing)', async () => {
    const viewer = await t.tenant('imports-preview-viewer', 'viewer');
    expect((await preview(shopify, {}, viewer.key)).statusCode).toBe(403);
  });
});

describe('GET /api/v1/imports/:id/rejected.csv', () => {
  it("lists an import's rejected rows with line, code and message, formula-neutralised, and is this workspace's only", async () => {
    const csv = 'phone,name\n+447400123001,Ann\n=HYPERLINK("http://evil"),Bob\n+447400123003,Cat\n,Empty\n';
    const q = new URLSearchParams({ mapping: JSON.stringify({ phone: 'phone', name: 'name' }) });
    const started = await t.call(a.key, { method: 'POST', url: `/api/v1/imports?${q}`, headers: { 'content-type': 'text/csv' }, payload: csv });
    expect(started.statusCode, started.body).toBe(202);
    const done = await finished(started.json().id);
    expect(done).toMatchObject({ status: 'completed', error_count: 2 });
    const res = await t.call(a.key, { method: 'GET', url: `/api/v1/imports/${started.json().id}/rejected.csv` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('attachment');
    expect(res.headers['x-rejected-rows-total']).toBe('2');
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe('"line","code","message"');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['"3","PHONE_INVALID"', '"5","PHONE_INVALID"']);
    // A cell a spreadsheet would run as a formula never starts with = in the download.
    expect(res.body).not.toMatch(/(^|,)"=/m);
    const other = await t.tenant('imports-preview-other');
    expect((await t.call(other.key, { method: 'GET', url: `/api/v1/imports/${started.json().id}/rejected.csv` })).statusCode).toBe(404);
    expect((await t.call(a.key, { method: 'GET', url: '/api/v1/imports/not-an-id/rejected.csv' })).statusCode).toBe(404);
  });
});
