// A Shopify customer export, imported as a shop owner would (issue 18's findings): the yes/no
// "Accepts SMS Marketing" column decides which rows grant the chosen topic (only with an attestation
// that the consent covered WhatsApp), first and last name are joined, and a value that is neither
// yes nor no is a row error naming the way out. Checked against known truth, row by row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createTopic } from '../src/modules/consent/index.js';
import { queryRowsOf } from '../src/modules/sql.js';

let t: TestApp;
let a: Awaited<ReturnType<TestApp['tenant']>>;

const ATTESTATION = { attested_by: 'Ann Owner', collected_where: 'checkout on shop.example', collected_at: '2025-03-01', text: 'Send me offers by SMS and WhatsApp. Reply STOP to stop.' };

// The header of Shopify's customer export (Customers → Export), with the cells Shopify writes.
const HEADER = 'Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags';
const ROWS = [
  // id, first, last, email, email mkt, phone, sms mkt
  ["'7001", 'Ana', 'Silva', 'ana@example.com', 'yes', "'+447400123001", 'yes'],
  ["'7002", 'Ben', '', 'ben@example.com', 'no', "'+447400123002", 'no'],
  ["'7003", '', 'Costa', 'cat@example.com', 'yes', "'+447400123003", 'YES'],
  ["'7004", 'Dan', 'Ode', 'dan@example.com', 'no', "'+447400123004", ''],
  ["'7005", 'Eve', 'Lima', 'eve@example.com', 'yes', "'+447400123005", 'maybe'],
];
const CSV = [HEADER, ...ROWS.map(([id, first, last, email, emailMkt, phone, smsMkt]) => [id, first, last, email, emailMkt, '', '1 High St', '', 'London', 'ENG', 'GB', 'N1 1AA', '', phone, smsMkt, '12.50', '1', '', 'no', 'vip'].join(','))].join('\r\n') + '\r\n';

const MAPPING = { phone: 'Phone', name: ['First Name', 'Last Name'], tags: 'Tags', topics: { keys: ['offers'], consent_column: 'Accepts SMS Marketing' } };

async function post(mapping: object, attestation?: object) {
  const q = new URLSearchParams({ mapping: JSON.stringify(mapping), ...(attestation ? { attestation: JSON.stringify(attestation) } : {}) });
  return t.call(a.key, { method: 'POST', url: `/api/v1/imports?${q}`, headers: { 'content-type': 'text/csv' }, payload: CSV });
}

async function finished(id: string): Promise<{ status: string; created: number; consent_granted: number; errors: { row: number; code: string; message: string }[] }> {
  for (let i = 0; i < 400; i++) {
    const body = (await t.call(a.key, { method: 'GET', url: `/api/v1/imports/${id}` })).json();
    if (body.status === 'completed' || body.status === 'failed') return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('import did not finish');
}

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('imports-shopify');
  await createTopic(a.ctx, { key: 'offers', name: 'Offers', category: 'marketing' });
});
afterAll(() => t.close());

describe('a Shopify customer export', () => {
  it('refuses a yes/no consent column without an attestation that the consent covered WhatsApp, naming the field and why', async () => {
    const res = await post(MAPPING, ATTESTATION);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.details.fields[0].field).toBe('attestation.covers_whatsapp');
    expect(res.json().error.message).toMatch(/email or SMS marketing consent is not/);
    // A consent column needs the topics it grants; it does not combine with a topics column.
    const noKeys = await post({ ...MAPPING, topics: { consent_column: 'Accepts SMS Marketing', column: 'Tags' } }, { ...ATTESTATION, covers_whatsapp: true });
    expect(noKeys.statusCode, noKeys.body).toBe(422);
    expect(JSON.stringify(noKeys.json().error.details)).toMatch(/topics\.keys|keys/);
  });

  it('grants the topic on yes rows only, joins first and last name, and reports a value that is neither yes nor no', async () => {
    const res = await post(MAPPING, { ...ATTESTATION, covers_whatsapp: true });
    expect(res.statusCode, res.body).toBe(202);
    const done = await finished(res.json().id);
    expect(done.status).toBe('completed');
    expect(done.created).toBe(4);
    expect(done.consent_granted).toBe(2);
    expect(done.errors).toEqual([expect.objectContaining({ row: 6, code: 'VALIDATION_FAILED', message: expect.stringMatching(/"maybe" is neither a yes value .* add it to topics.true_values or topics.false_values/) })]);
    const rows = await queryRowsOf<{ phone: string; name: string | null; status: string | null }>(
      t.db,
      sql`select c.phone, c.name, s.status from contacts c left join consent_state s on s.contact_id = c.id where c.workspace_id = ${a.workspaceId} order by c.phone`,
    );
    expect(rows).toEqual([
      { phone: '+447400123001', name: 'Ana Silva', status: 'granted' },
      { phone: '+447400123002', name: 'Ben', status: null },
      { phone: '+447400123003', name: 'Costa', status: 'granted' },
      { phone: '+447400123004', name: 'Dan Ode', status: null },
    ]);
    // The evidence records that the attestation said the consent covered WhatsApp.
    const [ev] = await queryRowsOf<{ evidence: Record<string, unknown> }>(t.db, sql`select evidence from consent_events where workspace_id = ${a.workspaceId} limit 1`);
    expect(JSON.stringify(ev!.evidence)).toMatch(/covers_whatsapp/);
  });

  it('reads the values the mapping names as yes and no', async () => {
    const res = await post({ ...MAPPING, topics: { ...MAPPING.topics, true_values: ['yes', 'maybe'], false_values: ['no'] } }, { ...ATTESTATION, covers_whatsapp: true });
    expect(res.statusCode, res.body).toBe(202);
    const done = await finished(res.json().id);
    expect(done.errors).toEqual([]);
    const [granted] = await queryRowsOf<{ n: number }>(t.db, sql`select count(*)::int as n from consent_state s join contacts c on c.id = s.contact_id where c.workspace_id = ${a.workspaceId} and s.status = 'granted'`);
    expect(granted!.n).toBe(3); // Ana, Cat (YES) and now Eve (maybe)
  });
});

