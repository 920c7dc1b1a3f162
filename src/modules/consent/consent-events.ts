// consent.granted / consent.withdrawn for outbound webhooks: emitted by the ledger writer, the one
// place every consent change passes through, in the transaction that records it.
import { param, sql } from 'drizzle-orm';
import { contactCardSql } from '../contacts/index.js';
import type { Db } from '../context.js';
import { emitEventRows } from '../hooks/index.js';
import type { RecordedConsentEvent } from './ledger.service.js';

/**
 * Publishes the events just recorded: contact id, phone and name, topic id and key (`all_topics`
 * when a withdrawal covered every topic, e.g. STOP), source and when it happened. One statement;
 * with no endpoint subscribed it evaluates nothing but one index probe.
 */
export async function emitConsentEvents(db: Db, workspaceId: string, events: RecordedConsentEvent[], now: Date): Promise<void> {
  if (events.length === 0) return;
  const col = <T>(f: (e: RecordedConsentEvent) => T) => param(events.map(f));
  await emitEventRows(
    db,
    workspaceId,
    sql`select case r.action when 'grant' then 'consent.granted' else 'consent.withdrawn' end as type,
          jsonb_build_object('contact_id', r.contact_id, 'topic_id', r.topic_id, 'topic_key', t.key, 'all_topics', r.topic_id is null, 'source', r.source,
            'occurred_at', to_char(r.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'consent_event_id', r.id)
          || ${contactCardSql(workspaceId, sql`r.contact_id`)} as data
        from unnest(${col((e) => e.id)}::bigint[], ${col((e) => e.contactId)}::uuid[], ${col((e) => e.topicId)}::uuid[], ${col((e) => e.action)}::text[],
                    ${col((e) => e.source)}::text[], ${col((e) => e.occurredAt.toISOString())}::timestamptz[]) as r(id, contact_id, topic_id, action, source, occurred_at)
        left join topics t on t.id = r.topic_id and t.workspace_id = ${workspaceId}::uuid
        order by r.id`,
    now,
  );
}
