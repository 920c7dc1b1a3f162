// Segment query benchmark (issue 5 targets): on a seeded workspace of 1,000,000 contacts (see
// seed-contacts.ts), times the segment functions the API uses, in-process, on PGlite and on
// PostgreSQL (DATABASE_URL, or the local server if reachable):
//   - countSegment for conditions on indexed paths (tags, topic consent, attribute equality,
//     country, lifecycle stage, static list): p50/p95/max over SEGMENT_BENCH_RUNS runs (20);
//   - countSegment for any condition the language allows (nested any/all/not with events,
//     number ranges, anniversaries, substring search, engagement, broadcasts, references):
//     p50/max over SEGMENT_BENCH_COMPLEX_RUNS runs (10);
//   - pageSegment (1,000 contacts, first page and the next by cursor) and previewSegment.
// Each query is also timed as hand-written SQL (the best plain query for the same audience, often
// reading the index alone), and the two counts are compared: the gap is what the compiler costs.
// The slowest compiled queries are shown with EXPLAIN ANALYZE (SEGMENT_BENCH_EXPLAIN=3 by default).
// Runs on a copy of the cached seed (see seed-contacts.ts).
// Run: node --import tsx bench/segments.ts   (SEGMENT_BENCH_CONTACTS=100000 for a quick run)
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { openDatabase, type Database } from '../src/adapters/db/database.js';
import { silentLogger } from '../src/lib/logger.js';
import { SYSTEM_ACTOR, type Ctx, type Db } from '../src/modules/context.js';
import { anniversaryKeys, countSegment, pageSegment, previewSegment } from '../src/modules/segments/index.js';
import { isMain, printChecks, printMachine, printTable, type Check } from './lib.js';
import { benchEngines, postgresUrl, seededCopy } from './seed-contacts.js';

const N = Number(process.env.SEGMENT_BENCH_CONTACTS ?? 1_000_000);
const RUNS = Number(process.env.SEGMENT_BENCH_RUNS ?? 20);
const COMPLEX_RUNS = Number(process.env.SEGMENT_BENCH_COMPLEX_RUNS ?? 10);
/** PostgreSQL's statement_timeout for the bench's queries; a runaway plan is reported, not waited for. */
const TIMEOUT_MS = Number(process.env.SEGMENT_BENCH_TIMEOUT_MS ?? 30_000);
const TARGETS = {
  indexed: { PGlite: 100, PostgreSQL: 50 },
  any: { PGlite: 500, PostgreSQL: 200 },
  page: { PGlite: 20, PostgreSQL: 20 },
};
type Engine = 'PGlite' | 'PostgreSQL';
type Group = 'indexed' | 'any' | 'page';

/** What the cases refer to, read from the seeded database. */
interface Env {
  ws: string;
  offers: string;
  updates: string;
  staticList: string;
  dynamic: string;
  broadcast: string;
  /** UTC midnight starting the window "today and the n-1 days before" (the seed's zone is UTC). */
  since(n: number): string;
  today: string;
  /** Before migration 0012 the stage was on contacts (bench:compare against older commits). */
  stageOnContacts: boolean;
}

/** Contacts whose lifecycle stage is in `stages` ('new' is not in any list here: it has no row). */
const stageIn = (e: Env, stages: string[]) => {
  const list = stages.map(q).join(', ');
  return e.stageOnContacts ? `c.lifecycle_stage in (${list})` : `c.id in (select contact_id from contact_lifecycle where workspace_id = ${q(e.ws)} and stage in (${list}))`;
};
const stageNotIn = (e: Env, stages: string[]) => {
  const list = stages.map(q).join(', ');
  return e.stageOnContacts ? `c.lifecycle_stage not in (${list})` : `not exists (select 1 from contact_lifecycle l where l.contact_id = c.id and l.stage in (${list}))`;
};
const stageChangedSince = (e: Env, at: string) =>
  e.stageOnContacts ? `c.lifecycle_changed_at >= ${q(at)}` : `c.id in (select contact_id from contact_lifecycle where workspace_id = ${q(e.ws)} and changed_at >= ${q(at)})`;

