import { and, eq, lte, param, sql } from 'drizzle-orm';
import { emitEvents } from '../hooks/index.js';
import type { Db, Log } from '../context.js';
import { fillMissingWamids, reconcileMessageStatus, recordBroadcastMessages } from '../messaging/index.js';
import { queryRowsOf } from '../sql.js';
import { autoPauseReason, type BroadcastPolicy } from './broadcasts.rules.js';
import { beginSending } from './broadcasts.service.js';
import { broadcasts } from './broadcasts.tables.js';
import { broadcastCounts, isDrained } from './progress.service.js';
import { syncRecipientDelivery } from './tracking.service.js';

/**
 * Starts scheduled broadcasts whose time has come. The row lock (SKIP LOCKED) makes exactly one
 * worker snapshot each one, however many run this at once.
 */
export async function startDueBroadcasts(db: Db, now: Date, log: Log): Promise<number> {
  let started = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const [b] = await tx
        .select()
        .from(broadcasts)
        .where(and(eq(broadcasts.status, 'scheduled'), lte(broadcasts.startAt, now)))
        .orderBy(broadcasts.startAt)
        .limit(1)
        .for('update', { skipLocked: true });
      if (!b) return false;
      await beginSending({ db: tx, workspaceId: b.workspaceId, now }, b);
      log.info({ broadcastId: b.id }, 'scheduled broadcast started');
      return true;
    });
    if (!done) return started;
    started++;
  }
}

/**
 * Settles rows whose worker went away: claims never posted go back to the queue; rows that were
 * `sending` may have reached Meta, so they become `uncertain` and wait (until their deadline) for a
 * status webhook with their callback data. Uncertain rows with such a status are accepted;
 * past the deadline, once webhook processing has caught up with it and the window has also passed
 * since `upSince` (when this process, and with PGlite its webhook intake, started), they are
 * failed (`never_resend`) or queued once more (`resend_after_window`).
 */
export async function settleExpiredRows(db: Db, now: Date, opts: { upSince?: Date } = {}): Promise<{ requeued: number; uncertain: number; resolved: number; expired: number }> {
  const nowIso = now.toISOString();
  const upSinceIso = (opts.upSince ?? new Date(0)).toISOString();
  const requeued = await queryRowsOf<{ id: number }>(
    db,
    sql`update broadcast_recipients set state = 'queued', locked_until = null where state = 'claimed' and locked_until < ${nowIso}::timestamptz returning id`,
  );
  const uncertain = await queryRowsOf<{ id: number }>(
    db,
    sql`update broadcast_recipients r set state = 'uncertain', uncertain_since = r.locked_until, reason = 'the worker stopped during the request; waiting for the status webhook',
          locked_until = r.locked_until + make_interval(secs => coalesce((b.policy -> 'uncertain' ->> 'windowSeconds')::int, 900))
        from broadcasts b where b.id = r.broadcast_id and r.state = 'sending' and r.locked_until < ${nowIso}::timestamptz returning r.id`,
  );
  const resolved = await resolveUncertain(db, now);
  // Why (INV-ONCE): "no status within the window" holds only for a window of healthy webhook intake.
  // (1) Every body received before the deadline must have been processed: a crashed worker's claimed
  // batch stays locked for its lease (60 s), longer than a short window, and resending then
  // duplicates every send whose status sat in it. Bodies that already failed (last_error) do not
  // hold expiry up. (2) The window also runs from this process's start (`upSince`): with the
  // embedded database the intake died with the process, and statuses sent meanwhile are only being
  // redelivered now. A status applied after resolveUncertain ran leaves its row for the next pass.
  const expired = await queryRowsOf<{ id: number }>(
    db,
    sql`update broadcast_recipients r set
          state = case when b.policy -> 'uncertain' ->> 'policy' = 'resend_after_window' and r.resent_at is null then 'queued' else 'failed' end,
          reason = case when b.policy -> 'uncertain' ->> 'policy' = 'resend_after_window' and r.resent_at is null
                        then 'no status webhook for the uncertain send within the window; sending once more'
                        else 'unknown_expired: no status webhook within the window; not sent again' end,
          resent_at = case when b.policy -> 'uncertain' ->> 'policy' = 'resend_after_window' and r.resent_at is null then ${nowIso}::timestamptz else r.resent_at end,
          sent_at = case when b.policy -> 'uncertain' ->> 'policy' = 'resend_after_window' and r.resent_at is null then null else r.sent_at end,
          not_before = ${nowIso}::timestamptz, locked_until = null, updated_at = ${nowIso}::timestamptz
        from broadcasts b where b.id = r.broadcast_id and r.state = 'uncertain' and r.locked_until < ${nowIso}::timestamptz
          and r.locked_until < coalesce((select min(w.received_at) from webhook_events w where w.status = 'pending' and w.last_error is null), 'infinity'::timestamptz)
          and ${upSinceIso}::timestamptz + make_interval(secs => coalesce((b.policy -> 'uncertain' ->> 'windowSeconds')::int, 900)) < ${nowIso}::timestamptz
          and not exists (select 1 from message_status_events e where e.workspace_id = r.workspace_id and e.callback_data = 'b:' || r.id || ':' || r.attempts)
        returning r.id`,
  );
  return { requeued: requeued.length, uncertain: uncertain.length, resolved, expired: expired.length };
}

