import { createHmac, timingSafeEqual } from 'node:crypto';
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { noteClickEngagement } from '../engagement/index.js';
import { queryRowsOf } from '../sql.js';
import { ECOSYSTEM_LIMIT_CODE, ECOSYSTEM_RETRY_HOURS } from './broadcasts.rules.js';

/** How long after a broadcast message a reply or an opt-out is credited to it. */
export const ATTRIBUTION_WINDOW_HOURS = 72;

/**
 * Copies delivery progress from the message log onto broadcast recipients (rank only rises; an
 * async failure before delivery fails the recipient with Meta's code). Called after status
 * webhooks are stored and after sends are logged, since statuses may arrive first.
 */
export async function syncRecipientDelivery(db: Db, workspaceId: string, wamids: string[]): Promise<number> {
  if (wamids.length === 0) return 0;
  const rows = await queryRowsOf<{ id: number }>(
    db,
    sql`update broadcast_recipients r set
          delivery_rank = greatest(r.delivery_rank, m.status_rank),
          error_code = coalesce(r.error_code, m.error_code),
          state = case when m.failed_at is not null and greatest(r.delivery_rank, m.status_rank) < 3 and r.state in ('accepted', 'uncertain', 'sending') then 'failed' else r.state end,
          reason = case when m.failed_at is not null and greatest(r.delivery_rank, m.status_rank) < 3 and r.state in ('accepted', 'uncertain', 'sending')
                        then case when m.error_code = ${ECOSYSTEM_LIMIT_CODE}
                                  then 'held back by WhatsApp''s per-user marketing limit (131049); can be resent after '
                                       || to_char((m.failed_at + make_interval(hours => ${ECOSYSTEM_RETRY_HOURS})) at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC'
                                  else 'WhatsApp reported the message failed' end
                        else r.reason end,
          -- 131049: not_before holds the earliest time "Resend to failed" may send it again (resend.service.ts).
          not_before = case when m.failed_at is not null and m.error_code = ${ECOSYSTEM_LIMIT_CODE} and greatest(r.delivery_rank, m.status_rank) < 3 and r.state in ('accepted', 'uncertain', 'sending')
                            then m.failed_at + make_interval(hours => ${ECOSYSTEM_RETRY_HOURS}) else r.not_before end
        from unnest(${param(wamids)}::text[]) as k(wamid)
        cross join lateral (
          select m.broadcast_id, m.contact_id, m.wamid, m.status_rank, m.error_code, m.failed_at from messages m
          where m.workspace_id = ${workspaceId} and m.wamid = k.wamid and m.broadcast_id is not null limit 1) m
        where r.broadcast_id = m.broadcast_id and r.contact_id = m.contact_id and r.wamid = m.wamid
          and (r.delivery_rank < m.status_rank or (m.failed_at is not null and r.error_code is null))
        returning r.id`,
  );
  return rows.length;
}

/** Credits inbound messages as replies to the broadcasts each contact got in the 72 h before (WhatsApp times are whole seconds). */
export async function noteBroadcastReplies(db: Db, workspaceId: string, items: { contactId: string; at: Date }[]): Promise<void> {
  if (items.length === 0) return;
  await db.execute(sql`
    update broadcast_recipients r set replied_at = x.at
    from (select contact_id, min(at) as at from unnest(${param(items.map((i) => i.contactId))}::uuid[], ${param(items.map((i) => i.at.toISOString()))}::timestamptz[]) as t(contact_id, at) group by contact_id) x
    where r.workspace_id = ${workspaceId} and r.contact_id = x.contact_id and r.sent_at is not null and r.replied_at is null
      and r.state in ('accepted', 'uncertain') and date_trunc('second', r.sent_at) <= x.at and r.sent_at > x.at - make_interval(hours => ${ATTRIBUTION_WINDOW_HOURS})`);
}

/** Marks the broadcasts a contact got in the 72 h before an opt-out as followed by that opt-out. */
export async function noteBroadcastOptOut(db: Db, workspaceId: string, contactId: string, at: Date): Promise<void> {
  await db.execute(sql`
    update broadcast_recipients set opted_out_at = ${at.toISOString()}::timestamptz
    where workspace_id = ${workspaceId} and contact_id = ${contactId} and sent_at is not null and opted_out_at is null
      and date_trunc('second', sent_at) <= ${at.toISOString()}::timestamptz and sent_at > ${at.toISOString()}::timestamptz - make_interval(hours => ${ATTRIBUTION_WINDOW_HOURS})`);
}

/** Signs tracked-link tokens; derived from the master key so every process agrees without storing tokens. */
export function linkSigner(masterKey: Buffer): (payload: string) => string {
  const key = createHmac('sha256', masterKey).update('greenlist tracked links v1').digest();
  return (payload) => createHmac('sha256', key).update(payload).digest('base64url').slice(0, 16);
}

/** The token of recipient `recipientId`'s copy of link `index`: `<id36>.<index>.<signature>`. */
export function linkToken(sign: (payload: string) => string, recipientId: number, index: number): string {
  const payload = `${recipientId.toString(36)}.${index}`;
  return `${payload}.${sign(payload)}`;
}

/** Parses and verifies a token (constant-time); null when it was not made by us. */
export function parseLinkToken(sign: (payload: string) => string, token: string): { recipientId: number; index: number } | null {
  const m = /^([0-9a-z]{1,12})\.(\d)\.([A-Za-z0-9_-]{16})$/.exec(token);
  if (!m) return null;
  const expected = Buffer.from(sign(`${m[1]}.${m[2]}`));
  const given = Buffer.from(m[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { recipientId: parseInt(m[1]!, 36), index: Number(m[2]) };
}

/**
 * Records a click on a tracked link and returns where to send the browser: the recipient's first
 * click time, the contact's last click (engagement, which segments and lifecycle read).
 */
export async function recordLinkClick(db: Db, sign: (payload: string) => string, token: string, now: Date): Promise<string | null> {
  const parsed = parseLinkToken(sign, token);
  if (!parsed) return null;
  const [row] = await queryRowsOf<{ url: string | null; workspace_id: string; contact_id: string }>(
    db,
    sql`update broadcast_recipients r set clicked_at = coalesce(r.clicked_at, ${now.toISOString()}::timestamptz)
        from broadcasts b where r.id = ${parsed.recipientId} and b.id = r.broadcast_id
        returning b.links ->> ${parsed.index}::int as url, r.workspace_id, r.contact_id`,
  );
  if (!row?.url) return null;
  await noteClickEngagement(db, row.workspace_id, row.contact_id, now);
  return row.url;
}