interface Case {
  name: string;
  group: Group;
  rules: unknown;
  /** The hand-written count (or page) for the same audience. */
  hand(e: Env): string;
}

const q = (v: string) => `'${v.replace(/'/g, "''")}'`;
const C = (e: Env, where: string, from = 'contacts c') => `select count(*)::int as n from ${from} where c.workspace_id = ${q(e.ws)} and ${where}`;
const LE = 'contacts c left join contact_engagement e on e.contact_id = c.id';

const tag = (v: string) => ({ field: 'tags', op: 'contains', value: v });
const NESTED = {
  all: [
    { any: [tag('vip'), { field: 'country', op: 'eq', value: 'KE' }] },
    { event: { type: 'purchase', product: 'sku-7', min_count: 2, within_days: 90 } },
    { not: { field: 'engagement.last_read_at', op: 'in_last_days', value: 30 } },
  ],
};
const MARKETING = {
  all: [
    { consent: { topic: 'offers', status: 'granted' } },
    { not: { field: 'lifecycle_stage', op: 'in', value: ['churned', 'archived'] } },
    { field: 'unreachable', op: 'eq', value: false },
    { any: [{ attribute: 'city', op: 'starts_with', value: 'Lagos' }, { field: 'country', op: 'in', value: ['GB', 'US'] }] },
    { field: 'engagement.last_engaged_at', op: 'in_last_days', value: 60 },
  ],
};

