// First run: the one-time setup link a server with no user prints, and POST /api/v1/setup.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createTestDatabase, onPostgres, type TestDatabase } from './helpers/db.js';
import { runGreenlist, spawnGreenlist, type GreenlistProcess } from './helpers/process.js';
import { issueSetupToken } from '../src/modules/workspaces/index.js';
import { sha256Hex } from '../src/lib/secrets.js';

const PASSWORD = 'plum tractor lantern';
const body = (token: string, over: Record<string, unknown> = {}) => ({
  token,
  email: 'ana@shop.example',
  name: 'Ana',
  password: PASSWORD,
  business_name: 'Ana Bakery',
  default_country: 'PT',
  timezone: 'Europe/Lisbon',
  ...over,
});

describe('POST /api/v1/setup', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  const setup = (payload: unknown) => t.call(undefined, { method: 'POST', url: '/api/v1/setup', payload: payload as Record<string, unknown> });

  it('creates the owner once, names the business, logs them in, and refuses every later attempt', async () => {
    expect((await t.call(undefined, { method: 'GET', url: '/api/v1/setup' })).json()).toMatchObject({ setup_needed: true });
    const now = new Date();
    const first = (await issueSetupToken(t.db, now))!;
    const second = (await issueSetupToken(t.db, now))!;
    // Issued last: its issue would otherwise have removed it as expired.
    const old = (await issueSetupToken(t.db, new Date(now.getTime() - 25 * 3600_000)))!;
    expect(first.expiresAt.getTime() - now.getTime()).toBe(24 * 3600_000);

    // Stored hashed only: no column of any row holds the token.
    const rows = ((await t.db.execute(sql`select * from setup_tokens`)) as unknown as { rows: Record<string, unknown>[] }).rows;
    expect(rows).toHaveLength(3);
    expect(JSON.stringify(rows)).not.toContain(first.token);
    expect(rows.map((r) => r.token_hash)).toContain(sha256Hex(first.token));

    const wrong = await setup(body('not-the-token'));
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('SETUP_TOKEN_INVALID');
    const expired = await setup(body(old.token));
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error).toMatchObject({ code: 'SETUP_TOKEN_EXPIRED', message: expect.stringMatching(/restart Greenlist/) });

    for (const [over, field, message] of [
      [{ password: 'short' }, 'password', /at least 12/],
      [{ password: 'ana@shop.example!!' }, 'password', /email/],
      [{ password: '111111111111' }, 'password', /different characters/],
      [{ default_country: 'XX' }, 'default_country', /country/],
      [{ default_country: 'portugal' }, 'default_country', /alpha-2/],
      [{ timezone: 'Mars/Olympus' }, 'timezone', /IANA/],
      [{ business_name: '  ' }, 'business_name', /must not be empty/],
    ] as const) {
      const res = await setup(body(first.token, over));
      expect(res.statusCode, JSON.stringify(over)).toBe(422);
      const fields = res.json().error.details.fields as { field: string; message: string }[];
      expect(fields.find((f) => f.field === field)?.message, JSON.stringify(fields)).toMatch(message);
    }

    // Two tokens spent at the same moment (two processes' links): exactly one owner is made.
    const [a, b] = await Promise.all([setup(body(first.token)), setup(body(second.token, { email: 'bo@shop.example' }))]);
    const codes = [a.statusCode, b.statusCode].sort();
    expect(codes).toEqual([200, 409]);
    const won = a.statusCode === 200 ? a : b;
    const lost = a.statusCode === 200 ? b : a;
    const [wonToken, lostToken] = a.statusCode === 200 ? [first.token, second.token] : [second.token, first.token];
    expect(lost.json().error.code).toBe('SETUP_DONE');
    expect(won.json().actor).toMatchObject({ type: 'user', role: 'owner' });
    // The same permissions GET /auth/me answers: the admin app shows the owner's controls from them at once.
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { greenlist_session: won.cookies.find((c) => c.name === 'greenlist_session')!.value } });
    expect(won.json().permissions).toEqual(me.json().permissions);
    expect(won.json().permissions).toContain('contacts:write');

    // Logged in: the cookie authenticates, and the workspace carries the business name, country and zone.
    const cookie = won.cookies.find((c) => c.name === 'greenlist_session')!;
    expect(cookie.httpOnly).toBe(true);
    const ws = await t.app.inject({ method: 'GET', url: '/api/v1/workspace', cookies: { greenlist_session: cookie.value } });
    expect(ws.statusCode).toBe(200);
    expect(ws.json()).toMatchObject({ slug: 'default', name: 'Ana Bakery', settings: { default_country: 'PT', timezone: 'Europe/Lisbon' } });
    const users = ((await t.db.execute(sql`select email, role from users`)) as unknown as { rows: { email: string }[] }).rows;
    expect(users).toHaveLength(1);

    const reused = await setup(body(wonToken));
    expect(reused.statusCode).toBe(410);
    expect(reused.json().error.code).toBe('SETUP_TOKEN_USED');
    expect((await setup(body(lostToken))).json().error.code).toBe('SETUP_DONE');
    expect((await t.call(undefined, { method: 'GET', url: '/api/v1/setup' })).json()).toMatchObject({ setup_needed: false });
    expect(await issueSetupToken(t.db, new Date())).toBeUndefined();

    const email = users[0]!.email;
    const login = await t.call(undefined, { method: 'POST', url: '/api/v1/auth/login', payload: { email, password: PASSWORD } });
    expect(login.statusCode).toBe(200);
  });
});

