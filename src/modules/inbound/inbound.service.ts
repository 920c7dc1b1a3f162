import { and, eq, inArray, param, sql } from 'drizzle-orm';
import type { Db, Log } from '../context.js';
import { safeErrorMessage } from '../../lib/redact.js';
import { isDatabaseDown } from '../../lib/db-errors.js';
import { queryRowsOf } from '../sql.js';
import { webhookEvents } from './inbound.tables.js';
import type { WebhookEvent, WebhookParser } from './inbound.events.js';
import { applyWebhookEvents } from './apply-events.js';
import { applyStoredStatuses } from '../messaging/index.js';
import { syncRecipientDelivery } from '../broadcasts/index.js';
import { applyOptOutSignals, carriesMessages, mayCarryOptOut } from './opt-out.js';
import { wake } from '../wake.js';

/** A verified webhook body waiting to be stored. */
export interface RawWebhook {
  raw: string;
  receivedAt: Date;
  phoneNumberId: string | null;
}

/**
 * The group commit's flush: stores a batch of verified bodies in one statement and, in the same
 * transaction, commits any opt-out they carry (INV-OPTOUT-FAST), so a STOP is durable before Meta
 * gets its 200. The opt-out step runs in a savepoint: if it fails, the bodies are still stored
 * and processing applies the opt-out moments later (the same dedupe keys make that idempotent).
 */
export async function storeWebhooks(db: Db, batch: RawWebhook[], optOuts?: { parse: WebhookParser; log: Log; now: Date }): Promise<void> {
  if (batch.length === 0) return;
  if (!optOuts || !batch.some((b) => mayCarryOptOut(b.raw))) return insertRaw(db, batch);
  await db.transaction(async (tx) => {
    await insertRaw(tx, batch);
    const events = batch.filter((b) => mayCarryOptOut(b.raw)).flatMap((b) => {
      try {
        return optOuts.parse(b.raw);
      } catch {
        return [];
      }
    });
    try {
      await tx.transaction((sp) => applyOptOutSignals({ db: sp, now: optOuts.now, log: optOuts.log }, events, { includeStart: false }));
    } catch (err) {
      optOuts.log.error({ err: { message: safeErrorMessage(err) } }, 'opt-out at intake failed; processing will apply it');
    }
    if (batch.some((b) => carriesMessages(b.raw))) await wake(tx, 'messages');
  });
}

async function insertRaw(db: Db, batch: RawWebhook[]): Promise<void> {
  // Array parameters instead of 4 × N placeholders: cheaper to build, send and plan.
  await db.execute(sql`
    insert into webhook_events (raw, received_at, phone_number_id, has_messages)
    select * from unnest(${param(batch.map((b) => b.raw))}::text[], ${param(batch.map((b) => b.receivedAt.toISOString()))}::timestamptz[], ${param(batch.map((b) => b.phoneNumberId))}::text[],
                         ${param(batch.map((b) => carriesMessages(b.raw)))}::boolean[])`);
}

/** How `last_error` of a processed body starts when some of its values were put aside (it is then kept past retention). */
export const PUT_ASIDE = 'put aside (replaced by U+FFFD): ';

// A body that keeps failing (a bug, not a transient fault) stops being retried after this many tries.
const MAX_ATTEMPTS = 8;

/**
 * Which pending bodies a processing pass claims: only those carrying inbound messages, or any.
 * Why no "all but messages": with a filter on `has_messages`, PostgreSQL's estimate for a table
 * that filled in seconds (no statistics yet; PGlite never analyses on its own) chose a sort of
 * every pending row over the index walk, per claim: after a status burst, processing took 19 s
 * instead of 12 (bench/webhooks.ts). The deferred loop takes any body; the messages loop only
 * gets to the messages first.
 */
export type WebhookShare = 'messages' | 'all';

/**
 * Claims up to `limit` pending bodies with a lease and processes them. Several workers can run
 * this at once: `FOR UPDATE SKIP LOCKED` hands each body to one of them, and an expired lease
 * (crashed worker) makes it claimable again. Processing is idempotent, so a replay is harmless.
 * `share` lets a worker take bodies that carry messages in their own quick loop (a keyword never
 * waits behind a batch of statuses), beside the loop that takes any body.
 */
export async function processPendingWebhooks(
  deps: { db: Db; parse: WebhookParser; log: Log; now: Date; onLag?: (ms: number) => void },
  limit = 500,
  leaseMs = 60_000,
  share: WebhookShare = 'all',
): Promise<number> {
  const { db, now } = deps;
  const only = share === 'messages' ? sql`and has_messages` : sql``;
  const claimed = await queryRowsOf<{ id: number; raw: string; received_at: string; attempts: number }>(
    db,
    sql`update webhook_events set locked_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz, attempts = attempts + 1
        where id in (select id from webhook_events
                     where status = 'pending' ${only} and (locked_until is null or locked_until < ${now.toISOString()}::timestamptz)
                     order by id limit ${limit} for update skip locked)
        returning id, raw, received_at, attempts`,
  );
  if (claimed.length === 0) return 0;
  claimed.sort((a, b) => a.id - b.id);
  // How far behind processing runs: the age of the oldest body claimed (the queue is in id order).
  deps.onLag?.(now.getTime() - new Date(claimed[0]!.received_at).getTime());
  const parsed: { id: number; attempts: number; events: WebhookEvent[] }[] = [];
  for (const row of claimed) {
    try {
      parsed.push({ id: row.id, attempts: row.attempts, events: deps.parse(row.raw) });
    } catch (err) {
      await markFailedAttempt(db, row.id, row.attempts, err, now, deps.log);
    }
  }
  // The whole batch in one transaction keeps PGlite's single connection free for intake most of
  // the time (statuses are applied set-based); if it fails, rows are retried one by one so a
  // single poisonous body cannot hold back the others.
  try {
    await applyRows(db, parsed, now, deps.log);
  } catch {
    for (const row of parsed) {
      try {
        await applyRows(db, [row], now, deps.log);
      } catch (err) {
        // A lost connection says nothing about the body: hand it back at once (best effort) rather
        // than count an attempt and back off for minutes; the lease covers it if the database is gone.
        if (isDatabaseDown(err)) await releaseClaim(db, row.id).catch(() => undefined);
        else await markFailedAttempt(db, row.id, row.attempts, err, now, deps.log);
      }
    }
  }
  return claimed.length;
}

