// The README, followed top to bottom as a new user would: every ```sh block runs, in order, in one
// bash process (so variables such as KEY and CONTACT carry over) against a Greenlist started on a
// fresh data directory with its sandbox simulator on loopback. `set -euo pipefail` makes any
// failing command (curl --fail-with-body answers non-zero on an HTTP error) stop the walk and name
// its block. Blocks marked `<!-- walkthrough: skip (reason) -->` in the README source are listed
// below and must stay few. Runs on both engines: PGlite (the README's embedded mode: CLI commands
// go through the running process's control channel) and PostgreSQL (CLI commands open the
// database themselves). The README's fixed ports 8080/8081 are replaced by the free ports the
// instance got, so parallel test files never collide.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, onPostgres, type TestDatabase } from './helpers/db.js';
import { spawnGreenlist, type GreenlistProcess } from './helpers/process.js';
import { readmeBlocks, shellBlocks } from './helpers/readme-blocks.js';

const ROOT = new URL('..', import.meta.url).pathname;
const MASTER_KEY = 'cd'.repeat(32);
const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** The blocks the walkthrough does not run, by their first line: each needs something a test machine lacks. */
const EXPECTED_SKIPS = [
  'npm ci && npm start',
  'api -X POST $API/phone-numbers -d \'{"phone_number_id": "…", "waba_id": "…",',
  'npm ci && npm test',
  'DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm test',
  'sudo useradd --system --home-dir /var/lib/greenlist --shell /usr/sbin/nologin greenlist',
  'export DATABASE_URL=postgres://greenlist:secret@db.internal:5432/greenlist',
];

/** One bash script: each block announced by a marker line, the failing command named on stderr. */
function walkthroughScript(blocks: { line: number; code: string }[], url: string, simUrl: string): string {
  const parts = ['set -euo pipefail', `trap 'echo "WALKTHROUGH FAILED in the README block at line $BLOCK: $BASH_COMMAND (exit $?)" >&2' ERR`];
  for (const b of blocks) {
    const code = b.code.replaceAll('http://127.0.0.1:8080', url).replaceAll('http://127.0.0.1:8081', simUrl);
    parts.push(`BLOCK=${b.line}; echo "::block ${b.line}::"`, code);
  }
  parts.push('echo "::walkthrough done::"');
  return `${parts.join('\n')}\n`;
}

/** Runs `script` with bash in the checkout; resolves with the exit code and the interleaved output. */
function runBash(script: string, env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  const child = spawn('bash', ['-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => {
    out += `\n(walkthrough killed after ${timeoutMs} ms)\n`;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    }),
  );
}

/** The output printed between a block's marker and the next one. */
function blockOutput(out: string, line: number): string {
  const start = out.indexOf(`::block ${line}::`);
  if (start < 0) return '';
  const next = out.indexOf('::block ', start + 1);
  return out.slice(start, next < 0 ? undefined : next);
}

