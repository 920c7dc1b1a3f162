import { param, sql, type SQL } from 'drizzle-orm';
import type { Actor, Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { LINK_INITIATED, USER_INITIATED, consentTextHash, type ConsentSource } from './consent.rules.js';
import { rederivePreferences } from './preferences.ledger.js';
import { emitConsentEvents } from './consent-events.js';

/** One consent event to append. */
export interface ConsentEventInput {
  contactId: string;
  /** The contact's suppression hash; needed for grants from sources that cannot lift a suppression. */
  phoneHash?: string;
  /** null: every topic of the workspace. */
  topicId: string | null;
  action: 'grant' | 'withdraw';
  source: ConsentSource;
  evidence: Record<string, unknown>;
  occurredAt: Date;
  /** Makes the event idempotent: the same key never records twice (webhook wamid, import row). */
  dedupeKey: string | null;
}

/** An event as appended. */
export interface RecordedConsentEvent {
  id: number;
  contactId: string;
  topicId: string | null;
  action: 'grant' | 'withdraw';
  source: ConsentSource;
  occurredAt: Date;
}

/** What an append did. `blocked` grants were refused because the person had opted out. */
export interface AppendResult {
  recorded: RecordedConsentEvent[];
  blocked: ConsentEventInput[];
}

/** What the refusal rule needs of a grant. `contactId` null: a contact not created yet (an import's dry run). */
export interface GrantToCheck {
  contactId: string | null;
  phoneHash?: string;
  topicId: string | null;
  action: 'grant' | 'withdraw';
  source: ConsentSource;
}

/** Which checks of the refusal rule apply to an event: suppression, and a withdrawn topic (none for the person's own opt-ins). */
function guardsOf(e: GrantToCheck): { suppressed: boolean; withdrawn: boolean } {
  const guarded = e.action === 'grant' && !USER_INITIATED.has(e.source);
  return { suppressed: guarded && e.phoneHash !== undefined, withdrawn: guarded && e.contactId !== null && !LINK_INITIATED.has(e.source) };
}

/**
 * The refusal rule over a relation `e` with columns (contact_id, topic_id, phone_hash, check_suppressed,
 * check_withdrawn): true for a grant from a source the person did not initiate, for a suppressed number
 * or a topic the contact withdrew (`topic_id` null: any topic withdrawn). One SQL expression, so the
 * dry run (refusedGrants) and the append ask exactly the same question.
 */
function refusedSql(workspaceId: string): SQL {
  // Why two withdrawn tests rather than one with `(e.topic_id is null or cs.topic_id = e.topic_id)`: with
  // the OR, PostgreSQL probed consent_state_topic_idx without its topic column, reading every withdrawn
  // state of the workspace per event (1.5 ms each; an import chunk's grants took a second). Each branch
  // here is an exact key: (contact, topic), or the contact's prefix of the primary key.
  const withdrawn = sql`select 1 from consent_state cs where cs.contact_id = e.contact_id and cs.workspace_id = ${workspaceId}::uuid and cs.status = 'withdrawn'`;
  return sql`((e.check_suppressed and exists (select 1 from suppressions s where s.workspace_id = ${workspaceId}::uuid and s.phone_hash = e.phone_hash))
           or (e.check_withdrawn and e.topic_id is not null and exists (${withdrawn} and cs.topic_id = e.topic_id))
           or (e.check_withdrawn and e.topic_id is null and exists (${withdrawn})))`;
}

/** The guard columns of `events` as unnest arguments (phone_hash, check_suppressed, check_withdrawn). */
function guardColumns(events: GrantToCheck[]): SQL {
  const guards = events.map(guardsOf);
  return sql`${param(events.map((e) => e.phoneHash ?? null))}::text[], ${param(guards.map((g) => g.suppressed))}::boolean[], ${param(guards.map((g) => g.withdrawn))}::boolean[]`;
}

/**
 * The events among these the ledger refuses (the rule `appendConsentEvents` applies, see refusedSql).
 * Reads, never writes, so a dry run can ask the same question.
 */
export async function refusedGrants<E extends GrantToCheck>(db: Db, workspaceId: string, events: E[]): Promise<Set<E>> {
  if (!events.some((e) => { const g = guardsOf(e); return g.suppressed || g.withdrawn; })) return new Set();
  const rows = await queryRowsOf<{ n: string | number }>(
    db,
    sql`select e.n from unnest(${param(events.map((e) => e.contactId))}::uuid[], ${param(events.map((e) => e.topicId))}::uuid[], ${guardColumns(events)})
               with ordinality as e(contact_id, topic_id, phone_hash, check_suppressed, check_withdrawn, n)
        where ${refusedSql(workspaceId)}`,
  );
  return new Set(rows.map((r) => events[Number(r.n) - 1]!));
}

/** Which of these dedupe keys the ledger already holds (an event with the key would not record again). */
export async function recordedDedupeKeys(db: Db, workspaceId: string, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await queryRowsOf<{ dedupe_key: string }>(db, sql`select dedupe_key from consent_events where workspace_id = ${workspaceId}::uuid and dedupe_key = any(${param(keys)}::text[])`);
  return new Set(rows.map((r) => r.dedupe_key));
}

/**
 * Appends consent events and derives the current state per contact and topic in the same
 * transaction (the caller's), in one statement whatever the batch size: the refusal check, the
 * ledger insert and the state fold (see foldIntoState) are CTEs of one INSERT, so an import chunk of
 * 10,000 rows costs one round trip, like one API call.
 *
 * Grants from sources the person did not initiate (API, import, agent, web form before
 * confirmation) are refused for suppressed numbers and for topics the contact withdrew: only the
 * person can undo their own opt-out.
 */
export async function appendConsentEvents(db: Db, workspaceId: string, actor: Pick<Actor, 'type' | 'id'>, events: ConsentEventInput[], now: Date): Promise<AppendResult> {
  if (events.length === 0) return { recorded: [], blocked: [] };
  const col = <T>(f: (e: ConsentEventInput) => T) => param(events.map(f));
  const ws = sql`${workspaceId}::uuid`;
  const rows = await queryRowsOf<{ n: string | number | null; id: string | number | null; contact_id: string; topic_id: string | null; action: 'grant' | 'withdraw'; source: ConsentSource; occurred_at: string | Date }>(
    db,
    sql`with e as materialized (
          select * from unnest(${col((e) => e.contactId)}::uuid[], ${col((e) => e.topicId)}::uuid[], ${guardColumns(events)}, ${col((e) => e.action)}::text[], ${col((e) => e.source)}::text[],
                               ${col((e) => JSON.stringify(e.evidence))}::jsonb[], ${col((e) => (typeof e.evidence.text === 'string' ? consentTextHash(e.evidence.text) : null))}::text[],
                               ${col((e) => e.dedupeKey)}::text[], ${col((e) => e.occurredAt.toISOString())}::timestamptz[])
                 with ordinality as e(contact_id, topic_id, phone_hash, check_suppressed, check_withdrawn, action, source, evidence, text_hash, dedupe_key, occurred_at, n)
        ),
        refused as materialized (select e.n from e where ${refusedSql(workspaceId)}),
        ins as (
          insert into consent_events (workspace_id, contact_id, topic_id, action, source, evidence, text_hash, actor_type, actor_id, dedupe_key, occurred_at, recorded_at)
          select ${ws}, e.contact_id, e.topic_id, e.action, e.source, e.evidence, e.text_hash, ${actor.type}, ${actor.id}, e.dedupe_key, e.occurred_at, ${now.toISOString()}::timestamptz
          from e where e.n not in (select n from refused) order by e.n
          on conflict (workspace_id, dedupe_key) do nothing
          returning id, contact_id, topic_id, action, source, occurred_at
        ),
        state as (${foldIntoState(workspaceId, sql`ins`)})
        select null::bigint as n, id, contact_id, topic_id, action, source, occurred_at from ins
        union all select n, null, null, null, null, null, null from refused`,
  );
  const recorded = rows.filter((r) => r.id !== null).map((r) => ({ id: Number(r.id), contactId: r.contact_id, topicId: r.topic_id, action: r.action, source: r.source, occurredAt: new Date(r.occurred_at) }));
  recorded.sort((a, b) => a.id - b.id);
  const blocked = rows.filter((r) => r.n !== null).map((r) => events[Number(r.n) - 1]!);
  await emitConsentEvents(db, workspaceId, recorded, now);
  return { recorded, blocked };
}

/**
 * The statement that folds `events` (a relation of ledger rows: id, contact_id, topic_id, action,
 * source, occurred_at) into `consent_state`. The latest event wins per contact and topic (by when it
 * happened, then by ledger order), so events recorded out of order still leave the right state.
 * Times compare to the second: WhatsApp stamps messages in whole seconds, so a STOP sent in the
 * same second as an API grant was recorded at 10:00:01.000 against 10:00:01.400; within a second
 * the ledger order (what Greenlist saw last) decides.
 */
function foldIntoState(workspaceId: string, events: SQL): SQL {
  return sql`
    insert into consent_state (workspace_id, contact_id, topic_id, status, source, since, event_id)
    select distinct on (e.contact_id, t.id) ${workspaceId}::uuid, e.contact_id, t.id,
           case e.action when 'grant' then 'granted' else 'withdrawn' end, e.source, e.occurred_at, e.id
    from ${events} as e
    join topics t on t.workspace_id = ${workspaceId}::uuid and (e.topic_id is null or t.id = e.topic_id)
    where e.action in ('grant', 'withdraw')
    order by e.contact_id, t.id, date_trunc('second', e.occurred_at) desc, e.id desc
    on conflict (contact_id, topic_id) do update
      set status = excluded.status, source = excluded.source, since = excluded.since, event_id = excluded.event_id
      where (date_trunc('second', consent_state.since), consent_state.event_id) <= (date_trunc('second', excluded.since), excluded.event_id)`;
}

/**
 * Rebuilds `consent_state` of these contacts from their whole ledger (the same fold as
 * `foldIntoState`: latest by second, then ledger order). Used after contacts are merged, when one
 * contact's ledger gains the other's events.
 */
export async function rederiveConsentState(db: Db, workspaceId: string, contactIds: string[]): Promise<void> {
  if (contactIds.length === 0) return;
  await db.execute(sql`delete from consent_state where workspace_id = ${workspaceId} and contact_id = any(${param(contactIds)}::uuid[])`);
  await db.execute(
    foldIntoState(workspaceId, sql`(select id, contact_id, topic_id, action, source, occurred_at from consent_events
                                    where workspace_id = ${workspaceId} and contact_id = any(${param(contactIds)}::uuid[]))`),
  );
  await rederivePreferences(db, workspaceId, contactIds);
}

/**
 * Re-points the ledger of contacts merged into `keepId` to it (the ledger stays append-only: only
 * `contact_id` moves, under the guard erasure uses) and folds the kept contact's state again from
 * the joined ledger, so a STOP recorded on either side withdraws the person. Caller's transaction.
 */
export async function moveConsentLedger(db: Db, workspaceId: string, fromIds: string[], keepId: string): Promise<void> {
  if (fromIds.length === 0) return;
  await db.execute(sql`select set_config('greenlist.allow_consent_rewrite', 'on', true)`);
  await db.execute(sql`update consent_events set contact_id = ${keepId} where workspace_id = ${workspaceId} and contact_id = any(${param(fromIds)}::uuid[])`);
  await db.execute(sql`select set_config('greenlist.allow_consent_rewrite', 'off', true)`);
  await rederiveConsentState(db, workspaceId, [keepId]);
}

/**
 * Erasure step: the contact's consent events become tombstones (no contact, no actor, evidence
 * `{"erased": true}`; action, source, time and text hash stay: proof that consent existed, naming
 * nobody), under the guard that lets only erasure, merging and workspace deletion rewrite the ledger.
 */
export async function anonymiseConsentLedger(db: Db, workspaceId: string, contactId: string): Promise<void> {
  await db.execute(sql`select set_config('greenlist.allow_consent_rewrite', 'on', true)`);
  await db.execute(sql`update consent_events set evidence = '{"erased": true}'::jsonb, contact_id = null, actor_id = null where workspace_id = ${workspaceId} and contact_id = ${contactId}`);
  await db.execute(sql`select set_config('greenlist.allow_consent_rewrite', 'off', true)`);
}