/** The benchmark's audiences. Counts of hand SQL rely on the schema's FKs (consent_state and list rows belong to live contacts of the workspace). */
function cases(e: Env): Case[] {
  const keys = (n: number) => `array[${anniversaryKeys(e.today, n).map(q).join(',')}]`;
  return [
    { name: 'tag vip (3 %)', group: 'indexed', rules: tag('vip'), hand: () => C(e, `c.tags @> '{vip}'`) },
    { name: 'tags contains_any lead/wholesale', group: 'indexed', rules: { field: 'tags', op: 'contains_any', value: ['lead', 'wholesale'] }, hand: () => C(e, `c.tags && '{lead,wholesale}'`) },
    { name: 'consent offers granted (60 %)', group: 'indexed', rules: { consent: { topic: 'offers', status: 'granted' } }, hand: () => `select count(*)::int as n from consent_state where workspace_id = ${q(e.ws)} and topic_id = ${q(e.offers)} and status = 'granted'` },
    { name: 'consent updates withdrawn (3 %)', group: 'indexed', rules: { consent: { topic: 'updates', status: 'withdrawn' } }, hand: () => `select count(*)::int as n from consent_state where workspace_id = ${q(e.ws)} and topic_id = ${q(e.updates)} and status = 'withdrawn'` },
    { name: 'attribute city = Lagos (string)', group: 'indexed', rules: { attribute: 'city', op: 'eq', value: 'Lagos' }, hand: () => C(e, `c.attributes @> '{"city":"Lagos"}'`) },
    { name: 'attribute plan = biz (enum)', group: 'indexed', rules: { attribute: 'plan', op: 'eq', value: 'biz' }, hand: () => C(e, `c.attributes @> '{"plan":"biz"}'`) },
    { name: 'attribute plan in pro/biz', group: 'indexed', rules: { attribute: 'plan', op: 'in', value: ['pro', 'biz'] }, hand: () => C(e, `(c.attributes @> '{"plan":"pro"}' or c.attributes @> '{"plan":"biz"}')`) },
    { name: 'attribute age = 30 (number)', group: 'indexed', rules: { attribute: 'age', op: 'eq', value: 30 }, hand: () => C(e, `c.attributes @> '{"age":30}'`) },
    { name: 'country = KE (2 %)', group: 'indexed', rules: { field: 'country', op: 'eq', value: 'KE' }, hand: () => C(e, `c.country = 'KE'`) },
    { name: 'country = NG (40 %)', group: 'indexed', rules: { field: 'country', op: 'eq', value: 'NG' }, hand: () => C(e, `c.country = 'NG'`) },
    { name: 'lifecycle_stage = at_risk', group: 'indexed', rules: { field: 'lifecycle_stage', op: 'eq', value: 'at_risk' }, hand: () => C(e, stageIn(e, ['at_risk'])) },
    { name: 'lifecycle_stage in dormant/churned', group: 'indexed', rules: { field: 'lifecycle_stage', op: 'in', value: ['dormant', 'churned'] }, hand: () => C(e, stageIn(e, ['dormant', 'churned'])) },
    { name: 'static list member (50k)', group: 'indexed', rules: { segment: e.staticList }, hand: () => `select count(*)::int as n from segment_members where segment_id = ${q(e.staticList)}` },

    {
      name: 'nested: (vip|KE) & sku-7 x2/90d & !read 30d',
      group: 'any',
      rules: NESTED,
      hand: () => `select count(*)::int as n from (select contact_id from contact_events where workspace_id = ${q(e.ws)} and type = 'purchase' and products @> '{sku-7}' and occurred_at >= ${q(e.since(90))} group by contact_id having count(*) >= 2) p
        join contacts c on c.id = p.contact_id left join contact_engagement e on e.contact_id = c.id
        where c.workspace_id = ${q(e.ws)} and (c.tags @> '{vip}' or c.country = 'KE') and (e.last_read_at is null or e.last_read_at < ${q(e.since(30))})`,
    },
    { name: 'marketing: consent & stage & city|country & engaged 60d', group: 'any', rules: MARKETING, hand: () => C(e, `c.id in (select contact_id from consent_state where workspace_id = ${q(e.ws)} and topic_id = ${q(e.offers)} and status = 'granted') and ${stageNotIn(e, ['churned', 'archived'])} and c.unreachable_at is null and (c.attributes->>'city' ilike 'Lagos%' or c.country in ('GB', 'US')) and e.last_engaged_at >= ${q(e.since(60))}`, LE) },
    { name: 'attribute age between 25 and 34', group: 'any', rules: { attribute: 'age', op: 'between', value: [25, 34] }, hand: () => C(e, `(c.attributes->>'age')::numeric between 25 and 34`) },
    { name: 'birthday anniversary within 7 days', group: 'any', rules: { attribute: 'birthday', op: 'anniversary_within_days', value: 7 }, hand: () => C(e, `substr(c.attributes->>'birthday', 6, 5) = any(${keys(7)})`) },
    { name: 'name contains "ade"', group: 'any', rules: { field: 'name', op: 'contains', value: 'ade' }, hand: () => C(e, `c.name ilike '%ade%'`) },
    { name: 'event sku-7 >= 2 in 90 days', group: 'any', rules: { event: { type: 'purchase', product: 'sku-7', min_count: 2, within_days: 90 } }, hand: () => `select count(*)::int as n from (select contact_id from contact_events where workspace_id = ${q(e.ws)} and type = 'purchase' and products @> '{sku-7}' and occurred_at >= ${q(e.since(90))} group by contact_id having count(*) >= 2) p` },
    { name: 'not purchased in 180 days', group: 'any', rules: { not: { event: { type: 'purchase', within_days: 180 } } }, hand: () => C(e, `not exists (select 1 from contact_events ev where ev.contact_id = c.id and ev.type = 'purchase' and ev.occurred_at >= ${q(e.since(180))})`) },
    { name: 'spent >= 1,000 in 365 days', group: 'any', rules: { event: { type: 'purchase', within_days: 365, min_amount: 1000 } }, hand: () => C(e, `e.purchases_total >= 1000`, LE) },
    { name: 'read rate 90d >= 0.5 & received >= 3', group: 'any', rules: { all: [{ field: 'engagement.read_rate_90d', op: 'gte', value: 0.5 }, { field: 'engagement.received_90d', op: 'gte', value: 3 }] }, hand: () => C(e, `e.received_90d >= 3 and e.read_90d >= 0.5 * e.received_90d`, LE) },
    { name: 'not read in 60 days (incl. never)', group: 'any', rules: { field: 'engagement.last_read_at', op: 'not_in_last_days', value: 60 }, hand: () => C(e, `(e.last_read_at is null or e.last_read_at < ${q(e.since(60))})`, LE) },
    { name: 'consent offers via QR in 30 days', group: 'any', rules: { consent: { topic: 'offers', status: 'granted', source: 'qr_keyword', in_last_days: 30 } }, hand: () => `select count(*)::int as n from consent_state where workspace_id = ${q(e.ws)} and topic_id = ${q(e.offers)} and status = 'granted' and source = 'qr_keyword' and since >= ${q(e.since(30))}` },
    { name: 'no consent record for updates', group: 'any', rules: { consent: { topic: 'updates', status: 'none' } }, hand: () => C(e, `not exists (select 1 from consent_state s where s.contact_id = c.id and s.topic_id = ${q(e.updates)})`) },
    { name: 'read broadcast B', group: 'any', rules: { broadcast: { id: e.broadcast, interaction: 'read' } }, hand: () => `select count(distinct contact_id)::int as n from messages where workspace_id = ${q(e.ws)} and broadcast_id = ${q(e.broadcast)} and direction = 'out' and status_rank >= 4` },
    { name: 'did not read broadcast B', group: 'any', rules: { broadcast: { id: e.broadcast, interaction: 'not_read' } }, hand: () => `select count(*)::int as n from (select contact_id from messages where workspace_id = ${q(e.ws)} and broadcast_id = ${q(e.broadcast)} and direction = 'out' group by contact_id having max(status_rank) < 4) x` },
    { name: 'replied to broadcast B (72 h)', group: 'any', rules: { broadcast: { id: e.broadcast, interaction: 'replied' } }, hand: () => `select count(distinct m.contact_id)::int as n from messages m join messages r on r.workspace_id = m.workspace_id and r.contact_id = m.contact_id and r.direction = 'in' and r.sent_at > m.sent_at and r.sent_at <= m.sent_at + interval '72 hours' where m.workspace_id = ${q(e.ws)} and m.broadcast_id = ${q(e.broadcast)} and m.direction = 'out'` },
    { name: 'saved segment (vip & NG) & plan pro/biz', group: 'any', rules: { all: [{ segment: e.dynamic }, { attribute: 'plan', op: 'in', value: ['pro', 'biz'] }] }, hand: () => C(e, `c.tags @> '{vip}' and c.country = 'NG' and (c.attributes @> '{"plan":"pro"}' or c.attributes @> '{"plan":"biz"}')`) },
    { name: '!newsletter & language != en & created in 2025', group: 'any', rules: { all: [{ field: 'tags', op: 'not_contains', value: 'newsletter' }, { field: 'language', op: 'neq', value: 'en' }, { field: 'created_at', op: 'between', value: ['2025-01-01', '2025-12-31'] }] }, hand: () => C(e, `not c.tags @> '{newsletter}' and c.language is distinct from 'en' and c.created_at >= '2025-01-01T00:00:00Z' and c.created_at < '2026-01-01T00:00:00Z'`) },
    { name: 'stage changed in 14 days & phone +234', group: 'any', rules: { all: [{ field: 'lifecycle_changed_at', op: 'in_last_days', value: 14 }, { field: 'phone', op: 'starts_with', value: '+234' }] }, hand: () => C(e, `${stageChangedSince(e, e.since(14))} and c.phone like '+234%'`) },
  ];
}

