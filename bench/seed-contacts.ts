// Seeds one workspace with a realistic contact base for the segment and lifecycle benchmarks, with
// set-based SQL only (INSERT … SELECT FROM generate_series, in chunks), on PGlite or PostgreSQL:
//   contacts     N (1,000,000 by default): unique E.164 phones in 10 countries (40 % NG, 20 % GB,
//                15 % IN, 10 % BR, rest US/DE/ZA/KE/FR/MX) with their zone and language, names
//                (20 % unknown), 9 lifecycle stages (contact_lifecycle rows; 'new' has none), 0-4 tags from a pool of 29 plus 'vip' (3 %),
//                attributes {city (200, skewed), plan (free/pro/biz), age, birthday, signup_source}
//   attribute_definitions  city string, plan enum, age number, birthday date, signup_source string
//   consent_state  topic 'offers' 60 % granted / 10 % withdrawn, 'updates' 30 % / 3 %
//   contact_engagement  70 % of contacts: last read/inbound/click over 0-200 days, counters
//   contact_events  ~2 M: purchases (products from 50 SKUs, amount, over the last year), sign-ups
//   messages     ~2 M outbound over the last 90 days (status_rank 2-4, 60 % in 18 broadcasts)
//                and ~0.3 M inbound replies
//   segments     a 50,000-member static list and a dynamic segment (for `segment` conditions)
//   contact_tags the tag index kept by triggers on contacts (filled here: the load runs without triggers)
// Every value derives from hashint8(contact number, salt), so both engines get the same data. The
// consent ledger (consent_events) is not seeded: segments read only the derived consent_state.
// Secondary indexes are dropped during the load and rebuilt afterwards, then VACUUM ANALYZE.
//
// Seeding 1 M contacts takes minutes, so the result is cached and reused while it is fresh (same
// size, same migrations, same SEED_VERSION, seeded < 3 days ago): on PostgreSQL as a template
// database `greenlist_bench_seed_<n>_<hash>` on the same server that accepts no connections (so
// nothing can change it), on PGlite as a data dir in the temp directory. Every run works on its
// own copy (CREATE DATABASE … TEMPLATE … STRATEGY FILE_COPY, or a copied data dir).
// BENCH_RESEED=1 forces a new seed; BENCH_DROP_SEED=1 removes the cache after the run.
// Run alone: node --import tsx bench/seed-contacts.ts [pglite|postgres] [contacts]
import { createHash } from 'node:crypto';
import { cp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase, type Database } from '../src/adapters/db/database.js';
import { MIGRATIONS_DIR, runMigrations } from '../src/adapters/db/migrate.js';
import { silentLogger } from '../src/lib/logger.js';
import { ensureDefaultWorkspace } from '../src/modules/workspaces/index.js';
import { isMain, printMachine, s } from './lib.js';

/** Bump when the generated data changes, so cached seeds are rebuilt. */
const SEED_VERSION = 1;
const MAX_AGE_MS = 3 * 86_400_000;
const DAY = 86_400;

/** What a seeded database holds (its comment: on the database on PostgreSQL, on `contacts` on PGlite). */
export interface SeedInfo {
  contacts: number;
  seededAt: string;
  seedMs: number;
  key: string;
}

