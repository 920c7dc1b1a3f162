// The consent predicate in one place. Every question "may we message this person about topic T?"
// that another module asks in SQL is one of these fragments: they name `consent_state` and
// `suppressions`, and nothing outside this module does (test/architecture.test.ts). Each fragment
// takes the outer query's column (the contact id, the phone hash) as SQL and expands to the text
// the caller wrote inline before, so the query plans stay the same.
import { param, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/** An outer column or expression (SQL), or a value bound as a parameter (a topic id, a workspace id; null matches nothing). */
type Operand = SQLWrapper | string | null;

const alias = (name: string): SQL => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not an SQL alias: ${name}`);
  return sql.raw(name);
};

// ---- consent state: the current grant or withdrawal per contact and topic ----

/**
 * A join of the outer contact to its consent state for one topic, and the joined status column
 * (`granted`, `withdrawn`, or NULL under a left join when nothing was ever recorded):
 * `[left] join consent_state cs on cs.contact_id = <contact> and cs.topic_id = <topic> [and cs.status = 'granted']`.
 * `grantedOnly` keeps only contacts with consent granted (an inner join).
 */
export function topicConsentJoin(contact: SQLWrapper, topicId: Operand, opts: { left?: boolean; grantedOnly?: boolean; as?: string } = {}): { join: SQL; status: SQL } {
  const a = alias(opts.as ?? 'cs');
  const on = sql`${a}.contact_id = ${contact} and ${a}.topic_id = ${topicId}${opts.grantedOnly ? sql` and ${a}.status = 'granted'` : sql``}`;
  return { join: sql`${opts.left ? sql`left join` : sql`join`} consent_state ${a} on ${on}`, status: sql`${a}.status` };
}

/** True when the contact's consent for the topic is granted (the send-time predicate): an EXISTS on the primary key. */
export function consentGranted(contact: SQLWrapper, topicId: Operand): SQL {
  return sql`exists (select 1 from consent_state cs where cs.contact_id = ${contact} and cs.topic_id = ${topicId} and cs.status = 'granted')`;
}

/** The contact's consent status for a topic named by key (NULL: none recorded), as a scalar subquery. */
export function consentStatusByTopicKey(contact: SQLWrapper, workspaceId: string, topicKey: string): SQL {
  return sql`(select cs.status from consent_state cs join topics t on t.id = cs.topic_id where cs.contact_id = ${contact} and t.workspace_id = ${workspaceId} and t.key = ${topicKey})`;
}

/** Which contacts a consent condition selects: as a query of contact ids and as EXISTS on the outer contact. */
export interface ConsentSet {
  /** `select s.contact_id from consent_state s where …` (one row per contact: the key is contact and topic). */
  ids: SQL;
  /** `exists (select 1 from consent_state s where s.contact_id = <contact> and …)`. */
  exists: SQL;
}

/**
 * Contacts whose consent for a topic has this status, optionally from these sources and since
 * an instant (the segment condition "granted offers in the last 30 days"). Both forms read the
 * consent_state_topic_idx index alone.
 */
export function consentStatusSet(contact: SQLWrapper, f: { workspaceId: string; topicId: string; status: string; sources?: string[] | null; since?: Date | null }): ConsentSet {
  const conds: SQL[] = [sql`s.workspace_id = ${f.workspaceId}`, sql`s.topic_id = ${f.topicId}`, sql`s.status = ${f.status}`];
  if (f.sources) conds.push(sql`s.source = any(${param(f.sources)}::text[])`);
  if (f.since) conds.push(sql`s.since >= ${f.since.toISOString()}::timestamptz`);
  const where = sql.join(conds, sql` and `);
  return { ids: sql`select s.contact_id from consent_state s where ${where}`, exists: sql`exists (select 1 from consent_state s where s.contact_id = ${contact} and ${where})` };
}

/** Contacts with anything recorded (granted or withdrawn) for a topic; its complement is "never asked". */
export function consentRecordedSet(contact: SQLWrapper, workspaceId: string, topicId: string): ConsentSet {
  return {
    ids: sql`select s.contact_id from consent_state s where s.workspace_id = ${workspaceId} and s.topic_id = ${topicId}`,
    exists: sql`exists (select 1 from consent_state s where s.contact_id = ${contact} and s.topic_id = ${topicId})`,
  };
}

/**
 * A per-contact summary of consent over every topic, for `left join lateral <this> cs on true`:
 * `any_granted`, `any_withdrawn` (NULL when nothing is recorded) and `joined_at` (the earliest
 * grant still standing). A lookup on the consent_state primary key per contact.
 */
export function consentSummaryOf(contact: SQLWrapper, workspaceId: string): SQL {
  return sql`(
        select bool_or(s.status = 'granted') as any_granted, bool_or(s.status = 'withdrawn') as any_withdrawn,
               min(s.since) filter (where s.status = 'granted') as joined_at
        from consent_state s where s.contact_id = ${contact} and s.workspace_id = ${workspaceId}
      )`;
}

/** The recorded consent status of these contacts, per topic (topics with nothing recorded are absent). */
export async function consentStatesOf(db: Db, workspaceId: string, contactIds: string[]): Promise<{ contact_id: string; topic_id: string; status: 'granted' | 'withdrawn' }[]> {
  if (contactIds.length === 0) return [];
  return queryRowsOf(db, sql`select contact_id, topic_id, status from consent_state where workspace_id = ${workspaceId}::uuid and contact_id = any(${param(contactIds)}::uuid[])`);
}

/** Keys of the topics each of these contacts has consent for now (contacts with none are absent). */
export async function grantedTopicKeysOf(db: Db, workspaceId: string, contactIds: string[]): Promise<Map<string, string[]>> {
  if (contactIds.length === 0) return new Map();
  const rows = await queryRowsOf<{ contact_id: string; keys: string[] }>(
    db,
    sql`select s.contact_id, array_agg(t.key order by t.key) as keys from consent_state s join topics t on t.id = s.topic_id
        where s.workspace_id = ${workspaceId}::uuid and s.contact_id = any(${param(contactIds)}::uuid[]) and s.status = 'granted' group by s.contact_id`,
  );
  return new Map(rows.map((r) => [r.contact_id, r.keys]));
}

/** Up to `limit` contacts that withdrew every topic they had and did so before `cutoff` (retention purge). */
export async function contactsOptedOutBefore(db: Db, workspaceId: string, cutoff: Date, limit: number): Promise<string[]> {
  const rows = await queryRowsOf<{ id: string }>(
    db,
    sql`select s.contact_id as id from consent_state s where s.workspace_id = ${workspaceId}
        group by s.contact_id having bool_and(s.status = 'withdrawn') and max(s.since) < ${cutoff.toISOString()}::timestamptz limit ${limit}`,
  );
  return rows.map((r) => r.id);
}

// ---- suppression: numbers (as keyed hashes) only the person can re-subscribe ----

/** True when the phone hash is on the workspace's suppression list: an EXISTS on the primary key. */
export function phoneHashSuppressed(workspaceId: Operand, phoneHash: Operand): SQL {
  return sql`exists (select 1 from suppressions s where s.workspace_id = ${workspaceId} and s.phone_hash = ${phoneHash})`;
}

/** The complement of `phoneHashSuppressed` (a NOT EXISTS: an anti-join). */
export function phoneHashNotSuppressed(workspaceId: Operand, phoneHash: Operand): SQL {
  return sql`not ${phoneHashSuppressed(workspaceId, phoneHash)}`;
}

/** How many numbers the workspace's suppression list holds. */
export async function suppressionCount(db: Db, workspaceId: string): Promise<number> {
  const [{ n } = { n: '0' }] = await queryRowsOf<{ n: string }>(db, sql`select count(*) as n from suppressions where workspace_id = ${workspaceId}`);
  return Number(n);
}

/** How many of these hashes are suppressed (a count: the hashes themselves are not needed). */
export async function countSuppressedAmong(db: Db, workspaceId: string, hashes: string[]): Promise<number> {
  if (hashes.length === 0) return 0;
  const [{ hits } = { hits: '0' }] = await queryRowsOf<{ hits: string }>(db, sql`select count(*) as hits from suppressions where workspace_id = ${workspaceId} and phone_hash = any(${param(hashes)}::text[])`);
  return Number(hits);
}

/** A page of the suppression list in hash order, after `after` (the export). */
export async function listSuppressions(db: Db, workspaceId: string, after: string | undefined, limit: number): Promise<{ phone_hash: string; reason: string; source: string; created_at: string | Date }[]> {
  return queryRowsOf(
    db,
    sql`select phone_hash, reason, source, created_at from suppressions where workspace_id = ${workspaceId}::uuid
        ${after !== undefined ? sql`and phone_hash > ${param(after)}` : sql``} order by phone_hash limit ${limit}`,
  );
}

// ---- preferences: a person's pause and frequency (contact_preferences) ----

/** True when the contact paused marketing and the pause has not ended at `now` (an ISO time or SQL). */
export function pausedByContact(contact: SQLWrapper, now: Operand): SQL {
  return sql`exists (select 1 from contact_preferences cp where cp.contact_id = ${contact} and cp.paused_until > ${now}::timestamptz)`;
}

/** The frequency cap's `max` for a contact who chose a low frequency: half, at least one. */
export function lowFrequencyCap(max: number): number {
  return Math.max(1, Math.floor(max / 2));
}

/**
 * The frequency cap's `max` for the outer contact, as an integer expression: halved (at least one)
 * for a person who chose a low frequency in the preference centre, else `max`.
 */
export function frequencyCapFor(contact: SQLWrapper, max: number): SQL {
  return sql`(case when exists (select 1 from contact_preferences cp where cp.contact_id = ${contact} and cp.frequency = 'low') then ${lowFrequencyCap(max)}::int else ${max}::int end)`;
}