/** Pages of 1,000: the common audiences a broadcast or an export walks through. */
function pageCases(e: Env): Case[] {
  const P = (where: string, from = 'contacts c') => `select c.* from ${from} where c.workspace_id = ${q(e.ws)} and ${where} order by c.id limit 1001`;
  return [
    { name: 'page 1,000: consent offers granted', group: 'page', rules: { consent: { topic: 'offers', status: 'granted' } }, hand: () => P(`c.id in (select contact_id from consent_state where topic_id = ${q(e.offers)} and status = 'granted')`) },
    { name: 'page 1,000: country = NG', group: 'page', rules: { field: 'country', op: 'eq', value: 'NG' }, hand: () => P(`c.country = 'NG'`) },
    { name: 'page 1,000: tag vip (3 %)', group: 'page', rules: tag('vip'), hand: () => P(`c.tags @> '{vip}'`) },
    { name: 'page 1,000: marketing audience', group: 'page', rules: MARKETING, hand: () => P(`c.id in (select contact_id from consent_state where topic_id = ${q(e.offers)} and status = 'granted') and ${stageNotIn(e, ['churned', 'archived'])} and c.unreachable_at is null and (c.attributes->>'city' ilike 'Lagos%' or c.country in ('GB', 'US')) and e.last_engaged_at >= ${q(e.since(60))}`, LE) },
  ];
}

