// Triggers: a periodic, set-based scan of what happened (customer events, consent grants) that
// enrols people into published automations, and ends runs whose goal event happened.
import { param, sql, type SQL } from 'drizzle-orm';
import type { Db, Log } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { normalizeKeyword } from '../consent/index.js';
import { contactsWithAgent } from '../conversations/index.js';
import { enrollContacts } from './enrol.service.js';

/**
 * Why a lag: identity ids are handed out before commit, so a row with a lower id can become
 * visible after a higher one was read. Rows younger than this (by the database clock) stay after
 * the cursor and are read again on the next scan instead of being passed for good. A transaction
 * that commits more than this after it inserted its row would be missed; event and consent writes
 * commit in milliseconds.
 *
 * Why a handled set: re-reading is for rows that were not visible yet, not for enrolling the
 * visible ones again on every pass (at a keyword a second that was ~5 enrolment calls per keyword
 * and a busy loop). The cursor row keeps the ids after it whose triggers were handled, written in
 * the same transaction as their enrolments (so a crash loses or repeats nothing; the row lock makes
 * one process the scanner at a time). Enrolment only looks at the rows not in it; what depends on
 * other rows' state (answers to waiting runs, awaited events, goals, withdrawals) still sees every
 * row of the lag each pass, because the run it concerns may commit just after the row was read.
 */
const VISIBILITY_LAG = '2 seconds';
const BATCH = 5_000;

interface Listener {
  automation_id: string;
  workspace_id: string;
  version: number;
  trigger: {
    type: string;
    event?: string;
    where?: Record<string, string | number | boolean>;
    keywords?: string[];
    first_message?: boolean;
    payload?: string[];
    tag?: string;
    change?: 'added' | 'removed';
    attribute?: string;
    equals?: string | number | boolean;
  };
  topic_id: string | null;
  goal_event: string | null;
  /** When the automation was first published: what happened before never triggers it. */
  since: string | Date;
  /** Published within the visibility lag: rows handled before the scan saw it are not handled for it yet, so it gets every row of the lag. */
  recent: boolean;
}

/** What one scan read after its cursor: every row (`all`), and those whose triggers were not handled yet (`fresh`). */
interface Read<R> {
  all: R[];
  fresh: R[];
}
/** The rows a listener's enrolment looks at. */
const rowsFor = <R>(l: Listener, read: Read<R>): R[] => (l.recent ? read.all : read.fresh);

/**
 * Scans new customer events, consent events and inbound messages once; returns how many new rows it
 * read. The worker calls it only while an automation is live (`hasLiveAutomations`, checked once a pass).
 */
export async function scanAutomationTriggers(deps: { db: Db; now: Date; log: Log }): Promise<number> {
  const listeners = await queryRowsOf<Listener>(
    deps.db,
    sql`select a.id as automation_id, a.workspace_id, a.version, v.definition->'trigger' as trigger, v.topic_id, v.definition->'goal'->>'event' as goal_event,
          (select min(f.published_at) from automation_versions f where f.automation_id = a.id) as since,
          (select min(f.published_at) from automation_versions f where f.automation_id = a.id) > now() - interval '${sql.raw(VISIBILITY_LAG)}' as recent
        from automations a join automation_versions v on v.automation_id = a.id and v.version = a.version
        where a.status = 'published'`,
  );
  // A new cursor starts at the end: history before automations existed triggers nothing (once a pass, not per source).
  await startCursors(deps.db);
  let read = 0;
  read += await scanSource(deps, 'contact_events', (tx, rows) => onEvents({ ...deps, db: tx }, listeners, rows));
  read += await scanSource(deps, 'consent_events', (tx, rows) => onGrants({ ...deps, db: tx }, listeners, rows));
  read += await scanSource(deps, 'contact_changes', (tx, rows) => onChanges({ ...deps, db: tx }, listeners, rows));
  // Last: a STOP's withdrawal (read above) has ended the runs its message would otherwise answer.
  read += await scanInbound(deps, listeners);
  return read;
}

type Source = 'contact_events' | 'consent_events' | 'contact_changes';
const settledSql = (col: string) => sql.raw(`${col} < now() - interval '${VISIBILITY_LAG}' as settled`);

