// Inbox list benchmark (issue 16 target): with N conversations (PostgreSQL and PGlite 100,000), each
// person having written 3 messages, the time of one page of 50 through GET /api/v1/conversations
// for each filter (all, open, unassigned, pending, window closing) and search (by name, phone, tag and
// words in the person's messages; each looks in names, phones, tags and messages), next to a raw
// keyset SELECT of 50 conversation rows in the same run (the baseline).
// Run: node --import tsx bench/conversations.ts   (BENCH_ENGINES=postgres|pglite; CONVERSATION_BENCH_SIZE=10000 for a quick run)
import { sql } from 'drizzle-orm';
import { silentLogger } from '../src/lib/logger.js';
import { SYSTEM_ACTOR, type Ctx } from '../src/modules/context.js';
import { createApiKey, createWorkspace } from '../src/modules/workspaces/index.js';
import { BENCH_NUMBER, openFreshDatabase, startBenchApp } from './broadcast-lib.js';
import { isMain, median, printChecks, printMachine, printTable, randomMasterKey, type Check } from './lib.js';
import { benchEngines, postgresUrl } from './seed-contacts.js';

type Engine = 'PGlite' | 'PostgreSQL';
const SIZE = Number(process.env.CONVERSATION_BENCH_SIZE ?? 100_000);
const RUNS = Number(process.env.CONVERSATION_BENCH_RUNS ?? 15);
const TARGET_P50_MS: Record<Engine, number> = { PostgreSQL: 50, PGlite: 100 };
const QUERIES: [string, string][] = [
  ['all', '?limit=50'],
  ['open', '?filter=open&limit=50'],
  ['unassigned', '?filter=unassigned&limit=50'],
  ['pending', '?filter=pending&limit=50'],
  ['window closing', '?filter=window_closing&limit=50'],
  ['search by name', '?q=Person%2012345&limit=50'],
  ['search by phone', '?q=8030012345&limit=50'],
  ['search by tag', '?q=vip&limit=50'],
  ['search by text', '?q=order%20700123452&limit=50'],
];

/** N contacts, 3 inbound messages each over the last 3 days, and their conversations (a tenth pending, a tenth assigned-looking closed): seeding, not the product path. */
export async function seed(ctx: Ctx, numberId: string, n: number): Promise<void> {
  await ctx.db.execute(sql`insert into contacts (workspace_id, phone, wa_id, name, country, tags)
    select ${ctx.workspaceId}, '+234803' || lpad(i::text, 7, '0'), '234803' || lpad(i::text, 7, '0'), 'Person ' || i, 'NG', case when i % 100 = 0 then array['bench', 'vip'] else array['bench'] end from generate_series(1, ${n}::int) as i`);
  await ctx.db.execute(sql`insert into messages (workspace_id, number_id, contact_id, wa_id, direction, type, body, wamid, sent_at, created_at)
    select c.workspace_id, ${numberId}, c.id, c.wa_id, 'in', 'text', 'Hello, question number ' || k || ' about order 7' || substr(c.wa_id, 7) || k, 'wamid.b' || c.wa_id || k, t, t
    from contacts c cross join generate_series(1, 3) as k cross join lateral (select now() - (random() * interval '3 days') as t) x where c.workspace_id = ${ctx.workspaceId}`);
  await ctx.db.execute(sql`insert into conversations (workspace_id, number_id, contact_id, state, last_message_at, last_inbound_at, preview, read_at, state_at)
    select m.workspace_id, ${numberId}, m.contact_id, (array['open','open','open','open','open','open','open','open','pending','closed'])[1 + (abs(hashtext(m.contact_id::text)) % 10)],
           max(m.sent_at), max(m.sent_at), 'Hello', case when abs(hashtext(m.contact_id::text)) % 2 = 0 then min(m.sent_at) end, min(m.sent_at)
    from messages m where m.workspace_id = ${ctx.workspaceId} group by m.workspace_id, m.contact_id`);
  // What the conversations module's upsert does for each new conversation (markContactsInInbox): its person becomes searchable.
  await ctx.db.execute(sql`update contacts c set in_inbox = true where c.workspace_id = ${ctx.workspaceId} and exists (select 1 from conversations cv where cv.contact_id = c.id)`);
  for (const t of ['contacts', 'messages', 'conversations']) await ctx.db.execute(sql.raw(`vacuum analyze ${t}`));
}

