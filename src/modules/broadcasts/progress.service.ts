import { sql, type SQL } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import type { Ctx, Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import type { z } from 'zod';
import type { BroadcastOut, recipientLookupOut, recipientOut } from './broadcasts.schemas.js';
import { previewContactOutcome } from './plan.service.js';
import { loadBroadcast } from './broadcast-row.js';
import { funnelMetrics } from './funnel.service.js';

type Counts = BroadcastOut['counts'];

type Progress = { counts: Counts; skippedByReason: Record<string, number>; excludedByReason: Record<string, number>; failedByCode: Record<string, number> };

/**
 * Per-state counts of one broadcast, from the funnel rollup plus its undrained deltas (a few index
 * probes, whatever the audience size; exact at any drain lag). Same answer as scanCounts.
 */
export async function broadcastCounts(db: Db, broadcastId: string): Promise<Progress> {
  const metrics = (await funnelMetrics(db, null, [broadcastId])).get(broadcastId) ?? {};
  return progressOf(metrics);
}

/** The Progress shape of funnel metrics (`skipped:<reason>`, `failed:<code>`, `excluded:<reason>` split out). */
export function progressOf(metrics: Record<string, number>): Progress {
  const c: Counts = { planned: 0, skipped: 0, queued: 0, sending: 0, sent: 0, delivered: 0, read: 0, replied: 0, clicked: 0, failed: 0, opted_out: 0, cancelled: 0, uncertain: 0, excluded: 0 };
  const skippedByReason: Record<string, number> = {};
  const excludedByReason: Record<string, number> = {};
  const failedByCode: Record<string, number> = {};
  const split: Record<string, Record<string, number>> = { skipped: skippedByReason, excluded: excludedByReason, failed: failedByCode };
  for (const [metric, n] of Object.entries(metrics)) {
    const at = metric.indexOf(':');
    if (at > 0) {
      const into = split[metric.slice(0, at)];
      if (into) into[metric.slice(at + 1)] = n;
    } else if (metric in c) c[metric as keyof Counts] = n;
  }
  return { counts: c, skippedByReason, excludedByReason, failedByCode };
}

/**
 * The earliest waiting recipient's next attempt and why it waits: one probe of
 * broadcast_recipients_due_idx (queued rows by not_before), whatever the audience size.
 */
export async function nextAttempt(db: Db, broadcastId: string): Promise<{ at: string; reason: string | null } | null> {
  const [row] = await queryRowsOf<{ at: string | Date; reason: string | null }>(
    db,
    // Rest rows of an A/B test wait for the winner, not for a time (REST_HELD_UNTIL): not shown as a next attempt.
    sql`select not_before as at, reason from broadcast_recipients where broadcast_id = ${broadcastId} and state = 'queued' and not_before < '9999-01-01'::timestamptz order by not_before limit 1`,
  );
  return row ? { at: new Date(row.at).toISOString(), reason: row.reason } : null;
}

/** Per-state counts from one grouped scan of the recipient rows (the rollup's reference: tests and benches). */
export async function scanCounts(db: Db, broadcastId: string): Promise<Progress> {
  return countRows(db, broadcastId);
}

async function countRows(db: Db, broadcastId: string): Promise<Progress> {
  const rows = await queryRowsOf<{ state: string; rank: number; reason: string | null; code: number | null; n: string; replied: string; clicked: string; opted_out: string }>(
    db,
    sql`select state, delivery_rank as rank,
          case when state in ('skipped', 'excluded') then reason end as reason,
          case when state = 'failed' then coalesce(error_code, 0) end as code,
          count(*) as n, count(replied_at) as replied, count(clicked_at) as clicked, count(opted_out_at) as opted_out
        from broadcast_recipients where broadcast_id = ${broadcastId}
        group by 1, 2, 3, 4`,
  );
  const c: Counts = { planned: 0, skipped: 0, queued: 0, sending: 0, sent: 0, delivered: 0, read: 0, replied: 0, clicked: 0, failed: 0, opted_out: 0, cancelled: 0, uncertain: 0, excluded: 0 };
  const skippedByReason: Record<string, number> = {};
  const excludedByReason: Record<string, number> = {};
  const failedByCode: Record<string, number> = {};
  for (const r of rows) {
    const n = Number(r.n);
    // Matched but left out at start: not planned, counted apart with the reason.
    if (r.state === 'excluded') {
      c.excluded += n;
      excludedByReason[r.reason ?? 'unknown'] = (excludedByReason[r.reason ?? 'unknown'] ?? 0) + n;
      continue;
    }
    c.planned += n;
    c.replied += Number(r.replied);
    c.clicked += Number(r.clicked);
    c.opted_out += Number(r.opted_out);
    if (r.state === 'queued' || r.state === 'claimed') c.queued += n;
    else if (r.state === 'sending') c.sending += n;
    else if (r.state === 'uncertain') c.uncertain += n;
    else if (r.state === 'cancelled') c.cancelled += n;
    else if (r.state === 'skipped') {
      c.skipped += n;
      skippedByReason[r.reason ?? 'unknown'] = (skippedByReason[r.reason ?? 'unknown'] ?? 0) + n;
    } else if (r.state === 'failed') {
      c.failed += n;
      failedByCode[String(r.code ?? 0)] = (failedByCode[String(r.code ?? 0)] ?? 0) + n;
    }
    // A message counts as sent once accepted, and as delivered/read by its status webhooks; an
    // async failure after delivery keeps the delivery (statuses only move up).
    if (r.state === 'accepted' || (r.state === 'failed' && r.rank >= 2)) c.sent += n;
    if (r.rank >= 3) c.delivered += n;
    if (r.rank >= 4) c.read += n;
  }
  return { counts: c, skippedByReason, excludedByReason, failedByCode };
}

/** The display status of a recipient row. */
export function recipientStatusOf(state: string, rank: number): string {
  if (state === 'accepted') return rank >= 4 ? 'read' : rank >= 3 ? 'delivered' : 'sent';
  if (state === 'claimed') return 'queued';
  return state;
}

const FILTERS: Record<string, string> = {
  queued: `r.state in ('queued', 'claimed')`,
  sending: `r.state = 'sending'`,
  uncertain: `r.state = 'uncertain'`,
  skipped: `r.state = 'skipped'`,
  excluded: `r.state = 'excluded'`,
  failed: `r.state = 'failed'`,
  cancelled: `r.state = 'cancelled'`,
  sent: `r.state = 'accepted' and r.delivery_rank < 3`,
  delivered: `r.state = 'accepted' and r.delivery_rank = 3`,
  read: `r.delivery_rank >= 4`,
  replied: `r.replied_at is not null`,
  clicked: `r.clicked_at is not null`,
  opted_out: `r.opted_out_at is not null`,
};

/** Recipient states accepted by the `state` filter. */
export const RECIPIENT_FILTERS = Object.keys(FILTERS);

/** Per-recipient state and reason, in id order, optionally filtered by display state. */
export async function listRecipients(ctx: Ctx, id: string, q: { limit: number; cursor?: string; state?: string }): Promise<Page<z.infer<typeof recipientOut>>> {
  await loadBroadcast(ctx, id);
  const filter = q.state ? FILTERS[q.state] : 'true';
  if (!filter) throw new AppError('VALIDATION_FAILED', `state: use one of ${RECIPIENT_FILTERS.join(', ')}`, { fields: [{ field: 'state', message: 'unknown state' }] });
  const after = decodeCursor(q.cursor, { id: 'int' });
  const rows = await recipientRows(ctx, id, sql`r.id > ${after?.id ?? 0} and (${sql.raw(filter)})`, q.limit + 1);
  return toPage(rows, q.limit, toRecipientOut, (r) => ({ id: Number(r.id) }));
}

type RecipientRow = Record<string, unknown> & { id: number; state: string; delivery_rank: number };

async function recipientRows(ctx: Ctx, id: string, where: SQL, limit: number): Promise<RecipientRow[]> {
  return queryRowsOf<RecipientRow>(
    ctx.db,
    sql`select r.id, r.contact_id, c.phone, r.state, r.delivery_rank, r.reason, r.error_code, r.attempts, r.not_before, r.wamid, r.sent_at, r.replied_at, r.clicked_at, r.opted_out_at
        from broadcast_recipients r left join contacts c on c.id = r.contact_id
        where r.broadcast_id = ${id} and r.workspace_id = ${ctx.workspaceId} and ${where}
        order by r.id limit ${limit}`,
  );
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

function toRecipientOut(r: RecipientRow): z.infer<typeof recipientOut> {
  return {
    contact_id: String(r.contact_id),
    phone: (r.phone as string | null) ?? null,
    state: r.state,
    status: recipientStatusOf(r.state, Number(r.delivery_rank)),
    reason: (r.reason as string | null) ?? null,
    error_code: r.error_code == null ? null : Number(r.error_code),
    attempts: Number(r.attempts),
    not_before: iso(r.not_before)!,
    wamid: (r.wamid as string | null) ?? null,
    sent_at: iso(r.sent_at),
    replied_at: iso(r.replied_at),
    clicked_at: iso(r.clicked_at),
    opted_out_at: iso(r.opted_out_at),
  };
}

/**
 * What happened (or would happen) to one contact in a broadcast: its recipient row once the
 * broadcast started, or for a draft or scheduled one the live answer from the same rules the
 * snapshot applies. A contact the audience does not match is `not_matched`.
 */
export async function recipientOutcome(ctx: Ctx, id: string, contactId: string): Promise<z.infer<typeof recipientLookupOut>> {
  const b = await loadBroadcast(ctx, id);
  const [contact] = await queryRowsOf<{ id: string }>(ctx.db, sql`select id from contacts where id = ${contactId} and workspace_id = ${ctx.workspaceId}`);
  if (!contact) throw notFound('contact', contactId);
  const base = { contact_id: contactId, broadcast_status: b.status };
  if (b.startedAt) {
    const [row] = await recipientRows(ctx, id, sql`r.contact_id = ${contactId}`, 1);
    if (!row) return { ...base, matched: false, outcome: 'not_matched', reason: 'the audience did not match this contact when the broadcast started', recipient: null };
    const out = toRecipientOut(row);
    return { ...base, matched: true, outcome: out.status, reason: out.reason, recipient: out };
  }
  const reason = await previewContactOutcome(ctx.db, b, contactId, ctx.now);
  if (reason === null) return { ...base, matched: false, outcome: 'not_matched', reason: 'the audience does not match this contact', recipient: null };
  if (reason === 'planned') return { ...base, matched: true, outcome: 'planned', reason: null, recipient: null };
  return { ...base, matched: true, outcome: 'excluded', reason, recipient: null };
}

/** True when no recipient of the broadcast can still be messaged (nothing queued, claimed, in flight or uncertain). */
export async function isDrained(db: Db, broadcastId: string): Promise<boolean> {
  const [r] = await queryRowsOf<{ open: boolean }>(
    db,
    sql`select exists (select 1 from broadcast_recipients where broadcast_id = ${broadcastId} and state = 'queued')
            or exists (select 1 from broadcast_recipients where broadcast_id = ${broadcastId} and state in ('claimed', 'sending', 'uncertain')) as open`,
  );
  return !r?.open;
}