// ---------------------------------------------------------------------------------------------

interface Timing {
  p50: number;
  p95: number;
  max: number;
  count: number;
}

function stats(times: number[], count: number): Timing {
  const s = [...times].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
  return { p50: at(50), p95: at(95), max: s[s.length - 1]!, count };
}

/**
 * Two untimed runs (caches, JIT, plan), then `runs` timed ones; a query slower than 5 s is timed
 * once more only. On PostgreSQL a query over the statement timeout fails: its timing is Infinity.
 */
async function time(runs: number, fn: () => Promise<number>): Promise<Timing> {
  let count = 0;
  const times: number[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      count = await fn();
      if (performance.now() - t0 > 5_000) runs = 1;
    }
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      count = await fn();
      times.push(performance.now() - t0);
    }
  } catch (err) {
    if (!/statement timeout/.test(String((err as { cause?: unknown }).cause ?? err))) throw err;
    return { p50: Infinity, p95: Infinity, max: Infinity, count: -1 };
  }
  return stats(times, count);
}

const rowsOf = async <T>(db: Db, query: SQL): Promise<T[]> => ((await db.execute(query)) as unknown as { rows: T[] }).rows;

/**
 * A Db (or transaction) whose `execute` calls are remembered, to EXPLAIN the SQL the compiler
 * produced; the session settings the query ran with (`set local …`) are kept with it.
 */
function capturing(db: Db): { db: Db; last(): Captured | undefined } {
  let settings: SQL[] = [];
  let last: Captured | undefined;
  const dialect = new PgDialect();
  const wrap = (target: Db, inTx: boolean): Db =>
    new Proxy(target, {
      get(t, prop, recv) {
        if (prop === 'execute') {
          return (query: SQL) => {
            if (/^\s*set\s/i.test(dialect.sqlToQuery(query).sql)) settings.push(query);
            else last = { query, settings: [...settings] };
            return t.execute(query);
          };
        }
        if (prop === 'transaction') {
          return <R>(fn: (tx: Db) => Promise<R>) =>
            t.transaction((tx) => {
              if (!inTx) settings = [];
              return fn(wrap(tx as unknown as Db, true));
            });
        }
        return Reflect.get(t, prop, recv) as unknown;
      },
    });
  return { db: wrap(db, false), last: () => last };
}

interface Captured {
  query: SQL;
  settings: SQL[];
}

async function readEnv(db: Db): Promise<Env> {
  const [r] = await rowsOf<{ ws: string; offers: string; updates: string; static_id: string; dynamic_id: string; broadcast: string }>(
    db,
    sql.raw(`select w.id as ws, (select id from topics where key = 'offers' and workspace_id = w.id) as offers, (select id from topics where key = 'updates' and workspace_id = w.id) as updates,
      md5('gl-bench-static')::uuid as static_id, md5('gl-bench-dynamic')::uuid as dynamic_id, md5('gl-bench-broadcast-3')::uuid as broadcast
      from workspaces w where w.slug = 'default'`),
  );
  const stageOnContacts = (await rowsOf(db, sql.raw(`select 1 from information_schema.columns where table_name = 'contacts' and column_name = 'lifecycle_stage'`))).length > 0;
  const now = new Date();
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return {
    ws: r!.ws,
    offers: r!.offers,
    updates: r!.updates,
    staticList: r!.static_id,
    dynamic: r!.dynamic_id,
    broadcast: r!.broadcast,
    since: (n) => new Date(midnight - (n - 1) * 86_400_000).toISOString(),
    today: new Date(midnight).toISOString().slice(0, 10),
    stageOnContacts,
  };
}