interface Outcome {
  engine: Engine;
  conversations: number;
  rawMs: number;
  pages: { name: string; p50: number; max: number; rows: number }[];
}

async function timed(fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function runOne(engine: Engine, pgUrl: string | undefined): Promise<Outcome> {
  const log = silentLogger();
  const fresh = await openFreshDatabase(engine, pgUrl, 'conversations');
  const a = await startBenchApp(fresh.database, Buffer.from(randomMasterKey(), 'hex'));
  try {
    const db = fresh.database.db;
    const ws = await createWorkspace(db, { slug: 'bench-inbox', name: 'Bench' }, { now: new Date(), log });
    const ctx: Ctx = { db, workspaceId: ws.id, actor: SYSTEM_ACTOR, now: new Date(), log };
    const key = (await createApiKey(ctx, { name: 'bench', role: 'owner' })).key;
    const num = await a.call<{ id: string }>(key, 'POST', '/api/v1/phone-numbers', { phone_number_id: BENCH_NUMBER.phoneNumberId, waba_id: BENCH_NUMBER.wabaId, display_number: '+1 555 078 9911', access_token: BENCH_NUMBER.accessToken, app_secret: BENCH_NUMBER.appSecret, verify_token: BENCH_NUMBER.verifyToken });
    await seed(ctx, num.id, SIZE);
    const raw = await timed(() => db.execute(sql`select id, contact_id, state, last_message_at, preview from conversations where workspace_id = ${ws.id} order by last_message_at desc, id desc limit 50`));
    const pages = [];
    for (const [name, query] of QUERIES) {
      let rows = 0;
      const times = await timed(async () => {
        rows = (await a.call<{ data: unknown[] }>(key, 'GET', `/api/v1/conversations${query}`)).data.length;
      });
      pages.push({ name, p50: median(times), max: Math.max(...times), rows });
    }
    return { engine, conversations: SIZE, rawMs: median(raw), pages };
  } finally {
    await a.close();
    await fresh.cleanup();
  }
}

async function main(): Promise<void> {
  printMachine();
  const outcomes: Outcome[] = [];
  const pgUrl = await postgresUrl();
  for (const engine of benchEngines(pgUrl)) outcomes.push(await runOne(engine, pgUrl));
  console.log(`\nInbox: one page of 50 conversations through the API (p50 / max of ${RUNS}), next to a raw keyset SELECT of 50 rows`);
  printTable(
    ['engine', 'conversations', 'raw SELECT p50', ...QUERIES.map(([n]) => n)],
    outcomes.map((o) => [o.engine, o.conversations.toLocaleString('en'), `${o.rawMs.toFixed(1)} ms`, ...o.pages.map((p) => `${p.p50.toFixed(1)} / ${p.max.toFixed(0)} ms (${p.rows})`)]),
  );
  const checks: Check[] = outcomes.flatMap((o) => {
    const filters = Math.max(...o.pages.filter((p) => !p.name.startsWith('search')).map((p) => p.p50));
    const search = Math.max(...o.pages.filter((p) => p.name.startsWith('search')).map((p) => p.p50));
    const target = TARGET_P50_MS[o.engine];
    return [
      { name: `${o.engine}: worst filtered page p50 with ${o.conversations.toLocaleString('en')} conversations`, value: `${filters.toFixed(1)} ms`, target: `≤ ${target} ms`, met: filters <= target },
      { name: `${o.engine}: worst search page p50 (name, phone, tag, words in messages)`, value: `${search.toFixed(1)} ms`, target: `≤ ${target} ms`, met: search <= target },
    ];
  });
  printChecks('Inbox targets', checks);
}

if (isMain(import.meta.url)) await main();
