import { param, sql } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { loadBroadcast } from './broadcast-row.js';
import { ECOSYSTEM_LIMIT_CODE, RESENDABLE_CODES } from './broadcasts.rules.js';

/** Why a failed recipient is not resent. */
export const NOT_RESENT_REASONS = ['already_resent', 'permanent_error', 'marketing_limit_wait'] as const;

/** The answer of "Resend to failed". */
export interface ResendResult {
  requeued: number;
  not_eligible: Record<(typeof NOT_RESENT_REASONS)[number], number>;
  /** The earliest time a recipient held back by 131049 may be resent, if any waits. */
  next_resend_at: string | null;
}

/**
 * "Resend to failed": queues again, in one statement, the failed recipients whose error was
 * transient (RESENDABLE_CODES, or a connection failure the engine gave up on), and those held back
 * by 131049 once its wait has passed. Each recipient is resent at most once (`resent_at`, shared
 * with the uncertain-send policy). Re-queued rows go through the claim like any other, so consent,
 * suppression, reachability and the marketing rule are checked again at send time.
 */
export async function resendFailed(ctx: Ctx, id: string): Promise<ResendResult> {
  const b = await loadBroadcast(ctx, id, true);
  if (b.status === 'draft' || b.status === 'scheduled') throw new AppError('BROADCAST_STATE_INVALID', `cannot resend a broadcast that is ${b.status}: it has not sent anything yet`, { status: b.status });
  if (b.status === 'cancelled') throw new AppError('BROADCAST_STATE_INVALID', 'cannot resend a cancelled broadcast; create a new one instead', { status: b.status });
  const nowIso = ctx.now.toISOString();
  // Classified in SQL (set-based): one row per verdict with its count.
  const verdict = sql`case
      when r.resent_at is not null then 'already_resent'
      when r.error_code = ${ECOSYSTEM_LIMIT_CODE} and r.not_before > ${nowIso}::timestamptz then 'marketing_limit_wait'
      when r.error_code = ${ECOSYSTEM_LIMIT_CODE} or r.error_code = any(${param([...RESENDABLE_CODES])}::int[]) then 'resend'
      when r.error_code is null and r.reason like 'gave up after %' then 'resend'
      else 'permanent_error' end`;
  const rows = await queryRowsOf<{ verdict: string; n: number; next_at: string | Date | null }>(
    ctx.db,
    sql`with failed as (
          select r.id, ${verdict} as verdict, r.not_before from broadcast_recipients r
          where r.broadcast_id = ${id} and r.workspace_id = ${ctx.workspaceId} and r.state = 'failed' for update),
        requeued as (
          update broadcast_recipients r set state = 'queued', reason = 'resent: ' || coalesce(r.error_code::text, 'connection failure'),
            error_code = null, delivery_rank = 0, wamid = null, message_id = null, uncertain_since = null, sent_at = null, locked_until = null,
            not_before = ${nowIso}::timestamptz, resent_at = ${nowIso}::timestamptz, updated_at = ${nowIso}::timestamptz
          from failed f where r.id = f.id and f.verdict = 'resend' and r.state = 'failed'
          returning r.id)
        select verdict, count(*)::int as n, min(not_before) filter (where verdict = 'marketing_limit_wait') as next_at from failed group by verdict`,
  );
  const count = (v: string) => Number(rows.find((r) => r.verdict === v)?.n ?? 0);
  const requeued = count('resend');
  const next = rows.find((r) => r.verdict === 'marketing_limit_wait')?.next_at ?? null;
  if (requeued > 0 && b.status === 'completed') {
    // The dispatcher claims only running broadcasts; it completes this one again once drained.
    await ctx.db.execute(sql`update broadcasts set status = 'sending', finished_at = null, updated_at = ${nowIso}::timestamptz where id = ${id} and status = 'completed'`);
  }
  await recordAudit(ctx, { action: 'broadcast.resent_failed', targetType: 'broadcast', targetId: id, details: { requeued } });
  return {
    requeued,
    not_eligible: { already_resent: count('already_resent'), permanent_error: count('permanent_error'), marketing_limit_wait: count('marketing_limit_wait') },
    next_resend_at: next === null ? null : new Date(next).toISOString(),
  };
}