/** Each source's rows after the cursor, as (id, workspace, contact, type, properties, time). */
const SOURCE_ROWS: Record<Source, (after: number) => SQL> = {
  contact_events: (after) =>
    sql`select id::bigint as id, workspace_id, contact_id, type, properties, received_at as at, ${settledSql('received_at')}
        from contact_events where id > ${after} order by id limit ${BATCH}`,
  consent_events: (after) =>
    sql`select id::bigint as id, workspace_id, contact_id, topic_id::text as type, jsonb_build_object('action', action) as properties, recorded_at as at, ${settledSql('recorded_at')}
        from consent_events where id > ${after} and contact_id is not null order by id limit ${BATCH}`,
  // Written by triggers on contacts (contacts module): kind is tag_added / tag_removed / attribute_changed.
  contact_changes: (after) =>
    sql`select id::bigint as id, workspace_id, contact_id, kind as type, jsonb_build_object('key', key, 'value', value) as properties, at, ${settledSql('at')}
        from contact_changes where id > ${after} order by id limit ${BATCH}`,
};

type SourceRow = { id: number; workspace_id: string; contact_id: string; type: string; properties: Record<string, unknown>; at: string | Date; settled: boolean };

/**
 * Reads one source after its cursor under a row lock, hands the rows over, moves the cursor past
 * the settled ones and remembers which rows after it were handled. Returns how many rows were new.
 */
async function scanSource(deps: { db: Db }, source: Source, handle: (tx: Db, read: Read<SourceRow>) => Promise<void>): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const [cursor] = await queryRowsOf<{ last_id: number; handled: string[] }>(tx, sql`select last_id::bigint as last_id, handled from automation_cursors where source = ${source} for update skip locked`);
    if (!cursor) return 0;
    const rows = (await queryRowsOf<SourceRow>(tx, SOURCE_ROWS[source](cursor.last_id))).map((r) => ({ ...r, id: Number(r.id) }));
    if (rows.length === 0) return 0;
    const handled = new Set(cursor.handled);
    const fresh = rows.filter((r) => !handled.has(String(r.id)));
    // In the scan's transaction: on PGlite's one connection a statement outside it would wait forever.
    await handle(tx, { all: rows, fresh });
    // The cursor stops before the first row that may still have an older neighbour on its way.
    const firstUnsettled = rows.find((r) => !r.settled);
    const last = Math.max(Number(cursor.last_id), firstUnsettled ? firstUnsettled.id - 1 : rows[rows.length - 1]!.id);
    const stillAfter = rows.filter((r) => r.id > last).map((r) => String(r.id));
    if (last > Number(cursor.last_id) || fresh.length > 0) {
      await tx.execute(sql`update automation_cursors set last_id = ${last}, handled = ${param(stillAfter)}::text[], updated_at = now() where source = ${source}`);
    }
    return fresh.length;
  });
}

const matches = (where: Listener['trigger']['where'], props: Record<string, unknown>) => Object.entries(where ?? {}).every(([k, v]) => props[k] === v);

/** Customer events: enrol on `event` triggers; convert runs whose goal this event is. */
async function onEvents(deps: { db: Db; now: Date }, listeners: Listener[], read: Read<SourceRow>): Promise<void> {
  const rows = read.all;
  await onAwaitedEvents(deps, rows);
  for (const l of listeners) {
    const mine = rows.filter((r) => r.workspace_id === l.workspace_id && new Date(r.at) >= new Date(l.since));
    if (mine.length === 0) continue;
    if (l.trigger.type === 'event') {
      const hits = rowsFor(l, read).filter((r) => r.workspace_id === l.workspace_id && new Date(r.at) >= new Date(l.since) && r.type === l.trigger.event && matches(l.trigger.where, r.properties));
      await enrolHits(deps, l, { trigger: 'event' }, hits.map((e) => ({ contactId: e.contact_id, key: `ev:${e.id}` })));
    }
    const goals = l.goal_event ? mine.filter((r) => r.type === l.goal_event).map((r) => r.contact_id) : [];
    if (goals.length > 0) {
      await deps.db.execute(sql`update automation_runs set state = 'converted', reason = ${`goal: ${l.goal_event}`}, step_id = null, due_at = null,
                                  finished_at = ${deps.now.toISOString()}::timestamptz, updated_at = ${deps.now.toISOString()}::timestamptz
                                where automation_id = ${l.automation_id} and state in ('active', 'waiting') and contact_id = any(${param(goals)}::uuid[])`);
    }
  }
}