async function applyRows(db: Db, rows: { id: number; events: WebhookEvent[] }[], now: Date, log: Log): Promise<void> {
  if (rows.length === 0) return;
  const { unmatched } = await db.transaction(async (tx) => {
    const applied = await applyWebhookEvents(tx, rows.flatMap((r) => r.events), now, log);
    await tx.update(webhookEvents).set({ status: 'processed', processedAt: now, lockedUntil: null, lastError: null }).where(inArray(webhookEvents.id, rows.map((r) => r.id)));
    for (const r of rows) {
      const aside = r.events.flatMap((e) => (e.kind === 'undecodable' ? [`${e.reason} at ${e.path}`] : []));
      if (aside.length === 0) continue;
      // The exact body stays in `raw`; the note keeps the row from retention purges (see purgeProcessedWebhooks).
      log.warn({ webhookEventId: r.id, count: aside.length }, 'webhook values put aside: the database cannot store them as sent');
      await tx.update(webhookEvents).set({ lastError: `${PUT_ASIDE}${aside.join('; ')}`.slice(0, 2000) }).where(eq(webhookEvents.id, r.id));
    }
    return applied;
  });
  // Why again after commit: a send logged in a transaction that was open meanwhile could not be seen
  // by these statuses, nor could it see them; whichever commits last applies them (the broadcast
  // engine does the same after logging its sends, see recordOutcomes).
  for (const [workspaceId, list] of unmatched) {
    await applyStoredStatuses(db, workspaceId, list);
    await syncRecipientDelivery(db, workspaceId, [...new Set(list.map((s) => s.wamid))]);
  }
}

async function releaseClaim(db: Db, id: number): Promise<void> {
  await db
    .update(webhookEvents)
    .set({ lockedUntil: null, attempts: sql`greatest(${webhookEvents.attempts} - 1, 0)` })
    .where(eq(webhookEvents.id, id));
}

async function markFailedAttempt(db: Db, id: number, attempts: number, err: unknown, now: Date, log: Log): Promise<void> {
  const message = safeErrorMessage(err);
  log.warn({ webhookEventId: id, attempts, err: { message } }, 'webhook processing failed');
  await db
    .update(webhookEvents)
    .set({ lastError: message, lockedUntil: new Date(now.getTime() + Math.min(60_000 * 2 ** attempts, 3_600_000)), ...(attempts >= MAX_ATTEMPTS ? { status: 'failed' } : {}) })
    .where(eq(webhookEvents.id, id));
}

/** Marks stored bodies pending again so they are processed anew (replay after a fix). */
export async function replayWebhooks(db: Db, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db
    .update(webhookEvents)
    .set({ status: 'pending', lockedUntil: null, attempts: 0 })
    .where(and(inArray(webhookEvents.id, ids)))
    .returning({ id: webhookEvents.id });
  return rows.length;
}

/** How long processed webhook bodies are kept (they carry message text and phone numbers). */
export const PROCESSED_WEBHOOK_RETENTION_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * Deletes processed bodies past retention, at most `limit` per call so a sweep never holds
 * PGlite's single connection for long. Pending and failed bodies, and bodies with values put aside, are
 * kept for inspection/replay.
 */
export async function purgeProcessedWebhooks(db: Db, now: Date, limit = 10_000): Promise<number> {
  const cutoff = new Date(now.getTime() - PROCESSED_WEBHOOK_RETENTION_MS).toISOString();
  const rows = await queryRowsOf<{ id: number }>(
    db,
    sql`delete from webhook_events where id in (
          select id from webhook_events where status = 'processed' and processed_at < ${cutoff}::timestamptz and last_error is null order by id limit ${limit})
        returning id`,
  );
  return rows.length;
}

/** Webhook bodies for one business number still waiting to be processed, and those given up on. */
export interface WebhookBacklog {
  pending: number;
  oldest_pending_at: string | null;
  failed: number;
}

/**
 * The processing backlog of one number (by its Meta phone_number_id): intake stores bodies before the
 * 200 and workers apply them moments later, so after a burst this says how far behind they are.
 * Reads only pending rows through the partial index, plus failed rows (kept for replay).
 */
export async function webhookBacklog(db: Db, phoneNumberId: string): Promise<WebhookBacklog> {
  const [row] = await queryRowsOf<{ pending: number; oldest: string | null; failed: number }>(
    db,
    sql`select (select count(*)::int from webhook_events where status = 'pending' and phone_number_id = ${phoneNumberId}) as pending,
               (select min(received_at) from webhook_events where status = 'pending' and phone_number_id = ${phoneNumberId}) as oldest,
               (select count(*)::int from webhook_events where status = 'failed' and phone_number_id = ${phoneNumberId}) as failed`,
  );
  return { pending: row?.pending ?? 0, oldest_pending_at: row?.oldest ? new Date(row.oldest).toISOString() : null, failed: row?.failed ?? 0 };
}
