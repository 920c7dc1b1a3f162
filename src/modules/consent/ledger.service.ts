import { param, sql } from 'drizzle-orm';
import type { Actor, Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { LINK_INITIATED, USER_INITIATED, consentTextHash, type ConsentSource } from './consent.rules.js';
import { suppressedAmong } from './suppression.service.js';
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

/**
 * The events among these the ledger refuses (the rule `appendConsentEvents` applies): grants from
 * sources the person did not initiate, for a suppressed number or a topic the contact withdrew
 * (`topicId` null: any topic withdrawn). Reads, never writes, so a dry run can ask the same question.
 */
export async function refusedGrants<E extends GrantToCheck>(db: Db, workspaceId: string, events: E[]): Promise<Set<E>> {
  const guarded = events.filter((e) => e.action === 'grant' && !USER_INITIATED.has(e.source));
  if (guarded.length === 0) return new Set();
  const hashes = guarded.flatMap((e) => (e.phoneHash ? [e.phoneHash] : []));
  const suppressed = await suppressedAmong(db, workspaceId, hashes);
  const contactIds = [...new Set(guarded.flatMap((e) => (e.contactId === null ? [] : [e.contactId])))];
  const withdrawn =
    contactIds.length === 0
      ? []
      : await queryRowsOf<{ contact_id: string; topic_id: string }>(
          db,
          sql`select contact_id, topic_id from consent_state
          where workspace_id = ${workspaceId} and status = 'withdrawn' and contact_id = any(${param(contactIds)}::uuid[])`,
        );
  const withdrawnPairs = new Set(withdrawn.map((r) => `${r.contact_id}/${r.topic_id}`));
  const withdrawnContacts = new Set(withdrawn.map((r) => r.contact_id));
  const refuse = (e: E) =>
    (e.phoneHash !== undefined && suppressed.has(e.phoneHash)) ||
    (!LINK_INITIATED.has(e.source) &&
      e.contactId !== null && (e.topicId === null ? withdrawnContacts.has(e.contactId) : withdrawnPairs.has(`${e.contactId}/${e.topicId}`)));
  return new Set(guarded.filter(refuse));
}

/** Which of these dedupe keys the ledger already holds (an event with the key would not record again). */
export async function recordedDedupeKeys(db: Db, workspaceId: string, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await queryRowsOf<{ dedupe_key: string }>(db, sql`select dedupe_key from consent_events where workspace_id = ${workspaceId}::uuid and dedupe_key = any(${param(keys)}::text[])`);
  return new Set(rows.map((r) => r.dedupe_key));
}

/**
 * Appends consent events and derives the current state per contact and topic in the same
 * transaction (the caller's). Set-based: one statement for the events, one for the state, so an
 * import chunk of 10,000 rows costs the same round trips as one API call.
 *
 * Grants from sources the person did not initiate (API, import, agent, web form before
 * confirmation) are refused for suppressed numbers and for topics the contact withdrew: only the
 * person can undo their own opt-out.
 */
export async function appendConsentEvents(db: Db, workspaceId: string, actor: Pick<Actor, 'type' | 'id'>, events: ConsentEventInput[], now: Date): Promise<AppendResult> {
  if (events.length === 0) return { recorded: [], blocked: [] };
  const refused = await refusedGrants(db, workspaceId, events);
  const blocked = events.filter((e) => refused.has(e));
  const accepted = refused.size === 0 ? events : events.filter((e) => !refused.has(e));
  if (accepted.length === 0) return { recorded: [], blocked };
  const col = <T>(f: (e: ConsentEventInput) => T) => param(accepted.map(f));
  const rows = await queryRowsOf<{ id: string | number; contact_id: string; topic_id: string | null; action: 'grant' | 'withdraw'; source: ConsentSource; occurred_at: string | Date }>(
    db,
    sql`insert into consent_events (workspace_id, contact_id, topic_id, action, source, evidence, text_hash, actor_type, actor_id, dedupe_key, occurred_at, recorded_at)
        select ${workspaceId}, e.contact_id, e.topic_id, e.action, e.source, e.evidence, e.text_hash, ${actor.type}, ${actor.id}, e.dedupe_key, e.occurred_at, ${now.toISOString()}::timestamptz
        from unnest(${col((e) => e.contactId)}::uuid[], ${col((e) => e.topicId)}::uuid[], ${col((e) => e.action)}::text[], ${col((e) => e.source)}::text[],
                    ${col((e) => JSON.stringify(e.evidence))}::jsonb[], ${col((e) => (typeof e.evidence.text === 'string' ? consentTextHash(e.evidence.text) : null))}::text[],
                    ${col((e) => e.dedupeKey)}::text[], ${col((e) => e.occurredAt.toISOString())}::timestamptz[])
             as e(contact_id, topic_id, action, source, evidence, text_hash, dedupe_key, occurred_at)
        on conflict (workspace_id, dedupe_key) do nothing
        returning id, contact_id, topic_id, action, source, occurred_at`,
  );
  const recorded = rows.map((r) => ({ id: Number(r.id), contactId: r.contact_id, topicId: r.topic_id, action: r.action, source: r.source, occurredAt: new Date(r.occurred_at) }));
  await deriveState(db, workspaceId, recorded);
  await emitConsentEvents(db, workspaceId, recorded, now);
  return { recorded, blocked };
}

/**
 * Folds new events into `consent_state`. The latest event wins per contact and topic (by when it
 * happened, then by ledger order), so events recorded out of order still leave the right state.
 * Times compare to the second: WhatsApp stamps messages in whole seconds, so a STOP sent in the
 * same second as an API grant was recorded at 10:00:01.000 against 10:00:01.400; within a second
 * the ledger order (what Greenlist saw last) decides.
 */
async function deriveState(db: Db, workspaceId: string, events: RecordedConsentEvent[]): Promise<void> {
  if (events.length === 0) return;
  const col = <T>(f: (e: RecordedConsentEvent) => T) => param(events.map(f));
  await db.execute(sql`
    insert into consent_state (workspace_id, contact_id, topic_id, status, source, since, event_id)
    select distinct on (e.contact_id, t.id) ${workspaceId}::uuid, e.contact_id, t.id,
           case e.action when 'grant' then 'granted' else 'withdrawn' end, e.source, e.occurred_at, e.id
    from unnest(${col((e) => e.id)}::bigint[], ${col((e) => e.contactId)}::uuid[], ${col((e) => e.topicId)}::uuid[], ${col((e) => e.action)}::text[],
                ${col((e) => e.source)}::text[], ${col((e) => e.occurredAt.toISOString())}::timestamptz[])
         as e(id, contact_id, topic_id, action, source, occurred_at)
    join topics t on t.workspace_id = ${workspaceId} and (e.topic_id is null or t.id = e.topic_id)
    order by e.contact_id, t.id, date_trunc('second', e.occurred_at) desc, e.id desc
    on conflict (contact_id, topic_id) do update
      set status = excluded.status, source = excluded.source, since = excluded.since, event_id = excluded.event_id
      where (date_trunc('second', consent_state.since), consent_state.event_id) <= (date_trunc('second', excluded.since), excluded.event_id)`);
}

/**
 * Rebuilds `consent_state` of these contacts from their whole ledger (the same fold as
 * `deriveState`: latest by second, then ledger order). Used after contacts are merged, when one
 * contact's ledger gains the other's events.
 */
export async function rederiveConsentState(db: Db, workspaceId: string, contactIds: string[]): Promise<void> {
  if (contactIds.length === 0) return;
  await db.execute(sql`delete from consent_state where workspace_id = ${workspaceId} and contact_id = any(${param(contactIds)}::uuid[])`);
  await db.execute(sql`
    insert into consent_state (workspace_id, contact_id, topic_id, status, source, since, event_id)
    select distinct on (e.contact_id, t.id) ${workspaceId}::uuid, e.contact_id, t.id,
           case e.action when 'grant' then 'granted' else 'withdrawn' end, e.source, e.occurred_at, e.id
    from consent_events e
    join topics t on t.workspace_id = ${workspaceId} and (e.topic_id is null or t.id = e.topic_id)
    where e.workspace_id = ${workspaceId} and e.contact_id = any(${param(contactIds)}::uuid[]) and e.action in ('grant', 'withdraw')
    order by e.contact_id, t.id, date_trunc('second', e.occurred_at) desc, e.id desc`);
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
