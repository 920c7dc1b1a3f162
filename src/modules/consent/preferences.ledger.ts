// The person's messaging preferences (pause, frequency) as ledger events and their derived state.
// Choices are rows of the consent ledger (`consent_events`, action pause / resume / frequency,
// topic null) so the proof panel shows them beside grants and withdrawals; `contact_preferences`
// is folded from them in the same transaction, as `consent_state` is from grants.
import { param, sql } from 'drizzle-orm';
import type { Actor, Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { consentTextHash, type ConsentSource } from './consent.rules.js';

/** A low frequency or the default. */
export type Frequency = 'normal' | 'low';

/** One preference choice to append to the ledger. */
export interface PreferenceEventInput {
  contactId: string;
  /** pause (until `pausedUntil`), resume (end a pause), frequency (`frequency`). */
  kind: 'pause' | 'resume' | 'frequency';
  pausedUntil?: Date;
  frequency?: Frequency;
  source: ConsentSource;
  /** The proof (wamid, signed link id, request id…); the chosen value is added to it. */
  evidence: Record<string, unknown>;
  occurredAt: Date;
  /** The same key never records twice (a replayed webhook, a resubmitted page). */
  dedupeKey: string | null;
}

/** A contact's current preferences. */
export interface ContactPreferences {
  contactId: string;
  /** Marketing waits until then (null: not paused; a past time is no longer a pause). */
  pausedUntil: Date | null;
  frequency: Frequency;
}

/**
 * Appends preference events to the consent ledger and folds them into `contact_preferences`, in
 * the caller's transaction. Returns the ids of the events recorded (a replay records none).
 */
export async function appendPreferenceEvents(db: Db, workspaceId: string, actor: Pick<Actor, 'type' | 'id'>, events: PreferenceEventInput[], now: Date): Promise<number[]> {
  if (events.length === 0) return [];
  const evidenceOf = (e: PreferenceEventInput) => ({
    ...e.evidence,
    ...(e.kind === 'pause' ? { paused_until: e.pausedUntil!.toISOString() } : {}),
    ...(e.kind === 'frequency' ? { frequency: e.frequency } : {}),
  });
  const col = <T>(f: (e: PreferenceEventInput) => T) => param(events.map(f));
  const rows = await queryRowsOf<{ id: string | number }>(
    db,
    sql`insert into consent_events (workspace_id, contact_id, topic_id, action, source, evidence, text_hash, actor_type, actor_id, dedupe_key, occurred_at, recorded_at)
        select ${workspaceId}, e.contact_id, null, e.action, e.source, e.evidence, e.text_hash, ${actor.type}, ${actor.id}, e.dedupe_key, e.occurred_at, ${now.toISOString()}::timestamptz
        from unnest(${col((e) => e.contactId)}::uuid[], ${col((e) => e.kind)}::text[], ${col((e) => e.source)}::text[], ${col((e) => JSON.stringify(evidenceOf(e)))}::jsonb[],
                    ${col((e) => (typeof e.evidence.text === 'string' ? consentTextHash(e.evidence.text) : null))}::text[], ${col((e) => e.dedupeKey)}::text[],
                    ${col((e) => e.occurredAt.toISOString())}::timestamptz[])
             as e(contact_id, action, source, evidence, text_hash, dedupe_key, occurred_at)
        on conflict (workspace_id, dedupe_key) do nothing
        returning id`,
  );
  if (rows.length > 0) await rederivePreferences(db, workspaceId, [...new Set(events.map((e) => e.contactId))], now);
  return rows.map((r) => Number(r.id));
}

/**
 * Folds these contacts' preference state again from their whole ledger: the latest pause/resume
 * and the latest frequency choice win (by second, then ledger order, as consent state does). Few
 * events per person, read through the ledger's (workspace, contact, id) index; also used after a merge.
 */
export async function rederivePreferences(db: Db, workspaceId: string, contactIds: string[], now: Date = new Date()): Promise<void> {
  if (contactIds.length === 0) return;
  await db.execute(sql`delete from contact_preferences where workspace_id = ${workspaceId} and contact_id = any(${param(contactIds)}::uuid[])`);
  await db.execute(sql`
    insert into contact_preferences (contact_id, workspace_id, paused_until, pause_event_id, frequency, frequency_event_id, updated_at)
    select c.id, ${workspaceId}::uuid, p.until, p.id, coalesce(f.freq, 'normal'), f.id, ${now.toISOString()}::timestamptz
    from unnest(${param(contactIds)}::uuid[]) as c(id)
    left join lateral (select e.id, case when e.action = 'pause' then (e.evidence ->> 'paused_until')::timestamptz end as until
                       from consent_events e where e.workspace_id = ${workspaceId} and e.contact_id = c.id and e.action in ('pause', 'resume')
                       order by date_trunc('second', e.occurred_at) desc, e.id desc limit 1) p on true
    left join lateral (select e.id, e.evidence ->> 'frequency' as freq
                       from consent_events e where e.workspace_id = ${workspaceId} and e.contact_id = c.id and e.action = 'frequency'
                       order by date_trunc('second', e.occurred_at) desc, e.id desc limit 1) f on true
    where (p.id is not null or f.id is not null)`);
}

/** The current preferences of these contacts (defaults for people who never chose). */
export async function preferencesOf(db: Db, workspaceId: string, contactIds: string[]): Promise<Map<string, ContactPreferences>> {
  const out = new Map<string, ContactPreferences>(contactIds.map((id) => [id, { contactId: id, pausedUntil: null, frequency: 'normal' }]));
  if (contactIds.length === 0) return out;
  const rows = await queryRowsOf<{ contact_id: string; paused_until: string | Date | null; frequency: Frequency }>(
    db,
    sql`select contact_id, paused_until, frequency from contact_preferences where workspace_id = ${workspaceId} and contact_id = any(${param(contactIds)}::uuid[])`,
  );
  for (const r of rows) out.set(r.contact_id, { contactId: r.contact_id, pausedUntil: r.paused_until ? new Date(r.paused_until) : null, frequency: r.frequency });
  return out;
}