interface Row {
  engine: Engine;
  c: Case;
  fn: Timing;
  hand: Timing;
  compiled?: Captured;
}

async function benchEngine(engine: Engine, database: Database, explainSlowest: number, skip: Set<string>): Promise<Row[]> {
  const cap = capturing(database.db);
  const env = await readEnv(database.db);
  const ctx = (): Ctx => ({ db: cap.db, workspaceId: env.ws, actor: SYSTEM_ACTOR, now: new Date(), log: silentLogger() });
  const out: Row[] = [];
  console.log(`\n${engine}: counts (${RUNS} runs on indexed paths, ${COMPLEX_RUNS} on the rest, after 2 untimed)`);
  for (const c of cases(env)) {
    if (skip.has(c.name)) {
      // PGlite has no statement timeout (one thread): a plan PostgreSQL gave up on would hang the run.
      console.log(`  ${c.name}: skipped (over ${TIMEOUT_MS / 1000} s on PostgreSQL)`);
      out.push({ engine, c, fn: { p50: Infinity, p95: Infinity, max: Infinity, count: -1 }, hand: { p50: NaN, p95: NaN, max: NaN, count: 0 } });
      continue;
    }
    const runs = c.group === 'indexed' ? RUNS : COMPLEX_RUNS;
    const fn = await time(runs, () => countSegment(ctx(), c.rules));
    const compiled = cap.last();
    const hand = await time(runs, async () => (await rowsOf<{ n: number }>(database.db, sql.raw(c.hand(env))))[0]!.n);
    out.push({ engine, c, fn, hand, ...(compiled ? { compiled } : {}) });
    const differs = fn.count !== hand.count && fn.count >= 0 && hand.count >= 0;
    console.log(`  ${c.name}: ${fmt(fn.p50)} p50 / ${fmt(fn.max)} max (hand SQL ${fmt(hand.p50)}), ${fn.count.toLocaleString('en')} contacts${differs ? ` (hand SQL counts ${hand.count.toLocaleString('en')})` : ''}`);
  }
  for (const c of pageCases(env)) {
    let cursor: string | null = null;
    let size = 0;
    const fn = await time(RUNS, async () => {
      const page = await pageSegment(ctx(), c.rules, { limit: 1000 });
      cursor = page.next_cursor;
      size = page.data.length;
      return size;
    });
    const hand = await time(RUNS, async () => (await rowsOf(database.db, sql.raw(c.hand(env)))).length - 1);
    out.push({ engine, c, fn, hand });
    console.log(`  ${c.name}: ${fmt(fn.p50)} p50 / ${fmt(fn.max)} max (hand SQL ${fmt(hand.p50)}), ${size} rows`);
    if (cursor) {
      const next = cursor;
      const fn2 = await time(RUNS, async () => (await pageSegment(ctx(), c.rules, { limit: 1000, cursor: next })).data.length);
      const c2 = { ...c, name: `${c.name} (2nd page by cursor)` };
      out.push({ engine, c: c2, fn: fn2, hand: { p50: NaN, p95: NaN, max: NaN, count: 0 } });
      console.log(`  ${c2.name}: ${fmt(fn2.p50)} p50 / ${fmt(fn2.max)} max`);
    }
  }
  const preview = await time(COMPLEX_RUNS, async () => (await previewSegment(ctx(), { rules: MARKETING })).count);
  console.log(`  previewSegment (marketing audience: count + sample): ${fmt(preview.p50)} p50 / ${fmt(preview.max)} max`);
  out.push({ engine, c: { name: 'previewSegment: marketing audience', group: 'any', rules: MARKETING, hand: () => '' }, fn: preview, hand: { p50: NaN, p95: NaN, max: NaN, count: 0 } });

  if (explainSlowest > 0) {
    const slowest = out.filter((r) => r.compiled && r.c.group !== 'page').sort((a, b) => b.fn.p50 - a.fn.p50).slice(0, explainSlowest);
    for (const r of slowest) {
      const dialect = new PgDialect();
      const text = dialect.sqlToQuery(r.compiled!.query);
      const settings = r.compiled!.settings.map((q) => dialect.sqlToQuery(q).sql).join('; ');
      console.log(`\n${engine} EXPLAIN ANALYZE — ${r.c.name} (${fmt(r.fn.p50)} p50)${settings ? ` with ${settings}` : ''}\n${text.sql}\n  params: ${JSON.stringify(text.params)}`);
      // A query over the timeout gets its plan only (EXPLAIN ANALYZE would run it to the end).
      const how = r.fn.p50 === Infinity ? sql`explain` : sql`explain (analyze, buffers)`;
      const plan = await database.db.transaction(async (tx) => {
        for (const q of r.compiled!.settings) await tx.execute(q);
        return rowsOf<Record<string, string>>(tx as unknown as Db, sql`${how} ${r.compiled!.query}`);
      });
      for (const line of plan) console.log(`  ${Object.values(line)[0]}`);
    }
  }
  return out;
}