describe('saved mappings and presets', () => {
  it('lists the presets, imports with the Shopify preset plus the keys the owner adds, and saves, reuses and deletes a mapping', async () => {
    const list = await t.call(a.key, { method: 'GET', url: '/api/v1/import-mappings' });
    expect(list.statusCode, list.body).toBe(200);
    const ids = list.json().data.map((m: { id: string }) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['preset:shopify-customers', 'preset:hubspot-contacts', 'preset:google-contacts']));
    const shopify = list.json().data.find((m: { id: string }) => m.id === 'preset:shopify-customers');
    expect(shopify.note).toMatch(/not WhatsApp/);

    // The preset reads Shopify's columns; the owner adds the consent column, topic and defaults.
    const q = new URLSearchParams({
      mapping_id: 'preset:shopify-customers',
      mapping: JSON.stringify({ topics: { keys: ['offers'], consent_column: 'Accepts SMS Marketing', true_values: ['yes'], false_values: ['no', 'maybe'] }, defaults: { language: 'en', tags: ['shopify'] } }),
      attestation: JSON.stringify({ ...ATTESTATION, covers_whatsapp: true }),
    });
    const res = await t.call(a.key, { method: 'POST', url: `/api/v1/imports?${q}`, headers: { 'content-type': 'text/csv' }, payload: CSV });
    expect(res.statusCode, res.body).toBe(202);
    const done = await finished(res.json().id);
    expect(done.errors).toEqual([]);
    const [eve] = await queryRowsOf<{ name: string; language: string; tags: string[]; country: string }>(t.db, sql`select name, language, tags, country from contacts where workspace_id = ${a.workspaceId} and phone = '+447400123005'`);
    expect(eve).toEqual({ name: 'Eve Lima', language: 'en', tags: expect.arrayContaining(['vip', 'shopify']), country: 'GB' });

    const saved = await t.call(a.key, { method: 'POST', url: '/api/v1/import-mappings', payload: { name: 'Our shop', mapping: { phone: 'Phone', name: ['First Name', 'Last Name'] } } });
    expect(saved.statusCode, saved.body).toBe(201);
    const again = await t.call(a.key, { method: 'POST', url: '/api/v1/import-mappings', payload: { name: 'Our shop', mapping: { phone: 'Phone', name: 'First Name' } } });
    expect(again.json().id).toBe(saved.json().id); // the same name replaces it
    const dry = await t.call(a.key, { method: 'POST', url: '/api/v1/imports', payload: { csv: CSV, mapping_id: saved.json().id, dry_run: true } });
    expect(dry.statusCode, dry.body).toBe(202);
    expect((await finished(dry.json().id)).errors).toEqual([]);
    expect((await t.call(a.key, { method: 'DELETE', url: `/api/v1/import-mappings/${saved.json().id}` })).statusCode).toBe(200);
    expect((await t.call(a.key, { method: 'DELETE', url: `/api/v1/import-mappings/${saved.json().id}` })).statusCode).toBe(404);
  });

  it('refuses a bad saved mapping, an unknown mapping_id and a bad default zone, naming the field', async () => {
    const bad = await t.call(a.key, { method: 'POST', url: '/api/v1/import-mappings', payload: { name: 'x', mapping: { name: 'Name' } } });
    expect(bad.statusCode, bad.body).toBe(422);
    expect(bad.json().error.details.fields[0].field).toBe('mapping.phone');
    const unknown = await t.call(a.key, { method: 'POST', url: '/api/v1/imports', payload: { csv: CSV, mapping_id: 'preset:nope' } });
    expect(unknown.statusCode, unknown.body).toBe(404);
    expect(unknown.json().error.message).toMatch(/GET \/api\/v1\/import-mappings/);
    const zone = await t.call(a.key, { method: 'POST', url: '/api/v1/imports', payload: { csv: CSV, mapping: { phone: 'Phone', defaults: { timezone: 'Mars/Base' } } } });
    expect(zone.statusCode, zone.body).toBe(422);
    expect(zone.json().error.details.fields[0].field).toBe('mapping.defaults.timezone');
    // Another workspace's saved mapping is not found.
    const other = await t.tenant('imports-shopify-b');
    const mine = await t.call(a.key, { method: 'POST', url: '/api/v1/import-mappings', payload: { name: 'Mine', mapping: { phone: 'Phone' } } });
    const theirs = await t.call(other.key, { method: 'POST', url: '/api/v1/imports', payload: { csv: CSV, mapping_id: mine.json().id, dry_run: true } });
    expect(theirs.statusCode, theirs.body).toBe(404);
  });
});