/** Accepts uncertain rows for which a status webhook carried their callback data (INV-ONCE: no re-post needed). */
async function resolveUncertain(db: Db, now: Date): Promise<number> {
  const rows = await queryRowsOf<{ id: number; workspace_id: string; wamid: string; message_id: string | null }>(
    db,
    // MATERIALIZED (why): inlined, this LIMITed subquery lands inside a nested loop over the rows
    // to update whenever statistics say few rows are uncertain (true at every ANALYZE before a crash)
    // and runs once per uncertain row: minutes for a SIGKILLed worker's few thousand rows.
    sql`with found as materialized (
          select r.id, e.wamid from broadcast_recipients r
          join lateral (select e.wamid from message_status_events e where e.workspace_id = r.workspace_id and e.callback_data = 'b:' || r.id || ':' || r.attempts order by e.id limit 1) e on true
          where r.state = 'uncertain' limit 1000)
        update broadcast_recipients r set state = 'accepted', wamid = found.wamid, reason = null, locked_until = null, updated_at = ${now.toISOString()}::timestamptz
        from found where r.id = found.id and r.state = 'uncertain'
        returning r.id, r.workspace_id, r.wamid, r.message_id`,
  );
  if (rows.length === 0) return 0;
  const ids = rows.map((r) => r.id);
  // A message logged without a wamid gets it; a crash before logging leaves no message, so one is logged now.
  await fillMissingWamids(db, rows.flatMap((r) => (r.message_id ? [{ id: r.message_id, wamid: r.wamid }] : [])));
  const unlogged = await queryRowsOf<{ id: string; workspace_id: string; number_id: string; contact_id: string; wa_id: string; body: string; wamid: string; callback_data: string; broadcast_id: string; is_marketing: boolean; sent_at: string | Date }>(
    db,
    sql`select coalesce(r.message_id, gen_random_uuid()) as id, r.workspace_id, b.number_id, r.contact_id, coalesce(c.wa_id, substr(c.phone, 2)) as wa_id,
               'template ' || b.template_name || ' (' || b.template_language || ')' as body, r.wamid, 'b:' || r.id || ':' || r.attempts as callback_data, r.broadcast_id, r.is_marketing,
               coalesce(r.sent_at, ${now.toISOString()}::timestamptz) as sent_at
        from broadcast_recipients r join broadcasts b on b.id = r.broadcast_id join contacts c on c.id = r.contact_id
        where r.id = any(${param(ids)}::bigint[])`,
  );
  await recordBroadcastMessages(
    db,
    unlogged.map((u) => ({
      id: u.id, workspaceId: u.workspace_id, numberId: u.number_id, contactId: u.contact_id, waId: u.wa_id, body: u.body,
      payload: { broadcast: true }, wamid: u.wamid, callbackData: u.callback_data, broadcastId: u.broadcast_id, marketing: u.is_marketing, sentAt: new Date(u.sent_at),
    })),
    now,
  );
  await db.execute(sql`update broadcast_recipients r set message_id = m.id from messages m where r.id = any(${param(ids)}::bigint[]) and m.workspace_id = r.workspace_id and m.wamid = r.wamid and r.message_id is distinct from m.id`);
  const byWs = new Map<string, string[]>();
  for (const r of rows) (byWs.get(r.workspace_id) ?? byWs.set(r.workspace_id, []).get(r.workspace_id)!).push(r.wamid);
  for (const [ws, wamids] of byWs) {
    await reconcileMessageStatus(db, ws, wamids);
    await syncRecipientDelivery(db, ws, wamids);
  }
  return rows.length;
}

/** Completes drained broadcasts and pauses those whose failures, opt-outs, number quality or template status say stop. */
export async function superviseBroadcasts(db: Db, now: Date, log: Log, opts: { checkHealth: boolean }): Promise<{ completed: number; paused: number }> {
  const active = await queryRowsOf<{ id: string; workspace_id: string; name: string; template_name: string; policy: BroadcastPolicy; quality: string | null; template_status: string | null }>(
    db,
    sql`select b.id, b.workspace_id, b.name, b.template_name, b.policy, n.quality_rating as quality, t.status as template_status
        from broadcasts b left join phone_numbers n on n.id = b.number_id left join templates t on t.id = b.template_id
        where b.status = 'sending'`,
  );
  let completed = 0;
  let paused = 0;
  for (const b of active) {
    if (await isDrained(db, b.id)) {
      const done = await queryRowsOf<{ id: string }>(db, sql`update broadcasts set status = 'completed', finished_at = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz where id = ${b.id} and status = 'sending' returning id`);
      // Not in one transaction with the update: a crash between them loses the event, never sends it twice.
      if (done.length > 0) {
        const { counts } = await broadcastCounts(db, b.id);
        await emitEvents(db, b.workspace_id, [{ type: 'broadcast.completed', data: { broadcast_id: b.id, name: b.name, template_name: b.template_name, counts, occurred_at: now.toISOString() } }], now);
      }
      completed++;
      continue;
    }
    if (!opts.checkHealth) continue;
    let reason: { code: string; reason: string } | null = null;
    if (b.template_status && b.template_status !== 'APPROVED') reason = { code: 'TEMPLATE_NOT_APPROVED', reason: `the template is ${b.template_status} at WhatsApp; sending stopped` };
    else {
      const { counts } = await broadcastCounts(db, b.id);
      reason = autoPauseReason({ accepted: counts.sent, failed: counts.failed, optedOut: counts.opted_out }, b.quality ?? 'UNKNOWN', { ...b.policy });
    }
    if (reason) {
      await db.execute(sql`update broadcasts set status = 'paused', pause_code = ${reason.code}, pause_reason = ${reason.reason}, updated_at = ${now.toISOString()}::timestamptz where id = ${b.id} and status = 'sending'`);
      log.warn({ broadcastId: b.id, code: reason.code }, 'broadcast paused automatically');
      paused++;
    }
  }
  return { completed, paused };
}