/**
 * Wakes runs waiting for an event (`wait_for_event`: `context.awaiting` holds its type and
 * properties) with the person's first matching event received after they began to wait,
 * remembered in `context.last_event`; the run becomes due now and goes to `on_event`.
 */
async function onAwaitedEvents(deps: { db: Db; now: Date }, rows: SourceRow[]): Promise<void> {
  const col = <T>(f: (r: SourceRow) => T) => param(rows.map(f));
  await deps.db.execute(sql`
    with x as (select * from unnest(${col((r) => r.id)}::bigint[], ${col((r) => r.workspace_id)}::uuid[], ${col((r) => r.contact_id)}::uuid[], ${col((r) => r.type)}::text[],
                                    ${col((r) => JSON.stringify(r.properties))}::jsonb[], ${col((r) => new Date(r.at).toISOString())}::timestamptz[]) as x(id, ws, contact, type, props, at)),
         f as (select r2.id as run_id, m.id, m.type, m.props
               from automation_runs r2
               cross join lateral (select * from x where x.ws = r2.workspace_id and x.contact = r2.contact_id and x.type = r2.context->'awaiting'->>'event'
                                     and x.at > (r2.context->'awaiting'->>'since')::timestamptz
                                     and (jsonb_typeof(r2.context->'awaiting'->'where') is distinct from 'object' or x.props @> (r2.context->'awaiting'->'where'))
                                   order by x.id limit 1) m
               where r2.waiting_for = 'event' and r2.state = 'waiting' and r2.contact_id = any(${col((r) => r.contact_id)}::uuid[]))
    update automation_runs r set waiting_for = 'evented', due_at = ${deps.now.toISOString()}::timestamptz, updated_at = ${deps.now.toISOString()}::timestamptz,
      context = r.context || jsonb_build_object('last_event', jsonb_build_object('id', f.id, 'type', f.type, 'properties', f.props))
    from f where r.id = f.run_id and r.waiting_for = 'event'`);
}

/**
 * Consent events: a withdrawal ends the person's runs of every automation on that topic (a STOP
 * of everything: every automation) at once
 * (the engine also checks before each go, so nothing is sent meanwhile); a grant enrols on `opt_in`
 * triggers for the automation's topic.
 */
async function onGrants(deps: { db: Db; now: Date }, listeners: Listener[], read: Read<SourceRow>): Promise<void> {
  const withdrawn = read.all.filter((r) => r.properties.action === 'withdraw');
  for (const w of withdrawn) {
    await deps.db.execute(sql`update automation_runs r set state = 'exited', reason = 'consent_withdrawn', step_id = null, due_at = null,
                                finished_at = ${deps.now.toISOString()}::timestamptz, updated_at = ${deps.now.toISOString()}::timestamptz
                              from automation_versions v
                              where r.workspace_id = ${w.workspace_id} and r.contact_id = ${w.contact_id} and r.state in ('active', 'waiting')
                                and v.automation_id = r.automation_id and v.version = r.version and (${w.type}::uuid is null or v.topic_id = ${w.type}::uuid)`);
  }
  for (const l of listeners.filter((x) => x.trigger.type === 'opt_in' && x.topic_id)) {
    const mine = rowsFor(l, read).filter((r) => r.properties.action === 'grant' && r.workspace_id === l.workspace_id && r.type === l.topic_id && new Date(r.at) >= new Date(l.since));
    await enrolHits(deps, l, { trigger: 'opt_in' }, mine.map((g) => ({ contactId: g.contact_id, key: `ce:${g.id}` })));
  }
}

/** Tag and attribute changes: enrol on `tag` (added or removed) and `attribute` (changed, optionally to a value) triggers. */
async function onChanges(deps: { db: Db; now: Date }, listeners: Listener[], read: Read<SourceRow>): Promise<void> {
  for (const l of listeners.filter((x) => x.trigger.type === 'tag' || x.trigger.type === 'attribute')) {
    const t = l.trigger;
    const hit = (r: SourceRow) =>
      t.type === 'tag'
        ? r.type === `tag_${t.change ?? 'added'}` && r.properties.key === t.tag
        : r.type === 'attribute_changed' && r.properties.key === t.attribute && (t.equals === undefined || r.properties.value === t.equals);
    const hits = rowsFor(l, read).filter((r) => r.workspace_id === l.workspace_id && new Date(r.at) >= new Date(l.since) && hit(r));
    await enrolHits(deps, l, { trigger: t.type }, hits.map((c) => ({ contactId: c.contact_id, key: `cc:${c.id}` })));
  }
}

