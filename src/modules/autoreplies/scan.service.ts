// The auto-reply scan: new inbound messages in (created_at, id) order after a cursor, answered
// set-based per batch in one transaction (filters, one decision per message, the claims and the
// outbox rows commit together), so a crash, a re-read or a second worker sends nothing twice.
import { sql } from 'drizzle-orm';
import type { Db, Log } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { answerBatch, type Inbound } from './answer.service.js';

const BATCH = 2_000;
/**
 * Why a lag: messages get their creation time before they commit, so one with an earlier time can
 * become visible after a later one was read. Rows younger than this are read again on the next
 * pass instead of being passed for good; a message already answered is never answered again
 * (its claim names it, and its outbox key is `autoreply:<message id>`).
 */
const VISIBILITY_LAG = '2 seconds';

const ZERO = '00000000-0000-0000-0000-000000000000';

/** True when some workspace has auto-replies switched on (for itself or one of its numbers). */
async function anyAutoReplies(db: Db): Promise<boolean> {
  const [r] = await queryRowsOf<{ any: boolean }>(
    db,
    sql`select exists (select 1 from autoreply_settings where (auto_replies->>'enabled')::boolean or auto_replies->'overrides' @> '[{"enabled": true}]'::jsonb) as any`,
  );
  return Boolean(r?.any);
}

/** One pass: reads up to 2,000 new inbound messages and sends their auto-replies; returns how many messages it read. */
export async function scanAutoReplies(deps: { db: Db; now: Date; log: Log }): Promise<number> {
  if (!(await anyAutoReplies(deps.db))) {
    // Nothing to answer anywhere: pass over what has settled without reading it (one statement, at
    // most once a minute, outside any transaction: an idle loop must not hold PGlite's one connection).
    await deps.db.execute(
      sql`update autoreply_cursor set last_at = now() - interval '${sql.raw(VISIBILITY_LAG)}', last_key = ${ZERO}::uuid, updated_at = now() where name = 'inbound' and last_at < now() - interval '1 minute'`,
    );
    return 0;
  }
  return deps.db.transaction(async (tx) => {
    // One scanner at a time (the others skip); the claims' unique key keeps even two at once safe.
    const [cursor] = await queryRowsOf<{ last_at: string; last_key: string }>(tx, sql`select last_at::text as last_at, last_key from autoreply_cursor where name = 'inbound' for update skip locked`);
    if (!cursor) return 0;
    const rows = await queryRowsOf<Omit<Inbound, 'is_first'> & { settled: boolean }>(
      tx,
      sql`select m.id, m.workspace_id, m.number_id, m.contact_id, m.type, m.body, m.payload->>'reply_id' as reply_id, m.sent_at, m.created_at,
                 m.created_at::text as at_key, m.created_at < now() - interval '${sql.raw(VISIBILITY_LAG)}' as settled
          from messages m
          where m.direction = 'in' and m.contact_id is not null and m.number_id is not null and (m.created_at, m.id) > (${cursor.last_at}::timestamptz, ${cursor.last_key}::uuid)
          order by m.created_at, m.id limit ${BATCH}`,
    );
    if (rows.length === 0) return 0;
    await answerBatch({ ...deps, db: tx }, rows);
    const upTo = rows.findIndex((r) => !r.settled);
    const last = upTo === -1 ? rows[rows.length - 1] : rows[upTo - 1];
    if (last) await tx.execute(sql`update autoreply_cursor set last_at = ${last.at_key}::timestamptz, last_key = ${last.id}, updated_at = now() where name = 'inbound'`);
    return rows.length;
  });
}
