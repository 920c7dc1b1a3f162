// Triggers: a periodic, set-based scan of what happened (customer events, consent grants) that
// enrols people into published automations, and ends runs whose goal event happened.
import { param, sql } from 'drizzle-orm';
import type { Db, Log } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { enrollContacts } from './enrol.service.js';

/**
 * Why a lag: identity ids are handed out before commit, so a row with a lower id can become
 * visible after a higher one was read. Rows younger than this (by the database clock) are read
 * again on the next scan instead of being passed for good; enrolment is idempotent (dedupe keys),
 * so reading a row twice enrols nobody twice. A transaction that commits more than this after it
 * inserted its row would be missed; event and consent writes commit in milliseconds.
 */
const VISIBILITY_LAG = '2 seconds';
const BATCH = 5_000;

interface Listener {
  automation_id: string;
  workspace_id: string;
  version: number;
  trigger: { type: string; event?: string; where?: Record<string, string | number | boolean> };
  topic_id: string | null;
  goal_event: string | null;
  /** When the automation was first published: what happened before never triggers it. */
  since: string | Date;
}

/** Scans new customer events and consent grants once; returns how many rows it read. */
export async function scanAutomationTriggers(deps: { db: Db; now: Date; log: Log }): Promise<number> {
  const listeners = await queryRowsOf<Listener>(
    deps.db,
    sql`select a.id as automation_id, a.workspace_id, a.version, v.definition->'trigger' as trigger, v.topic_id, v.definition->'goal'->>'event' as goal_event,
          (select min(f.published_at) from automation_versions f where f.automation_id = a.id) as since
        from automations a join automation_versions v on v.automation_id = a.id and v.version = a.version
        where a.status = 'published'`,
  );
  if (listeners.length === 0) return 0;
  let read = 0;
  read += await scanSource(deps, 'contact_events', (tx, rows) => onEvents({ ...deps, db: tx }, listeners, rows));
  read += await scanSource(deps, 'consent_events', (tx, rows) => onGrants({ ...deps, db: tx }, listeners, rows));
  return read;
}

type SourceRow = { id: number; workspace_id: string; contact_id: string; type: string; properties: Record<string, unknown>; at: string | Date; settled: boolean };

/** Reads one source after its cursor under a row lock, hands the rows over, and moves the cursor past the settled ones. */
async function scanSource(deps: { db: Db }, source: 'contact_events' | 'consent_events', handle: (tx: Db, rows: SourceRow[]) => Promise<void>): Promise<number> {
  // A new cursor starts at the end: history before automations existed triggers nothing.
  await deps.db.execute(sql`insert into automation_cursors (source, last_id) select ${source}, coalesce(max(id), 0) from ${sql.identifier(source)} on conflict do nothing`);
  return deps.db.transaction(async (tx) => {
    const [cursor] = await queryRowsOf<{ last_id: number }>(tx, sql`select last_id::bigint as last_id from automation_cursors where source = ${source} for update skip locked`);
    if (!cursor) return 0;
    const rows =
      source === 'contact_events'
        ? await queryRowsOf<SourceRow>(
            tx,
            sql`select id::bigint as id, workspace_id, contact_id, type, properties, received_at as at, received_at < now() - interval '${sql.raw(VISIBILITY_LAG)}' as settled
                from contact_events where id > ${cursor.last_id} order by id limit ${BATCH}`,
          )
        : await queryRowsOf<SourceRow>(
            tx,
            sql`select id::bigint as id, workspace_id, contact_id, topic_id::text as type, jsonb_build_object('action', action) as properties, recorded_at as at, recorded_at < now() - interval '${sql.raw(VISIBILITY_LAG)}' as settled
                from consent_events where id > ${cursor.last_id} and contact_id is not null order by id limit ${BATCH}`,
          );
    if (rows.length === 0) return 0;
    // In the scan's transaction: on PGlite's one connection a statement outside it would wait forever.
    await handle(tx, rows.map((r) => ({ ...r, id: Number(r.id) })));
    // The cursor stops before the first row that may still have an older neighbour on its way.
    const firstUnsettled = rows.find((r) => !r.settled);
    const last = firstUnsettled ? Number(firstUnsettled.id) - 1 : Number(rows[rows.length - 1]!.id);
    if (last > Number(cursor.last_id)) await tx.execute(sql`update automation_cursors set last_id = ${last}, updated_at = now() where source = ${source}`);
    return rows.length;
  });
}

const matches = (where: Listener['trigger']['where'], props: Record<string, unknown>) => Object.entries(where ?? {}).every(([k, v]) => props[k] === v);

/** Customer events: enrol on `event` triggers; convert runs whose goal this event is. */
async function onEvents(deps: { db: Db; now: Date }, listeners: Listener[], rows: SourceRow[]): Promise<void> {
  for (const l of listeners) {
    const mine = rows.filter((r) => r.workspace_id === l.workspace_id && new Date(r.at) >= new Date(l.since));
    if (mine.length === 0) continue;
    if (l.trigger.type === 'event') {
      for (const e of mine.filter((r) => r.type === l.trigger.event && matches(l.trigger.where, r.properties))) {
        await enrollContacts(deps.db, { workspaceId: l.workspace_id, automationId: l.automation_id, version: l.version, now: deps.now, source: { trigger: 'event', event_id: e.id }, eventKey: `ev:${e.id}` }, { ids: [e.contact_id] });
      }
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
 * Consent events: a withdrawal ends the person's runs of every automation on that topic (a STOP
 * of everything: every automation) at once
 * (the engine also checks before each go, so nothing is sent meanwhile); a grant enrols on `opt_in`
 * triggers for the automation's topic.
 */
async function onGrants(deps: { db: Db; now: Date }, listeners: Listener[], rows: SourceRow[]): Promise<void> {
  const withdrawn = rows.filter((r) => r.properties.action === 'withdraw');
  for (const w of withdrawn) {
    await deps.db.execute(sql`update automation_runs r set state = 'exited', reason = 'consent_withdrawn', step_id = null, due_at = null,
                                finished_at = ${deps.now.toISOString()}::timestamptz, updated_at = ${deps.now.toISOString()}::timestamptz
                              from automation_versions v
                              where r.workspace_id = ${w.workspace_id} and r.contact_id = ${w.contact_id} and r.state in ('active', 'waiting')
                                and v.automation_id = r.automation_id and v.version = r.version and (${w.type}::uuid is null or v.topic_id = ${w.type}::uuid)`);
  }
  for (const l of listeners.filter((x) => x.trigger.type === 'opt_in' && x.topic_id)) {
    const mine = rows.filter((r) => r.properties.action === 'grant' && r.workspace_id === l.workspace_id && r.type === l.topic_id && new Date(r.at) >= new Date(l.since));
    for (const g of mine) {
      await enrollContacts(deps.db, { workspaceId: l.workspace_id, automationId: l.automation_id, version: l.version, now: deps.now, source: { trigger: 'opt_in', consent_event_id: g.id }, eventKey: `ce:${g.id}` }, { ids: [g.contact_id] });
    }
  }
}