/** Enrols the people a scan batch found for one automation, in one statement, each under the key of what enrolled them. */
async function enrolHits(deps: { db: Db; now: Date }, l: Listener, source: Record<string, unknown>, hits: { contactId: string; key: string }[]): Promise<void> {
  if (hits.length === 0) return;
  // Newest first: a person named twice in a batch is enrolled once, by the first key given. Why the
  // newest: a re-read (an automation published within the lag reads every row of it again) names
  // the person's older, already enrolled hit too, and that key would win and conflict, dropping the new one.
  const newest = [...hits].reverse();
  await enrollContacts(deps.db, { workspaceId: l.workspace_id, automationId: l.automation_id, version: l.version, now: deps.now, source }, { ids: newest.map((h) => h.contactId), keys: newest.map((h) => h.key) });
}

/** `at_key`: `created_at` as text, to the microsecond (a JS Date keeps milliseconds: a cursor through one would read its last row again for ever). */
type InboundRow = { id: string; workspace_id: string; contact_id: string; body: string | null; reply_id: string | null; created_at: string | Date; at_key: string; settled: boolean };

/**
 * Inbound messages, in (created_at, id) order after the cursor (messages have no growing id; many
 * share one creation time when a webhook batch commits): answers to runs waiting for a reply,
 * then keyword, first-message and button triggers.
 */
async function scanInbound(deps: { db: Db; now: Date }, listeners: Listener[]): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const [cursor] = await queryRowsOf<{ last_at: string; last_key: string; handled: string[] }>(tx, sql`select last_at::text as last_at, last_key, handled from automation_cursors where source = 'messages' for update skip locked`);
    if (!cursor) return 0;
    const rows = await queryRowsOf<InboundRow>(
      tx,
      sql`select id, workspace_id, contact_id, body, payload->>'reply_id' as reply_id, created_at, created_at::text as at_key, created_at < now() - interval '${sql.raw(VISIBILITY_LAG)}' as settled
          from messages where direction = 'in' and contact_id is not null and (created_at, id) > (${cursor.last_at}::timestamptz, ${cursor.last_key}::uuid)
          order by created_at, id limit ${BATCH}`,
    );
    if (rows.length === 0) return 0;
    const handled = new Set(cursor.handled);
    const fresh = rows.filter((r) => !handled.has(r.id));
    await onReplies({ ...deps, db: tx }, rows);
    await onInboundTriggers({ ...deps, db: tx }, listeners, { all: rows, fresh });
    const upTo = rows.findIndex((r) => !r.settled);
    const last = upTo === -1 ? rows[rows.length - 1] : rows[upTo - 1];
    // Rows are in cursor order: those after the new cursor are the ones from `upTo` on.
    const stillAfter = upTo === -1 ? [] : rows.slice(upTo).map((r) => r.id);
    if (last || fresh.length > 0) {
      const moveTo = last ? sql`last_at = ${last.at_key}::timestamptz, last_key = ${last.id},` : sql``;
      await tx.execute(sql`update automation_cursors set ${moveTo} handled = ${param(stillAfter)}::text[], updated_at = now() where source = 'messages'`);
    }
    return fresh.length;
  });
}

/**
 * Marks runs waiting for a reply as answered by the person's first message since they began to
 * wait (by the database clock), remembers it, and makes the run due now.
 */
