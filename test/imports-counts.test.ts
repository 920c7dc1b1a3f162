import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from './helpers/app.js';
import { attributeDefinitions } from '../src/modules/contacts/contacts.tables.js';
import { createImport, prepareImport, runImport, type ImportOut, type RunOptions } from '../src/modules/imports/index.js';
import { queryRowsOf } from '../src/modules/sql.js';

let t: TestApp;
let a: Awaited<ReturnType<TestApp['tenant']>>;

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('import-counts');
  await t.db.insert(attributeDefinitions).values([{ workspaceId: a.workspaceId, key: 'city', type: 'string' }]);
});
afterAll(() => t.close());

/** Runs a CSV through the real pipeline (createImport + runImport), optionally as a given file hash. */
async function run(csv: string, mapping: object, opts: RunOptions & { sha256?: string; dryRun?: boolean } = {}): Promise<ImportOut> {
  const prepared = await prepareImport(t.db, a.workspaceId, { mapping, dryRun: opts.dryRun ?? false }, new Date());
  const id = await createImport({ ...a.ctx, now: new Date() }, prepared, { sha256: opts.sha256 ?? null });
  async function* body() {
    yield csv;
  }
  return runImport({ db: t.db, log: a.ctx.log, clock: { now: () => new Date() } }, { importId: id, workspaceId: a.workspaceId, actor: a.ctx.actor, prepared }, { stream: body() }, { useWorker: false, ...opts });
}

/** rows_total = created + updated + unchanged + merged + skipped, and skipped = the sum of its reasons. */
function expectAccounted(out: ImportOut): void {
  expect(out.created + out.updated + out.unchanged + out.merged + out.skipped).toBe(out.rows_total);
  expect(out.skipped_reasons.invalid + out.skipped_reasons.unreadable).toBe(out.skipped);
}

async function nameAndCity(phone: string) {
  const [row] = await queryRowsOf<{ name: string | null; city: string | null }>(t.db, sql`select name, attributes->>'city' as city from contacts where workspace_id = ${a.workspaceId} and phone = ${phone}`);
  return row;
}