/** A copy of the seeded database for one benchmark run. */
export interface SeededCopy {
  engine: 'PGlite' | 'PostgreSQL';
  /** PostgreSQL: the copy's URL. */
  url?: string;
  /** PGlite: the copy's data dir (GREENLIST_DATA_DIR; the database is in `<dir>/pgdata`). */
  dataDir?: string;
  info: SeedInfo;
  /** True when this run seeded (false: the cache was reused). */
  seeded: boolean;
  /** Removes the copy (and the cache too with BENCH_DROP_SEED=1). */
  done(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Value pools

const COUNTRIES: { code: string; pct: number; prefix: string; width: number; tz: string; lang: string }[] = [
  { code: 'NG', pct: 40, prefix: '+23480', width: 8, tz: 'Africa/Lagos', lang: 'en' },
  { code: 'GB', pct: 20, prefix: '+447', width: 9, tz: 'Europe/London', lang: 'en' },
  { code: 'IN', pct: 15, prefix: '+919', width: 9, tz: 'Asia/Kolkata', lang: 'hi' },
  { code: 'BR', pct: 10, prefix: '+55119', width: 8, tz: 'America/Sao_Paulo', lang: 'pt' },
  { code: 'US', pct: 5, prefix: '+1415', width: 7, tz: 'America/Los_Angeles', lang: 'en' },
  { code: 'DE', pct: 3, prefix: '+49151', width: 8, tz: 'Europe/Berlin', lang: 'de' },
  { code: 'ZA', pct: 3, prefix: '+2782', width: 7, tz: 'Africa/Johannesburg', lang: 'en' },
  { code: 'KE', pct: 2, prefix: '+2547', width: 8, tz: 'Africa/Nairobi', lang: 'sw' },
  { code: 'FR', pct: 1, prefix: '+336', width: 8, tz: 'Europe/Paris', lang: 'fr' },
  { code: 'MX', pct: 1, prefix: '+5255', width: 8, tz: 'America/Mexico_City', lang: 'es' },
];
const STAGES: [string, number][] = [['new', 10], ['onboarding', 5], ['active', 30], ['loyal', 10], ['at_risk', 15], ['dormant', 12], ['reactivating', 3], ['churned', 13], ['archived', 2]];
const FIRST = ['Adaeze', 'Chinedu', 'Oluwaseun', 'Ngozi', 'Emeka', 'Funmilayo', 'Ade', 'Bola', 'Tunde', 'Amara', 'Oliver', 'Amelia', 'Harry', 'Isla', 'Priya', 'Arjun', 'Ananya', 'Rahul', 'Lucas', 'Beatriz', 'Gabriel', 'Mariana', 'James', 'Emma', 'Lukas', 'Hannah', 'Thabo', 'Naledi', 'Wanjiru', 'Kamau', 'Chloé', 'Sofía', 'Mateo', 'Zoë', 'Kayode', 'Adebayo', 'Yetunde', 'Ifeoma', 'Sade', 'Obinna'];
const LAST = ['Okafor', 'Adeyemi', 'Balogun', 'Eze', 'Nwosu', 'Okonkwo', 'Adebayo', 'Ibrahim', 'Smith', 'Jones', 'Taylor', 'Brown', 'Sharma', 'Patel', 'Singh', 'Kumar', 'Silva', 'Santos', 'Oliveira', 'Souza', 'Johnson', 'Müller', 'Schmidt', 'Nkosi', 'Dlamini', 'Otieno', 'Mwangi', 'Martin', 'García', 'Hernández', 'Adeleke', 'Ogunleye', 'Chukwu', 'Obi', 'Afolabi', 'Williams', 'Lewis', 'Reddy', 'Costa', 'Lopes'];
const TAGS = ['newsletter', 'customer', 'lead', 'wholesale', 'retail', 'lagos-store', 'abuja-store', 'london-store', 'online', 'event-2024', 'event-2025', 'referral', 'instagram', 'facebook', 'tiktok', 'whatsapp-ad', 'b2b', 'student', 'staff', 'beta', 'feedback', 'survey', 'returning', 'high-value', 'discount', 'gift', 'birthday-club', 'loyalty', 'premium'];
const CITY_BASES = ['Lagos', 'Abuja', 'Ibadan', 'Kano', 'Enugu', 'London', 'Leeds', 'Mumbai', 'Delhi', 'Pune', 'São Paulo', 'Rio', 'Austin', 'Berlin', 'Durban', 'Nairobi', 'Paris', 'Puebla', 'Accra', 'Kumasi'];
const CITY_PARTS = ['', ' North', ' South', ' East', ' West', ' Central', ' Island', ' Mainland', ' Old Town', ' New Town'];
const CITIES = CITY_PARTS.flatMap((p) => CITY_BASES.map((b) => `${b}${p}`)); // 200
const SOURCES = ['import', 'web_form', 'qr_keyword', 'shop', 'api', 'referral'];
/** The 50 SKUs; popularity is skewed (sku-1 most bought). */
export const SKUS = Array.from({ length: 50 }, (_, k) => `sku-${k + 1}`);

const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;
const arr = (vs: string[]) => `${lit(`{${vs.map((v) => `"${v.replace(/"/g, '\\"')}"`).join(',')}}`)}::text[]`;
/** A uniform integer in [0, m) from contact number `i` and a salt: the same on every engine. */
const u = (salt: number, m: number, i = 'i') => `((hashint8(${i}::bigint * 64 + ${salt}) & 2147483647) % ${m})`;
/** Same, for the j-th item of contact i (j < 32). */
const u2 = (salt: number, m: number) => `((hashint8((i::bigint * 32 + j) * 64 + ${salt}) & 2147483647) % ${m})`;
/** A CASE picking from weighted values by a [0, 100) expression. */
function weighted(expr: string, items: [string, number][]): string {
  let acc = 0;
  const whens = items.slice(0, -1).map(([v, w]) => `when ${expr} < ${(acc += w)} then ${v}`);
  return `(case ${whens.join(' ')} else ${items[items.length - 1]![0]} end)`;
}
/** The contact id of contact number `i` (random-looking, deterministic). */
export const contactIdSql = (i = 'i') => `md5('gl-bench-' || ${i})::uuid`;
const countryPick = (field: keyof (typeof COUNTRIES)[number]) => weighted(u(1, 100), COUNTRIES.map((c) => [field === 'code' || field === 'tz' || field === 'lang' ? lit(String(c[field])) : `${lit(c.prefix)} || lpad(i::text, ${c.width}, '0')`, c.pct]));
const phoneSql = countryPick('prefix');
/** 70 % of contacts have engagement; only they have events and messages. */
const engagedSql = `${u(14, 100)} < 70`;

// ---------------------------------------------------------------------------------------------
// Seeding

type Exec = (text: string) => Promise<void>;

/** Seeds `n` contacts (and everything around them) into the default workspace of a migrated database. */
export async function seedDatabase(database: Database, n: number, log: (line: string) => void = () => undefined): Promise<void> {
  const exec: Exec = async (text) => {
    await database.db.execute(sql.raw(text));
  };
  const rows = async <T>(text: string) => ((await database.db.execute(sql.raw(text))) as unknown as { rows: T[] }).rows;
  const ws = (await ensureDefaultWorkspace(database.db, { now: new Date(), log: silentLogger() })).id;
  const now = new Date();
  const nowSql = `${lit(now.toISOString())}::timestamptz`;
  const ago = (secondsExpr: string) => `(${nowSql} - make_interval(secs => ${secondsExpr}))`;
  const step = async (label: string, fn: () => Promise<void>) => {
    const t0 = performance.now();
    await fn();
    log(`  ${label}: ${s(performance.now() - t0)}`);
  };
  const chunked = async (label: string, total: number, chunk: number, stmt: (a: number, b: number) => string) =>
    step(label, async () => {
      for (let a = 1; a <= total; a += chunk) await exec(stmt(a, Math.min(total, a + chunk - 1)));
    });

  // The load skips FK triggers (the data is consistent by construction) and rebuilds indexes after.
  await exec(`set session_replication_role = replica`);
  await exec(`set maintenance_work_mem = '256MB'`);
  const tables = ['contacts', 'contact_lifecycle', 'consent_state', 'contact_engagement', 'contact_events', 'messages', 'segment_members'];
  const indexes = await rows<{ name: string; def: string }>(`
    select i.indexname as name, i.indexdef as def from pg_indexes i
    where i.schemaname = 'public' and i.tablename in (${tables.map(lit).join(', ')})
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`);
  for (const ix of indexes) await exec(`drop index "${ix.name}"`);

  await step('topics, attribute definitions, segments', async () => {
    await exec(`insert into topics (workspace_id, key, name, category) values (${lit(ws)}, 'offers', 'Offers', 'marketing'), (${lit(ws)}, 'updates', 'Order updates', 'utility')`);
    await exec(`insert into attribute_definitions (workspace_id, key, type, enum_values) values
      (${lit(ws)}, 'city', 'string', null), (${lit(ws)}, 'plan', 'enum', '{free,pro,biz}'), (${lit(ws)}, 'age', 'number', null),
      (${lit(ws)}, 'birthday', 'date', null), (${lit(ws)}, 'signup_source', 'string', null)`);
    // The schema is young: fill member_count only where the column exists.
    const counted = (await rows(`select 1 from information_schema.columns where table_name = 'segments' and column_name = 'member_count'`)).length > 0;
    await exec(`insert into segments (id, workspace_id, name, kind, rules${counted ? ', member_count' : ''}) values
      (md5('gl-bench-static')::uuid, ${lit(ws)}, 'Bench static list', 'static', null${counted ? `, ${Math.floor(n / 20)}` : ''}),
      (md5('gl-bench-dynamic')::uuid, ${lit(ws)}, 'VIPs in Nigeria', 'dynamic', '{"all":[{"field":"tags","op":"contains","value":"vip"},{"field":"country","op":"eq","value":"NG"}]}'${counted ? ', 0' : ''})`);
  });

  const birthdayDays = `${u(30, 365 * 55)}`; // born 1950-01-01 + up to 55 years
  // Since migration 0012 the stage is in contact_lifecycle (a contact without a row is 'new'); older schemas (bench:compare) keep it on contacts.
  const stageOnContacts = (await rows(`select 1 from information_schema.columns where table_name = 'contacts' and column_name = 'lifecycle_stage'`)).length > 0;
  const stageSql = weighted(u(18, 100), STAGES.map(([v, w]) => [lit(v), w]));
  const stageChangedSql = ago(u(13, 200 * DAY));
  await chunked('contacts', n, 100_000, (a, b) => `
    insert into contacts (id, workspace_id, phone, wa_id, name, country, timezone, timezone_source, language, attributes, tags,
                          ${stageOnContacts ? 'lifecycle_stage, lifecycle_changed_at, ' : ''}unreachable_at, created_at, updated_at)
    select ${contactIdSql()}, ${lit(ws)}, p.phone, substr(p.phone, 2),
           case when ${u(2, 100)} < 20 then null else (${arr(FIRST)})[1 + ${u(3, FIRST.length)}] || ' ' || (${arr(LAST)})[1 + ${u(4, LAST.length)}] end,
           ${countryPick('code')}, ${countryPick('tz')}, 'number',
           case when ${u(1, 100)} between 60 and 74 and ${u(5, 2)} = 0 then 'en' else ${countryPick('lang')} end,
           jsonb_strip_nulls(jsonb_build_object(
             'city', case when ${u(6, 100)} < 90 then (${arr(CITIES)})[1 + floor(${CITIES.length} * power(${u(7, 10000)} / 10000.0::float8, 2))::int] end,
             'plan', ${weighted(u(8, 100), [[lit('free'), 70], [lit('pro'), 25], [lit('biz'), 5]])},
             'age', case when ${u(9, 100)} < 85 then extract(year from age(${nowSql}, date '1950-01-01' + ${birthdayDays}))::int end,
             'birthday', case when ${u(9, 100)} < 85 then to_char(date '1950-01-01' + ${birthdayDays}, 'YYYY-MM-DD') end,
             'signup_source', (${arr(SOURCES)})[1 + ${u(10, SOURCES.length)}])),
           (array[t.p[1 + (t.b) % 29], t.p[1 + (t.b + 7) % 29], t.p[1 + (t.b + 14) % 29], t.p[1 + (t.b + 21) % 29]])[1:${weighted(u(11, 100), [['0', 30], ['1', 25], ['2', 20], ['3', 15], ['4', 10]])}]
             || case when ${u(12, 100)} < 3 then '{vip}'::text[] else '{}'::text[] end,
           ${stageOnContacts ? `p.stage, case when p.stage <> 'new' then ${stageChangedSql} end,` : ''}
           case when ${u(15, 1000)} < 5 then ${ago(u(16, 60 * DAY))} end,
           ${ago(`${u(17, 3 * 365 * DAY)} + ${200 * DAY}`)}, ${nowSql}
    from generate_series(${a}, ${b}) i
    cross join lateral (select ${phoneSql} as phone, ${stageSql} as stage) as p
    cross join lateral (select ${arr(TAGS)} as p, ${u(19, 29)}::int as b) as t`);
  if (!stageOnContacts) {
    await chunked('contact_lifecycle', n, 200_000, (a, b) => `
      insert into contact_lifecycle (contact_id, workspace_id, stage, changed_at)
      select ${contactIdSql()}, ${lit(ws)}, p.stage, ${stageChangedSql}
      from generate_series(${a}, ${b}) i cross join lateral (select ${stageSql} as stage) as p
      where p.stage <> 'new'`);
  }

  // The load runs with triggers off (replica role), so the trigger-kept tag index is filled here.
  if ((await rows(`select 1 from information_schema.tables where table_name = 'contact_tags'`)).length > 0) {
    await step('contact_tags', () =>
      exec(`insert into contact_tags select x.* from contacts c cross join lateral contact_index_tags(c.workspace_id, c.id, c.tags) x order by 1, 2, 3`),
    );
  }

  await chunked('consent_state', n, 200_000, (a, b) => `
    insert into consent_state (workspace_id, contact_id, topic_id, status, source, since, event_id)
    select ${lit(ws)}, ${contactIdSql()}, t.id, c.status,
           case when c.status = 'granted' then ${weighted(u(22, 100), [[lit('import'), 50], [lit('web_form'), 25], [lit('qr_keyword'), 20], [lit('api'), 5]])}
                else ${weighted(u(23, 100), [[lit('stop_keyword'), 80], [lit('user_preferences'), 20]])} end,
           ${ago(u(24, 365 * DAY))}, i
    from generate_series(${a}, ${b}) i
    cross join topics t
    cross join lateral (select case when t.key = 'offers' then ${weighted(u(20, 100), [[lit('granted'), 60], [lit('withdrawn'), 10], ['null', 30]])}
                                    else ${weighted(u(21, 100), [[lit('granted'), 30], [lit('withdrawn'), 3], ['null', 67]])} end as status) c
    where t.workspace_id = ${lit(ws)} and c.status is not null`);

  // Purchases: 0-12 per engaged contact (mean ~2), 1-3 SKUs each (skewed), over the last year.
  const purchases = weighted(u(25, 100), [['0', 35], ['1', 25], ['2', 15], ['3', 10], ['5', 7], ['8', 5], ['12', 3]]);
  const sku = (salt: number) => `'sku-' || (1 + floor(50 * power(${u2(salt, 10000)} / 10000.0::float8, 1.6))::int)`;
  await chunked('contact_events (purchases)', n, 100_000, (a, b) => `
    insert into contact_events (workspace_id, contact_id, type, properties, products, amount, currency, occurred_at, received_at, idempotency_key)
    select ${lit(ws)}, ${contactIdSql()}, 'purchase',
           jsonb_build_object('order_id', 'o-' || i || '-' || j, 'channel', (array['web','shop','app','whatsapp'])[1 + ${u2(41, 4)}]),
           (array[${sku(42)}, ${sku(43)}, ${sku(44)}])[1:${weighted(u2(45, 100), [['1', 60], ['2', 30], ['3', 10]])}],
           round((5 + ${u2(46, 49500)} / 100.0)::numeric, 2), 'USD', o.at, o.at, 'order-' || i || '-' || j
    from generate_series(${a}, ${b}) i
    cross join lateral generate_series(1, case when ${engagedSql} then ${purchases} else 0 end) j
    cross join lateral (select ${ago(u2(47, 365 * DAY))} as at) o`);
  await chunked('contact_events (sign-ups)', n, 200_000, (a, b) => `
    insert into contact_events (workspace_id, contact_id, type, properties, occurred_at, received_at)
    select ${lit(ws)}, ${contactIdSql()}, 'signup', jsonb_build_object('source', (${arr(SOURCES)})[1 + ${u(10, SOURCES.length)}]), o.at, o.at
    from generate_series(${a}, ${b}) i cross join lateral (select ${ago(u(26, 365 * DAY))} as at) o
    where ${u(27, 100)} < 60`);

  await step('contact_engagement', async () => {
    await exec(`create temp table bench_purchases as
      select contact_id, count(*)::int as n, sum(amount) as total, min(occurred_at) as first_at, max(occurred_at) as last_at
      from contact_events where type = 'purchase' group by contact_id`);
    await exec(`create index on bench_purchases (contact_id)`);
    for (let a = 1; a <= n; a += 200_000) {
      const b = Math.min(n, a + 199_999);
      await exec(`
        insert into contact_engagement (contact_id, workspace_id, last_inbound_at, last_sent_at, last_delivered_at, last_read_at, last_click_at,
          first_purchase_at, last_purchase_at, last_event_at, last_engaged_at, received_30d, read_30d, replied_30d, received_90d, read_90d, replied_90d,
          purchases_count, purchases_total, undeliverable_streak, windows_at, updated_at)
        select e.id, ${lit(ws)}, e.inbound, e.sent, e.sent + interval '4 seconds', e.read, e.click, p.first_at, p.last_at, p.last_at,
               greatest(e.inbound, e.read, e.click, p.last_at),
               ${u(33, 4)}, ${u(34, 3)}, ${u(35, 2)}, ${u(33, 4)} + ${u(36, 8)}, ${u(34, 3)} + ${u(37, 6)}, ${u(35, 2)} + ${u(38, 3)},
               coalesce(p.n, 0), coalesce(p.total, 0), case when ${u(39, 100)} < 2 then 1 + ${u(40, 3)} else 0 end,
               ${nowSql} - interval '1 day', ${nowSql}
        from generate_series(${a}, ${b}) i
        cross join lateral (select ${contactIdSql()} as id,
          case when ${u(28, 100)} < 75 then ${ago(u(29, 200 * DAY))} end as read,
          case when ${u(30, 100)} < 40 then ${ago(u(31, 200 * DAY))} end as inbound,
          case when ${u(32, 100)} < 15 then ${ago(u(57, 200 * DAY))} end as click,
          ${ago(u(48, 90 * DAY))} as sent) e
        left join bench_purchases p on p.contact_id = e.id
        where ${engagedSql}`);
    }
    await exec(`drop table bench_purchases`);
  });

  // Outbound: 0-8 per engaged contact (mean ~2.9) over 90 days; 60 % belong to one of 18 broadcasts (one per 5 days).
  const sent = weighted(u(49, 100), [['0', 20], ['1', 20], ['2', 20], ['4', 15], ['6', 15], ['8', 10]]);
  await chunked('messages (outbound)', n, 100_000, (a, b) => `
    insert into messages (workspace_id, contact_id, wa_id, direction, type, payload, wamid, status_rank, pricing_category, broadcast_id, sent_at, status_at, created_at)
    select ${lit(ws)}, ${contactIdSql()}, substr(${phoneSql}, 2), 'out', 'template', '{}'::jsonb, 'wamid.bench.' || i || '.' || j,
           r.rank, 'marketing', case when ${u2(51, 100)} < 60 then md5('gl-bench-broadcast-' || (m.days / 5))::uuid end,
           m.at, m.at + make_interval(secs => 5 + ${u2(52, 7200)} * (r.rank - 1)), m.at
    from generate_series(${a}, ${b}) i
    cross join lateral generate_series(1, case when ${engagedSql} then ${sent} else 0 end) j
    cross join lateral (select ${u2(50, 90)}::int as days) d
    cross join lateral (select d.days, ${nowSql} - make_interval(days => d.days, secs => ${u2(53, DAY)}) as at) m
    cross join lateral (select ${weighted(u2(54, 100), [['2', 10], ['3', 45], ['4', 45]])}::smallint as rank) r`);
  await chunked('messages (inbound)', n, 200_000, (a, b) => `
    insert into messages (workspace_id, contact_id, wa_id, direction, type, body, payload, wamid, status_rank, sent_at, created_at)
    select ${lit(ws)}, ${contactIdSql()}, substr(${phoneSql}, 2), 'in', 'text', 'Thanks!', '{}'::jsonb, 'wamid.bench.in.' || i || '.' || j, 0, m.at, m.at
    from generate_series(${a}, ${b}) i
    cross join lateral generate_series(1, case when ${engagedSql} and ${u(30, 100)} < 40 then 1 + ${u(55, 2)} else 0 end) j
    cross join lateral (select ${nowSql} - make_interval(secs => ${u2(56, 90 * DAY)}) as at) m`);

  await step('segment_members (static list)', () =>
    exec(`insert into segment_members (segment_id, contact_id, workspace_id, added_at)
          select md5('gl-bench-static')::uuid, ${contactIdSql()}, ${lit(ws)}, ${nowSql} from generate_series(20, ${n}, 20) i`),
  );
  await exec(`set session_replication_role = origin`);
  await step(`rebuild ${indexes.length} indexes`, async () => {
    for (const ix of indexes) await exec(ix.def);
  });
  await step('VACUUM ANALYZE', () => exec(`vacuum analyze`));
}

// ---------------------------------------------------------------------------------------------
// The cache

/** Identifies a seed: its size, the schema and SEED_VERSION (bump it when the generated data changes). */
async function seedKey(n: number): Promise<string> {
  const h = createHash('sha256').update(`v${SEED_VERSION}:${n}:`);
  for (const f of (await readdir(MIGRATIONS_DIR)).filter((x) => x.endsWith('.sql')).sort()) h.update(await readFile(join(MIGRATIONS_DIR, f)));
  return h.digest('hex').slice(0, 10);
}

const SEED_PREFIX = 'greenlist_bench_seed_';
/** BENCH_KEEP_SEEDS=1: don't drop seeds of the same size made for another schema (bench:compare alternates two). */
const KEEP_OTHER_SEEDS = process.env.BENCH_KEEP_SEEDS === '1';
const INFO_PREFIX = 'greenlist-bench-seed ';

const parseInfo = (c: string | null | undefined): SeedInfo | undefined => (c?.startsWith(INFO_PREFIX) ? (JSON.parse(c.slice(INFO_PREFIX.length)) as SeedInfo) : undefined);

/** PGlite: the seed's description, kept as the comment on `contacts`. */
async function readInfo(database: Database): Promise<SeedInfo | undefined> {
  const res = (await database.db.execute(sql`select obj_description('contacts'::regclass, 'pg_class') as c`)) as unknown as { rows: { c: string | null }[] };
  return parseInfo(res.rows[0]?.c);
}

const fresh = (info: SeedInfo | undefined, key: string, n: number): info is SeedInfo =>
  !!info && info.key === key && info.contacts === n && Date.now() - Date.parse(info.seededAt) < MAX_AGE_MS && process.env.BENCH_RESEED !== '1';

async function seedInto(database: Database, url: string | undefined, n: number, key: string): Promise<SeedInfo> {
  const t0 = performance.now();
  await runMigrations(database, url);
  const seededAt = new Date().toISOString();
  await seedDatabase(database, n, (l) => console.log(l));
  return { contacts: n, seededAt, seedMs: Math.round(performance.now() - t0), key };
}

async function admin<T>(baseUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: baseUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const withDb = (baseUrl: string, name: string) => {
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
};
const dropTemplate = async (c: pg.Client, name: string) => {
  await c.query(`alter database "${name}" is_template false`).catch(() => undefined);
  await c.query(`drop database if exists "${name}" with (force)`);
};

/**
 * The seeded template database on the PostgreSQL server of `baseUrl` (seeding it if needed). It
 * is marked a template that accepts no connections, so nothing can change it: runs use copies.
 * Its description is the database's comment.
 */
export async function seededPostgresTemplate(baseUrl: string, n: number): Promise<{ name: string; info: SeedInfo; seeded: boolean }> {
  const key = await seedKey(n);
  const name = `${SEED_PREFIX}${n}_${key}`;
  const existing = await admin(baseUrl, async (c) => {
    const dbs = (
      await c.query<{ datname: string; info: string | null }>(`select datname, shobj_description(oid, 'pg_database') as info from pg_database where datname like '${SEED_PREFIX}${n}\\_%'`)
    ).rows;
    // Same size, older schema or seeder. bench:compare (BENCH_KEEP_SEEDS=1) keeps both commits' seeds.
    if (!KEEP_OTHER_SEEDS) for (const d of dbs.filter((d) => d.datname !== name)) await dropTemplate(c, d.datname);
    return dbs.find((d) => d.datname === name);
  });
  if (existing) {
    const info = parseInfo(existing.info);
    if (fresh(info, key, n)) return { name, info, seeded: false };
    await admin(baseUrl, (c) => dropTemplate(c, name));
  }
  await admin(baseUrl, (c) => c.query(`create database "${name}"`));
  console.log(`Seeding ${n.toLocaleString('en')} contacts into PostgreSQL database ${name} (cached for later runs):`);
  const url = withDb(baseUrl, name);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
  let info: SeedInfo;
  try {
    info = await seedInto(database, url, n, key);
  } finally {
    await database.close();
  }
  await admin(baseUrl, async (c) => {
    await c.query(`comment on database "${name}" is ${lit(`${INFO_PREFIX}${JSON.stringify(info)}`)}`);
    await c.query(`alter database "${name}" with is_template true allow_connections false`);
  });
  return { name, info, seeded: true };
}

/** The seeded PGlite data dir in the temp directory (seeding it if needed); runs use copies of it. */
export async function seededPgliteDir(n: number): Promise<{ dir: string; info: SeedInfo; seeded: boolean }> {
  const key = await seedKey(n);
  const dir = join(tmpdir(), `greenlist-bench-seed-${n}-${key}`);
  for (const d of (await readdir(tmpdir())).filter((d) => !KEEP_OTHER_SEEDS && d.startsWith(`greenlist-bench-seed-${n}-`) && join(tmpdir(), d) !== dir && !d.includes('-copy-'))) {
    await rm(join(tmpdir(), d), { recursive: true, force: true }); // same size, older schema or seeder
  }
  if (existsSync(join(dir, 'pgdata'))) {
    const database = await openDatabase({ kind: 'pglite', dataDir: dir });
    const info = await readInfo(database).catch(() => undefined).finally(() => database.close());
    if (fresh(info, key, n)) return { dir, info, seeded: false };
  }
  await rm(dir, { recursive: true, force: true });
  console.log(`Seeding ${n.toLocaleString('en')} contacts into PGlite data dir ${dir} (cached for later runs):`);
  const database = await openDatabase({ kind: 'pglite', dataDir: dir });
  try {
    const info = await seedInto(database, undefined, n, key);
    await database.db.execute(sql.raw(`comment on table contacts is ${lit(`${INFO_PREFIX}${JSON.stringify(info)}`)}`));
    return { dir, info, seeded: true };
  } finally {
    await database.close();
  }
}

/** DATABASE_URL, or the local PostgreSQL server if it answers; undefined without one. */
export async function postgresUrl(): Promise<string | undefined> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const url = 'postgres://postgres@127.0.0.1:5432/postgres';
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await c.connect();
    await c.end();
    return url;
  } catch {
    return undefined;
  }
}

/** The engines to run: PGlite, and PostgreSQL when reachable; BENCH_ENGINES=pglite or =postgres picks one. */
export function benchEngines(pgUrl: string | undefined): ('PGlite' | 'PostgreSQL')[] {
  const want = (process.env.BENCH_ENGINES ?? 'pglite,postgres').toLowerCase();
  return [...(want.includes('pglite') ? ['PGlite' as const] : []), ...(pgUrl && want.includes('postgres') ? ['PostgreSQL' as const] : [])];
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  }
  return total;
}