const fmt = (n: number) => (Number.isNaN(n) ? '-' : n === Infinity ? `> ${TIMEOUT_MS / 1000} s` : n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`);

/** Runs the segment benchmark; returns its checks. */
export async function runSegmentBench(opts: { printMachine?: boolean; explain?: number } = {}): Promise<Check[]> {
  if (opts.printMachine !== false) printMachine();
  const explain = opts.explain ?? Number(process.env.SEGMENT_BENCH_EXPLAIN ?? 3);
  console.log(`\nSegments: ${N.toLocaleString('en')} contacts, in-process countSegment / pageSegment / previewSegment`);
  const pgUrl = await postgresUrl();
  const rows: Row[] = [];
  // PostgreSQL first: queries it times out on are skipped on PGlite.
  for (const engine of benchEngines(pgUrl).reverse()) {
    const seed = await seededCopy(engine, N, { pgUrl });
    const database = seed.url
      ? await openDatabase({ kind: 'postgres', url: `${seed.url}?options=${encodeURIComponent(`-c statement_timeout=${TIMEOUT_MS}`)}`, poolSize: 2 })
      : await openDatabase({ kind: 'pglite', dataDir: seed.dataDir! });
    try {
      const skip = new Set(rows.filter((r) => r.fn.p50 === Infinity).map((r) => r.c.name));
      rows.push(...(await benchEngine(engine, database, explain, skip)));
    } finally {
      await database.close();
      await seed.done();
    }
  }
  console.log('');
  printTable(
    ['database', 'query', 'group', 'matches', 'p50', 'p95', 'max', 'hand SQL p50', 'target p50', 'result'],
    rows.map((r) => {
      const target = TARGETS[r.c.group][r.engine];
      return [r.engine, r.c.name, r.c.group, r.fn.count < 0 ? '-' : r.fn.count.toLocaleString('en'), fmt(r.fn.p50), fmt(r.fn.p95), fmt(r.fn.max), fmt(r.hand.p50), `≤ ${target} ms`, r.fn.p50 <= target ? 'met' : 'MISSED'];
    }),
  );
  const checks: Check[] = [];
  for (const engine of ['PGlite', 'PostgreSQL'] as Engine[]) {
    for (const group of ['indexed', 'any', 'page'] as Group[]) {
      const of = rows.filter((r) => r.engine === engine && r.c.group === group);
      if (of.length === 0) continue;
      const worst = of.reduce((a, b) => (b.fn.p50 > a.fn.p50 ? b : a));
      const target = TARGETS[group][engine];
      const label = group === 'indexed' ? 'segment count, indexed paths' : group === 'any' ? 'segment count, any condition' : 'segment page of 1,000';
      const missed = of.filter((r) => r.fn.p50 > target).length;
      checks.push({ name: `${engine} ${label}: worst p50 (${of.length} queries)`, value: `${fmt(worst.fn.p50)} (${worst.c.name})${missed ? `, ${missed} over` : ''}`, target: `≤ ${target} ms`, met: worst.fn.p50 <= target });
    }
  }
  printChecks(`Segments (${N.toLocaleString('en')} contacts)`, checks);
  return checks;
}

if (isMain(import.meta.url)) await runSegmentBench();