describe('README shell blocks', () => {
  it('marks skipped blocks with a reason, and skips only the ones that need what a test machine lacks', () => {
    const blocks = readmeBlocks();
    expect(blocks.length).toBeGreaterThan(15);
    expect(blocks.filter((b) => b.skip).map((b) => b.code.split('\n')[0]!.trim())).toEqual(EXPECTED_SKIPS);
    for (const b of blocks.filter((x) => x.skip)) expect(b.skip!.length, `reason of the block at line ${b.line}`).toBeGreaterThan(15);
  });

  it('names every tab of the admin UI (web/src/dashboard-page.tsx) in the Admin UI section', () => {
    const dashboard = readFileSync(join(ROOT, 'web/src/dashboard-page.tsx'), 'utf8');
    const labels = [...dashboard.matchAll(/\{ id: '[\w-]+', label: '([^']+)' \}/g)].map((m) => m[1]!);
    expect(labels.length).toBeGreaterThanOrEqual(9);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Admin UI'), readme.indexOf('\n## ', readme.indexOf('## Admin UI') + 1));
    for (const label of labels) expect(section, `tab "${label}"`).toContain(`**${label}**`);
  });

  it('finds blocks and their skip markers, and steps over other fenced blocks', () => {
    const md = ['# t', '<!-- walkthrough: skip (needs a real phone) -->', '', '```sh', 'a', '```', '```json', '```sh', '```', '```bash', 'b', 'c', '```'].join('\n');
    expect(shellBlocks(md)).toEqual([
      { line: 4, code: 'a', skip: 'needs a real phone' },
      { line: 10, code: 'b\nc', skip: undefined },
    ]);
  });
});

// Spawned processes (PGlite's first start runs initdb, every `npx greenlist` loads the CLI) are
// slow on a loaded 2-core machine: about 1-2 minutes idle, several under load.
describe('README walkthrough', { timeout: 900_000 }, () => {
  it(`runs every shell block of the README in order against a fresh instance (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'greenlist-readme-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    let db: TestDatabase | undefined;
    const engineEnv: Record<string, string> = { GREENLIST_DATA_DIR: dataDir };
    if (onPostgres) {
      db = await createTestDatabase();
      cleanups.push(() => db!.close());
      Object.assign(engineEnv, { DATABASE_URL: db.url!, GREENLIST_MASTER_KEY: MASTER_KEY });
    }
    const server: GreenlistProcess = spawnGreenlist(['start'], { ...engineEnv, GREENLIST_PORT: '0', GREENLIST_SIMULATOR_PORT: '0' });
    cleanups.push(() => server.stop('SIGKILL'));
    const url = await server.ready(180_000);
    const simUrl = /"sandbox":"(http:\/\/[^"]+)"/.exec(server.output())?.[1];
    expect(simUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    // The start-up banner says where everything is and what to run next (issue 12, item 22).
    await expect.poll(() => server.output(), { timeout: 10_000 }).toContain('Greenlist is running');
    expect(server.output()).toContain(`Admin UI     ${url}/`);
    expect(server.output()).toContain(`Simulator    ${simUrl}/_sim`);
    expect(server.output()).toContain('npx greenlist apikey create');
    // A fresh instance has no user: it prints the one-time setup link the Quick start describes (issue 19).
    expect(server.output()).toMatch(new RegExp(`First run: no user yet.*\\n  ${url.replace(/\./g, '\\.')}/setup#token=[\\w-]{43}\\n`));

    const blocks = readmeBlocks().filter((b) => !b.skip);
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', GREENLIST_LOG_LEVEL: 'warn', ...engineEnv };
    const run = await runBash(walkthroughScript(blocks, url, simUrl!), env, 780_000);
    cleanups.push(() => rm(join(ROOT, 'spring.png'), { force: true }));
    // The whole transcript, for reading a red CI run (test-results/ is not committed).
    await mkdir(join(ROOT, 'test-results'), { recursive: true });
    await writeFile(join(ROOT, 'test-results', `readme-walkthrough-${onPostgres ? 'postgres' : 'pglite'}.log`), run.out);
    if (run.code !== 0 || !run.out.includes('::walkthrough done::')) {
      throw new Error(`README walkthrough failed (exit ${run.code}):\n${run.out.slice(-6000)}\n--- server ---\n${server.output().slice(-3000)}`);
    }
    for (const b of blocks) expect(run.out, `block at line ${b.line} ran`).toContain(`::block ${b.line}::`);

    // Key outputs, block by block (found by the command they follow, so README edits move them freely).
    const at = (needle: string) => blockOutput(run.out, blocks.find((b) => b.code.includes(needle))!.line);
    expect(at('apikey create')).toMatch(/glk_\w+/);
    expect(at('api -X PATCH $API/workspace')).toContain('"name":"Acme Shoes"');
    expect(at('"not_on_whatsapp_rate": 0')).toContain('"offline_rate":0');
    expect(at('Hi! Do you deliver on Sundays?')).toContain('Yes, 9 to 13h');
    expect(at('"phone": "07400 654321"')).toMatch(/"state":\[\{"topic":"offers","category":"marketing","status":"granted"/);
    expect(at('/_sim/inbound -H \'content-type: application/json\' -d \'{"from": "+14155550123", "text": "spring"}\'')).toContain('opt-ins: 1');
    expect(at('"kind": "form"')).toMatch(/404\n[\s\S]*\/join\/acme-offers\n200\n/);
    const imports = at('npx greenlist import examples/contacts.csv');
    expect(imports).toMatch(/dry run: nothing was written\): 14 rows, 14 created/);
    expect(imports).toMatch(/completed: 14 rows, 14 created, 0 updated, 0 unchanged, 0 merged duplicates, 0 skipped .*; 12 consent grants/);
    expect(at('/segments/preview')).toMatch(/"count":1,"sample":\[\{[^\]]*"name":"Chidi Okafor"/);
    expect(at('api -X POST $API/templates/lint')).toContain('{"errors":[],"warnings":[]}');
    expect(at('api -X POST $API/templates/lint')).toMatch(/\nAPPROVED\n/);
    expect(at('$API/broadcasts/$BROADCAST/estimate')).toMatch(/"sendable":[1-9]/);
    // Started for 10:00 local the day after tomorrow: each recipient's send waits for its own 10:00.
    expect(at('$API/broadcasts/$BROADCAST/estimate')).toMatch(/"name":"Spring sale","status":"(scheduled|sending)"/);
    expect(at('npx greenlist user create')).toMatch(/Created owner you@example\.com[\s\S]*Generated password/);

    // The welcome of the SPRING keyword names the business set in the quick start.
    await expect
      .poll(async () => JSON.stringify(await (await fetch(`${simUrl}/_sim/sent?to=%2B14155550123`)).json()), { timeout: 60_000, interval: 500 })
      .toMatch(/Thanks for joining Acme Shoes on WhatsApp/);
    expect(await server.stop('SIGTERM')).toBe(0);
  });
});