async function onReplies(deps: { db: Db; now: Date }, rows: InboundRow[]): Promise<void> {
  await deps.db.execute(sql`
    with x as (select * from unnest(${param(rows.map((r) => r.workspace_id))}::uuid[], ${param(rows.map((r) => r.contact_id))}::uuid[], ${param(rows.map((r) => r.body))}::text[],
                                    ${param(rows.map((r) => r.reply_id))}::text[], ${param(rows.map((r) => r.at_key))}::timestamptz[]) as x(ws, contact, body, reply_id, created_at)),
         f as (select r2.id as run_id, m.body, m.reply_id, m.created_at
               from automation_runs r2
               cross join lateral (select * from x where x.ws = r2.workspace_id and x.contact = r2.contact_id and x.created_at > (r2.context->>'waiting_since')::timestamptz order by x.created_at limit 1) m
               where r2.waiting_for = 'reply' and r2.state = 'waiting' and r2.contact_id = any(${param(rows.map((r) => r.contact_id))}::uuid[]))
    update automation_runs r set waiting_for = 'replied', due_at = ${deps.now.toISOString()}::timestamptz, updated_at = ${deps.now.toISOString()}::timestamptz,
      context = r.context || jsonb_build_object('last_reply', jsonb_build_object('text', f.body, 'payload', f.reply_id, 'at', f.created_at))
    from f where r.id = f.run_id and r.waiting_for = 'reply'`);
}

/** Keyword, first-message and button triggers; people handed over to an agent are left to the agent. */
async function onInboundTriggers(deps: { db: Db; now: Date }, listeners: Listener[], read: Read<InboundRow>): Promise<void> {
  const mine = listeners.filter((x) => x.trigger.type === 'inbound' || x.trigger.type === 'button');
  let rows = mine.some((l) => l.recent) ? read.all : read.fresh;
  if (mine.length === 0 || rows.length === 0) return;
  const withAgent = new Set<string>();
  for (const ws of new Set(rows.map((r) => r.workspace_id))) {
    for (const id of await contactsWithAgent(deps.db, ws, [...new Set(rows.filter((r) => r.workspace_id === ws).map((r) => r.contact_id))])) withAgent.add(id);
  }
  rows = rows.filter((r) => !withAgent.has(r.contact_id));
  const freshIds = new Set(read.fresh.map((r) => r.id));
  for (const l of mine) {
    const words = new Set((l.trigger.keywords ?? []).map(normalizeKeyword));
    const hits: { contactId: string; key: string }[] = [];
    for (const m of rows.filter((r) => (l.recent || freshIds.has(r.id)) && r.workspace_id === l.workspace_id && new Date(r.created_at) >= new Date(l.since))) {
      const hit =
        l.trigger.type === 'button'
          ? m.reply_id !== null && (l.trigger.payload ?? []).includes(m.reply_id)
          : (words.size === 0 || (m.body !== null && words.has(normalizeKeyword(m.body)))) && (!l.trigger.first_message || (await isFirstMessage(deps.db, m)));
      if (hit) hits.push({ contactId: m.contact_id, key: `msg:${m.id}` });
    }
    await enrolHits(deps, l, { trigger: l.trigger.type }, hits);
  }
}

async function isFirstMessage(db: Db, m: InboundRow): Promise<boolean> {
  const [r] = await queryRowsOf<{ earlier: boolean }>(
    db,
    sql`select exists (select 1 from messages where workspace_id = ${m.workspace_id} and contact_id = ${m.contact_id} and direction = 'in' and (created_at, id) < (${m.at_key}::timestamptz, ${m.id}::uuid)) as earlier`,
  );
  return !r?.earlier;
}

/**
 * Starts the scan's cursors at the end of their tables, once: history from before the first
 * automation triggers nothing. Called when an automation is published (so what happens after it
 * is read even before the first scan) and by the scan itself.
 */
export async function startCursors(db: Db): Promise<void> {
  for (const source of ['contact_events', 'consent_events', 'contact_changes'] as const) {
    await db.execute(sql`insert into automation_cursors (source, last_id) select ${source}, coalesce(max(id), 0) from ${sql.identifier(source)} on conflict do nothing`);
  }
  await db.execute(sql`insert into automation_cursors (source, last_at, last_key) values ('messages', now(), ${'00000000-0000-0000-0000-000000000000'}) on conflict do nothing`);
}

/** True when any workspace has a published or paused automation (otherwise the worker's automation loop has nothing to do). */
export async function hasLiveAutomations(db: Db): Promise<boolean> {
  const [live] = await queryRowsOf<{ any: boolean }>(db, sql`select exists (select 1 from automations where status in ('published', 'paused')) as any`);
  return Boolean(live?.any);
}