describe('import counts account for every row', () => {
  it('counts created, updated, unchanged, merged and skipped (invalid and unreadable) so they add up to the rows', async () => {
    const mapping = { phone: 'phone', name: 'name', attributes: { city: 'city' } };
    await run(['phone,name,city', '+447400810001,Ann,London', '+447400810002,Bob,Leeds'].join('\n'), mapping);
    const csv = [
      'phone,name,city',
      '+447400810001,Ann,London', // unchanged
      '+447400810002,Bobby,Leeds', // updated
      '+447400810003,Cy,York', // created
      'nonsense,Dee,', // invalid
      '+447400810003,Cyril,', // merged into line 4
      '',
      '+447400810004,"never closed', // unreadable to the end
      '+447400810005,Eve,',
    ].join('\n');
    const out = await run(csv, mapping);
    expect(out).toMatchObject({ status: 'completed', rows_total: 6, created: 1, updated: 1, unchanged: 1, merged: 1, skipped: 2, skipped_reasons: { invalid: 1, unreadable: 1 }, error_count: 2 });
    expect(out.merges).toEqual([{ row: 6, into_row: 4, ignored: ['name'] }]);
    expectAccounted(out);
  });

  it('keeps the first row of a number across chunks: a later row only fills blanks ("Olivia Smith" stays)', async () => {
    const mapping = { phone: 'phone', name: 'name', attributes: { city: 'city' } };
    const csv = ['phone,name,city', '+447400820001,Olivia Smith,', '+447400820002,Ben,', '+447400820003,Cat,', '+447400820001,Oliver Taylor,Bath'].join('\n');
    const out = await run(csv, mapping, { chunkSize: 2 });
    expect(out).toMatchObject({ status: 'completed', rows_total: 4, created: 3, updated: 0, merged: 1 });
    expect(out.merges).toEqual([{ row: 5, into_row: null, ignored: [] }]);
    expectAccounted(out);
    expect(await nameAndCity('+447400820001')).toEqual({ name: 'Olivia Smith', city: 'Bath' });
    // A later import is an update, not a duplicate: its name replaces the stored one.
    const later = await run('phone,name\n+447400820001,Olivia Taylor\n', { phone: 'phone', name: 'name' });
    expect(later).toMatchObject({ updated: 1, merged: 0 });
    expect((await nameAndCity('+447400820001'))?.name).toBe('Olivia Taylor');
  });

  it('writes parts in file order even with two transactions in flight (PostgreSQL): later rows only fill blanks, two forms of one Brazilian number stay one contact', async () => {
    const mapping = { phone: 'phone', name: 'name', attributes: { city: 'city' } };
    // 30 chunks of 2 rows: every third chunk repeats a number of the chunk before, with a different name and a city.
    const rows: string[] = [];
    for (let i = 0; i < 20; i++) rows.push(`+4474008500${String(i).padStart(2, '0')},First ${i},`, `+4474008600${String(i).padStart(2, '0')},Other ${i},`, `+4474008500${String(i).padStart(2, '0')},Later ${i},Bath`);
    // The same WhatsApp user twice: with the ninth digit, then (a chunk later) without it.
    rows.push('+5511944445555,Ana,', '+447400869999,Pad,', '+551144445555,Ana Later,Rio');
    const out = await run(['phone,name,city', ...rows].join('\n'), mapping, { chunkSize: 2 });
    expect(out).toMatchObject({ status: 'completed', rows_total: 63, created: 42, merged: 21 });
    expectAccounted(out);
    for (let i = 0; i < 20; i += 7) expect(await nameAndCity(`+4474008500${String(i).padStart(2, '0')}`)).toEqual({ name: `First ${i}`, city: 'Bath' });
    const ana = await queryRowsOf<{ phone: string; name: string; city: string | null }>(t.db, sql`select phone, name, attributes->>'city' as city from contacts where workspace_id = ${a.workspaceId} and phone like '+5511%44445555'`);
    expect(ana).toHaveLength(1);
    expect(ana[0]!.name).toBe('Ana');
  });

  it('a re-run after a crash counts what this run did, and what the crashed run had already written', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `+4474008300${String(i).padStart(2, '0')},Person ${i}`);
    const csv = ['phone,name', ...rows].join('\n');
    const mapping = { phone: 'phone', name: 'name' };
    const sha256 = 'c0ffee'.repeat(10) + 'abcd';
    const stop = new AbortController();
    const crashed = await run(csv, mapping, { sha256, chunkSize: 5, signal: stop.signal, onProgress: (p) => p.rowsRead >= 15 && stop.abort() });
    expect(crashed.status).toBe('failed');
    expect(crashed.created).toBeGreaterThanOrEqual(15);
    expect(crashed.created).toBeLessThan(40);
    expectAccounted(crashed);

    const resumed = await run(csv, mapping, { sha256, chunkSize: 5 });
    expect(resumed).toMatchObject({ status: 'completed', rows_total: 40, created: 40 - crashed.created, updated: 0, unchanged: crashed.created, skipped: 0 });
    expect(resumed.resumed_from).toEqual({ import_id: crashed.id, created: crashed.created, updated: 0 });
    expectAccounted(resumed);

    // The crashed run is completed now: a third run of the file is a plain re-run.
    const again = await run(csv, mapping, { sha256, chunkSize: 5 });
    expect(again).toMatchObject({ status: 'completed', created: 0, updated: 0, unchanged: 40, resumed_from: null });
    // A different file is not a resume.
    const other = await run(csv, mapping, { sha256: 'f'.repeat(64) });
    expect(other.resumed_from).toBeNull();
  });

  it('a dry run accounts for every row too', async () => {
    const out = await run(['phone,name', '+447400840001,New', '+447400810001,Ann', '+447400840001,Again', 'bad,Row'].join('\n'), { phone: 'phone', name: 'name' }, { dryRun: true });
    expectAccounted(out);
    expect(out).toMatchObject({ merged: 1, skipped: 1 });
  });
});