describe('greenlist start with no user', () => {
  const running: GreenlistProcess[] = [];
  let dir: string;
  let tdb: TestDatabase | undefined;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gl-setup-'));
    // PostgreSQL: a fresh database with no user; the embedded engine: a fresh data directory.
    tdb = onPostgres ? await createTestDatabase() : undefined;
    env = { GREENLIST_DATA_DIR: dir, GREENLIST_PORT: '0', GREENLIST_SANDBOX: 'off', ...(tdb ? { DATABASE_URL: tdb.url!, GREENLIST_MASTER_KEY: 'ab'.repeat(32) } : {}) };
  });
  afterAll(async () => {
    for (const p of running) await p.stop();
    await tdb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function started(): Promise<{ server: GreenlistProcess; url: string }> {
    const server = spawnGreenlist(['start'], env);
    running.push(server);
    const url = await server.ready(180_000);
    // The banner follows the ready line.
    for (let i = 0; i < 100 && !server.output().includes('Stop with Ctrl+C'); i++) await new Promise((r) => setTimeout(r, 50));
    return { server, url };
  }

  it('prints a one-time link in the log and the banner; after setup a restart prints none and the CLI still adds users', async () => {
    const { server, url } = await started();
    const out = server.output();
    const link = /(http:\/\/127\.0\.0\.1:\d+\/setup#token=([\w-]+))/.exec(out);
    expect(link, out).not.toBeNull();
    const [, href, token] = link!;
    expect(href!.startsWith(`${url}/setup#token=`)).toBe(true);
    // Once in the JSON log line and once in the banner for people; nowhere else.
    expect(out.split(token!).length - 1).toBe(2);
    const logLine = out.split('\n').find((l) => l.includes('"setup_url"'))!;
    expect(JSON.parse(logLine)).toMatchObject({ setup_url: href });
    expect(out).toMatch(/First run: no user yet/);

    // The setup page is served, and the API completes setup.
    expect((await fetch(`${url}/setup`)).status).toBe(200);
    const res = await fetch(`${url}/api/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body(token!)) });
    expect(res.status).toBe(200);
    const again = await fetch(`${url}/api/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body(token!)) });
    expect(again.status).toBe(410);

    // `greenlist user create` keeps working beside the running server.
    const cli = await runGreenlist(['user', 'create', '--email', 'mia@shop.example', '--role', 'marketer'], env);
    expect(cli.code, cli.stderr).toBe(0);
    expect(await server.stop()).toBe(0);

    const { server: next } = await started();
    expect(next.output()).not.toMatch(/setup#token=|First run/);
    expect(await next.stop()).toBe(0);
  }, 400_000);
});