/** A writable copy of the seed for one run (the cache itself is never opened by a benchmark). */
export async function seededCopy(engine: 'PGlite' | 'PostgreSQL', n: number, opts: { pgUrl?: string } = {}): Promise<SeededCopy> {
  const dropCache = process.env.BENCH_DROP_SEED === '1';
  if (engine === 'PostgreSQL') {
    const base = opts.pgUrl!;
    const tpl = await seededPostgresTemplate(base, n);
    const size = await admin(base, (c) => c.query<{ b: string }>(`select pg_database_size('${tpl.name}')::text as b`));
    console.log(`PostgreSQL seed ${tpl.name}: ${Math.round(Number(size.rows[0]!.b) / 1_048_576)} MB, seeded ${tpl.info.seededAt}${tpl.seeded ? ` in ${s(tpl.info.seedMs)}` : ' (reused; BENCH_RESEED=1 reseeds)'}`);
    const name = `greenlist_bench_${process.pid}_${Date.now().toString(36)}`;
    const t0 = performance.now();
    // FILE_COPY: a plain file copy after a checkpoint, much faster than WAL-logging every block.
    await admin(base, (c) => c.query(`create database "${name}" template "${tpl.name}" strategy file_copy`));
    console.log(`  copied to ${name} in ${s(performance.now() - t0)}`);
    return {
      engine,
      url: withDb(base, name),
      info: tpl.info,
      seeded: tpl.seeded,
      done: async () => {
        await admin(base, async (c) => {
          await c.query(`drop database if exists "${name}" with (force)`);
          if (dropCache) await dropTemplate(c, tpl.name);
        });
      },
    };
  }
  const seed = await seededPgliteDir(n);
  console.log(`PGlite seed ${seed.dir}: ${Math.round((await dirBytes(seed.dir)) / 1_048_576)} MB, seeded ${seed.info.seededAt}${seed.seeded ? ` in ${s(seed.info.seedMs)}` : ' (reused; BENCH_RESEED=1 reseeds)'}`);
  const dir = `${seed.dir}-copy-${process.pid}`;
  const t0 = performance.now();
  await rm(dir, { recursive: true, force: true });
  await cp(seed.dir, dir, { recursive: true });
  console.log(`  copied to ${dir} in ${s(performance.now() - t0)}`);
  return {
    engine,
    dataDir: dir,
    info: seed.info,
    seeded: seed.seeded,
    done: async () => {
      await rm(dir, { recursive: true, force: true });
      if (dropCache) await rm(seed.dir, { recursive: true, force: true });
    },
  };
}

if (isMain(import.meta.url)) {
  printMachine();
  const n = Number(process.argv[3] ?? 1_000_000);
  const pgUrl = process.argv[2] === 'postgres' ? await postgresUrl() : undefined;
  if (process.argv[2] === 'postgres' && !pgUrl) throw new Error('no PostgreSQL: set DATABASE_URL');
  const seed = pgUrl ? await seededPostgresTemplate(pgUrl, n) : await seededPgliteDir(n);
  console.log(`${'name' in seed ? `PostgreSQL template ${seed.name}` : `PGlite data dir ${seed.dir}`}: ${seed.seeded ? 'seeded' : 'already seeded'} (${JSON.stringify(seed.info)})`);
}
