import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, onPostgres } from './helpers/db.js';
import { lastLine, runGreenlist, spawnGreenlist, type GreenlistProcess } from './helpers/process.js';
import { progressOutput } from '../src/entrypoints/import-command.js';

const dirs: string[] = [];
const running: GreenlistProcess[] = [];

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'greenlist-import-cli-'));
  dirs.push(d);
  return d;
}

afterAll(async () => {
  for (const p of running) await p.stop('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const CSV = ['phone,name,city', '07400 111001,Ann,London', '+447400111002,Bob,Leeds', 'nonsense,Cy,', '+447400111001,Annie,'].join('\n');

async function lookup(url: string, key: string, phone: string): Promise<{ name: string } | undefined> {
  const res = await fetch(`${url}/api/v1/contacts?phone=${encodeURIComponent(phone)}`, { headers: { authorization: `Bearer ${key}` } });
  return ((await res.json()) as { data: { name: string }[] }).data[0];
}

/** Progress without a terminal: plain lines only, none stale, and (if any) the last one final. */
function expectPlainProgress(stderr: string, rows: number): void {
  expect(stderr).not.toMatch(/\[[#.]+\]|\r/);
  const lines = stderr.split('\n').filter((l) => / rows, /.test(l));
  expect(lines.filter((l) => /(^|\s)0 rows, /.test(l))).toEqual([]);
  if (lines.length > 0) expect(lines.at(-1)).toMatch(new RegExp(`: done, ${rows} rows, `));
}

// Spawned processes (PGlite's first start runs initdb) are slow on a loaded 2-core machine.
describe.skipIf(onPostgres)('greenlist import on the embedded database', { timeout: 180_000 }, () => {
  it('imports in-process when no server runs, then through the running server (never opening PGlite twice)', async () => {
    const dir = await tempDir();
    const file = join(dir, 'contacts.csv');
    await writeFile(file, CSV);
    const env = { GREENLIST_DATA_DIR: join(dir, 'data'), GREENLIST_PORT: '0' };

    const dry = await runGreenlist(['import', file, '--name-column', 'name', '--default-country', 'GB', '--dry-run'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/completed \(dry run: nothing was written\): 4 rows, 2 created/);

    const first = await runGreenlist(['import', file, '--name-column', 'name', '--default-country', 'GB'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/completed: 4 rows, 2 created, 0 updated, 0 unchanged, 1 merged duplicates, 1 skipped \(1 invalid, 0 unreadable\)/);
    expect(first.stdout).toMatch(/line 4: PHONE_INVALID/);
    expect(first.stdout).toMatch(/line 5: same number as line 2, merged \(its name differed; the first row's kept\)/);
    // No terminal here: no bar, no carriage returns, and no stale "0 rows" progress line.
    expectPlainProgress(first.stderr, 4);

    const server = spawnGreenlist(['start'], env);
    running.push(server);
    const url = await server.ready();
    const key = lastLine((await runGreenlist(['apikey', 'create'], env)).stdout);
    expect(await lookup(url, key, '+447400111001')).toMatchObject({ name: 'Ann' });

    const second = join(dir, 'more.csv');
    await writeFile(second, 'Mobile;Name\n+447400111003;Dee\n+447400111002;Bobby\n');
    const viaServer = await runGreenlist(['import', second, '--mapping', JSON.stringify({ phone: 'Mobile', name: 'Name' })], env);
    expect(viaServer.code, viaServer.stderr).toBe(0);
    expect(viaServer.stdout).toMatch(/completed: 2 rows, 1 created, 1 updated/);
    expectPlainProgress(viaServer.stderr, 2);
    expect(await lookup(url, key, '+447400111003')).toMatchObject({ name: 'Dee' });
    expect(await lookup(url, key, '+447400111002')).toMatchObject({ name: 'Bobby' });

    // Refusals come back with their code and a non-zero exit.
    const refused = await runGreenlist(['import', second, '--phone-column', 'Mobile', '--topics', 'offers'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/IMPORT_ATTESTATION_MISSING/);
    expect(await server.stop()).toBe(0);
  });
});

describe('import progress without a terminal', () => {
  it('prints plain periodic lines and ends on the final counts, never a stale line', () => {
    let t = 0;
    const written: string[] = [];
    const out = progressOutput('shop.csv', { write: (x: string) => written.push(x), isTTY: false }, true, () => t);
    out.draw(0, 1000, 0, 0); // the first poll of a server-run import: nothing read yet
    t = 6_000;
    out.draw(400, 1000, 12_000, 1);
    t = 7_000;
    out.draw(800, 1000, 20_000, 1); // within 5 s of the last line: not printed
    out.end(25_000, 2);
    expect(written.join('')).not.toMatch(/\r|\[/);
    expect(written.join('')).not.toContain('\u001b');
    expect(written).toEqual(['shop.csv: 40% read, 12,000 rows, 2,000 rows/s, 1 errors\n', 'shop.csv: done, 25,000 rows, 3,571 rows/s, 2 errors\n']);
  });

  it('prints nothing for a quick import, and redraws one bar only on a terminal', () => {
    const plain: string[] = [];
    const quick = progressOutput('a.csv', { write: (x: string) => plain.push(x), isTTY: false }, false, () => 100);
    quick.draw(0, 10, 0, 0);
    quick.draw(10, 10, 4, 1);
    quick.end(4, 1);
    expect(plain).toEqual([]);
    const tty: string[] = [];
    const bar = progressOutput('a.csv', { write: (x: string) => tty.push(x), isTTY: true }, true, () => 100);
    bar.draw(10, 10, 4, 1);
    bar.end(4, 1);
    expect(tty[0]).toMatch(/^\ra\.csv \[#{20}\] 100%/);
    expect(tty.at(-1)).toBe('\n');
  });
});

describe.runIf(onPostgres)('greenlist import with DATABASE_URL', { timeout: 120_000 }, () => {
  it('imports in-process against PostgreSQL', async () => {
    const db = await createTestDatabase();
    try {
      const dir = await tempDir();
      const file = join(dir, 'contacts.csv');
      await writeFile(file, CSV);
      const env = { DATABASE_URL: db.url!, GREENLIST_MASTER_KEY: 'ab'.repeat(32) };
      const res = await runGreenlist(['import', file, '--name-column', 'name', '--default-country', 'GB', '--attribute', 'city=city'], env);
      // city is not a defined attribute in this workspace: refused before any row is read.
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/ATTRIBUTE_INVALID/);
      expect(res.stderr).toContain('define it first (POST /api/v1/attributes {"key": "city", "type": "string"})');
      const ok = await runGreenlist(['import', file, '--name-column', 'name', '--default-country', 'GB'], env);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/completed: 4 rows, 2 created/);
    } finally {
      await db.close();
    }
  });
});
