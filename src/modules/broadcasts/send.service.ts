import { recoverNumbers, throttleNumbers } from '../sending/index.js';
import { param, sql } from 'drizzle-orm';
import { isAppError } from '../../lib/errors.js';
import type { Db } from '../context.js';
import { consentGranted, phoneHashNotSuppressed } from '../consent/index.js';
import { bindWaIds } from '../contacts/index.js';
import { reconcileMessageStatus, recordBroadcastMessages } from '../messaging/index.js';
import { queryRowsOf } from '../sql.js';
import { ECOSYSTEM_LIMIT_CODE, ECOSYSTEM_RETRY_HOURS, ecosystemLimitReason, failureActionOf, pairRateDelayMs, retryDelayMs, type BroadcastPolicy } from './broadcasts.rules.js';
import type { ClaimedSend } from './claim.service.js';
import { syncRecipientDelivery } from './tracking.service.js';

/**
 * The send-time check (INV-CONSENT), written just before the requests leave: claimed rows become
 * `sending` only if this claim still holds them (same attempt: a worker that stalled past its
 * lease cannot post a row another worker has claimed since; INV-ONCE), their broadcast still runs,
 * consent for the topic is still granted and the number is not suppressed. Returns the ids that may be posted; the others go back to the queue,
 * where the next claim skips them with the precise reason (or keeps them while paused).
 */
export async function markSending(db: Db, sends: ClaimedSend[], now: Date, leaseMs: number): Promise<Set<number>> {
  if (sends.length === 0) return new Set();
  const ids = sends.map((s) => s.recipientId);
  const rows = await queryRowsOf<{ id: number }>(
    db,
    sql`update broadcast_recipients r set state = 'sending', sent_at = ${now.toISOString()}::timestamptz, locked_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz,
          updated_at = ${now.toISOString()}::timestamptz
        from unnest(${param(ids)}::bigint[], ${param(sends.map((s) => s.phoneHash))}::text[], ${param(sends.map((s) => s.topicId))}::uuid[],
                    ${param(sends.map((s) => attemptOf(s)))}::int[]) as x(id, h, topic_id, attempt)
        where r.id = x.id and r.state = 'claimed' and r.attempts = x.attempt
          and exists (select 1 from broadcasts b where b.id = r.broadcast_id and b.status = 'sending')
          and ${consentGranted(sql`r.contact_id`, sql`x.topic_id`)}
          and ${phoneHashNotSuppressed(sql`r.workspace_id`, sql`x.h`)}
        returning r.id`,
  );
  const ok = new Set(rows.map((r) => Number(r.id)));
  const rest = sends.filter((s) => !ok.has(s.recipientId));
  if (rest.length > 0) await releaseClaims(db, rest);
  return ok;
}

/** The attempt a claim made (its callback data ends with it). */
function attemptOf(s: ClaimedSend): number {
  return Number(s.callbackData.split(':')[2]);
}

/**
 * Back to the queue, or cancelled when the broadcast was cancelled meanwhile (why: the cancel
 * withdrew only rows that were queued or claimed at that moment; a claim handed back afterwards
 * would otherwise sit queued in a cancelled broadcast forever).
 */
const backToQueue = sql`state = case when exists (select 1 from broadcasts b where b.id = r.broadcast_id and b.status = 'cancelled') then 'cancelled' else 'queued' end,
  reason = case when exists (select 1 from broadcasts b where b.id = r.broadcast_id and b.status = 'cancelled') then 'broadcast cancelled' else r.reason end`;

/** Puts claimed (never posted) rows back in the queue; the claim does not count as an attempt. */
export async function releaseClaims(db: Db, sends: ClaimedSend[]): Promise<void> {
  if (sends.length === 0) return;
  await db.execute(sql`update broadcast_recipients r set ${backToQueue}, locked_until = null, attempts = r.attempts - 1
                       from unnest(${param(sends.map((s) => s.recipientId))}::bigint[], ${param(sends.map((s) => attemptOf(s)))}::int[]) as x(id, attempt)
                       where r.id = x.id and r.state = 'claimed' and r.attempts = x.attempt`);
}

/**
 * Puts rows marked `sending` that this process never posted (it missed their slot) back in the
 * queue. The claim is not counted as an attempt (retry limits and `attempts` count requests);
 * its callback data is never seen by Meta, so the next claim may reuse the number.
 */
export async function returnUnsent(db: Db, sends: ClaimedSend[]): Promise<void> {
  if (sends.length === 0) return;
  await db.execute(sql`update broadcast_recipients r set ${backToQueue}, sent_at = null, locked_until = null, attempts = r.attempts - 1
                       from unnest(${param(sends.map((s) => s.recipientId))}::bigint[], ${param(sends.map((s) => attemptOf(s)))}::int[]) as x(id, attempt)
                       where r.id = x.id and r.state = 'sending' and r.attempts = x.attempt`);
}

/** The outcome of one request. */
/** `waId`: the send response's `contacts[].wa_id` (Meta's id for the person, which may differ from the number dialled). */
export type SendOutcome = { send: ClaimedSend; ok: true; wamid: string; waId?: string | undefined } | { send: ClaimedSend; ok: false; error: unknown };

interface Row {
  id: number;
  state: string;
  reason: string | null;
  code: number | null;
  nb: string | null;
  wamid: string | null;
  msg: string | null;
  clearSent: boolean;
  /** For uncertain rows: how long to wait for a status webhook before the policy decides. */
  windowS: number;
}

/** What one outcome does: its row, and whether it logs a message, throttles or heals its number, or pauses its broadcast. */
interface OutcomeEffect {
  row: Row;
  logged?: { o: ClaimedSend; messageId: string; wamid: string | null };
  throttle?: boolean;
  healthy?: boolean;
  pause?: { code: string; reason: string };
}

/** The row (and side effects) of one request's outcome, by its error class (`failureActionOf`). */
function effectOf(o: SendOutcome, policies: Map<string, BroadcastPolicy>, now: Date): OutcomeEffect {
  const s = o.send;
  const base = { id: s.recipientId, code: null, nb: null, wamid: null, msg: null, clearSent: false, windowS: 0 };
  if (o.ok) {
    const messageId = crypto.randomUUID();
    return { row: { ...base, state: 'accepted', reason: null, wamid: o.wamid, msg: messageId }, logged: { o: s, messageId, wamid: o.wamid }, healthy: true };
  }
  const err = o.error;
  const retry = isAppError(err) ? err.retry : 'transient';
  const metaCode = isAppError(err) && typeof err.details?.meta_code === 'number' ? err.details.meta_code : null;
  const code = isAppError(err) ? err.code : 'WHATSAPP_CONNECTION_FAILED';
  const action = failureActionOf(retry, metaCode ?? undefined, code);
  const attempts = attemptOf(s);
  switch (action.kind) {
    case 'uncertain': {
      const messageId = crypto.randomUUID();
      const windowS = policies.get(s.broadcastId)?.uncertain.windowSeconds ?? 900;
      return { row: { ...base, state: 'uncertain', reason: 'outcome unknown; waiting for the status webhook', code: metaCode, msg: messageId, windowS }, logged: { o: s, messageId, wamid: null } };
    }
    case 'retry': {
      const throttle = action.throttleNumber;
      if (attempts >= (policies.get(s.broadcastId)?.maxAttempts ?? 8)) return { row: { ...base, state: 'failed', reason: `gave up after ${attempts} attempts: ${code}`, code: metaCode }, throttle };
      return { row: { ...base, state: 'queued', reason: `retrying: ${code}`, nb: new Date(now.getTime() + retryDelayMs(attempts)).toISOString(), clearSent: true }, throttle };
    }
    case 'pair_delay':
      return { row: { ...base, state: 'queued', reason: 'deferred: pair rate limit (131056)', nb: new Date(now.getTime() + pairRateDelayMs(attempts - 1)).toISOString(), clearSent: true } };
    case 'pause_broadcast':
      return { row: { ...base, state: 'queued', reason: action.reason, code: metaCode, clearSent: true }, pause: { code: action.code, reason: action.reason } };
    case 'fail': {
      // 131049: not_before holds the earliest time "Resend to failed" may send it again (resend.service.ts).
      if (metaCode === ECOSYSTEM_LIMIT_CODE) {
        const after = new Date(now.getTime() + ECOSYSTEM_RETRY_HOURS * 3_600_000);
        return { row: { ...base, state: 'failed', reason: ecosystemLimitReason(after), code: metaCode, nb: after.toISOString() } };
      }
      return { row: { ...base, state: 'failed', reason: action.reason, code: metaCode } };
    }
  }
}

/** Writes the outcome rows of a batch in one statement (only rows still `sending`: a row settled meanwhile is left alone). */
async function writeOutcomeRows(tx: Db, rows: Row[], now: Date): Promise<void> {
  await tx.execute(sql`
    update broadcast_recipients r set state = x.state, reason = x.reason, error_code = coalesce(x.code, r.error_code), not_before = coalesce(x.nb, r.not_before),
      wamid = coalesce(x.wamid, r.wamid), message_id = coalesce(x.msg, r.message_id),
      uncertain_since = case when x.state = 'uncertain' then ${now.toISOString()}::timestamptz else r.uncertain_since end,
      locked_until = case when x.state = 'uncertain' then ${now.toISOString()}::timestamptz + make_interval(secs => x.window_s) end,
      sent_at = case when x.clear_sent then null else r.sent_at end, updated_at = ${now.toISOString()}::timestamptz
    from unnest(${param(rows.map((r) => r.id))}::bigint[], ${param(rows.map((r) => r.state))}::text[], ${param(rows.map((r) => r.reason))}::text[],
                ${param(rows.map((r) => r.code))}::int[], ${param(rows.map((r) => r.nb))}::timestamptz[], ${param(rows.map((r) => r.wamid))}::text[],
                ${param(rows.map((r) => r.msg))}::uuid[], ${param(rows.map((r) => r.clearSent))}::bool[],
                ${param(rows.map((r) => r.windowS))}::int[]) as x(id, state, reason, code, nb, wamid, msg, clear_sent, window_s)
    where r.id = x.id and r.state = 'sending'`);
}

/**
 * Records a batch of outcomes in one transaction: accepted sends are logged as messages (with the
 * broadcast id and callback data); uncertain ones are logged without a wamid and wait for their
 * status webhook (never re-posted blindly); transient errors return to the queue with jittered
 * backoff (130429 also slows the whole number for every worker); 131056 delays only that person;
 * template and account errors pause the broadcast with the reason; other errors fail the row.
 */
export async function recordOutcomes(db: Db, outcomes: SendOutcome[], policies: Map<string, BroadcastPolicy>, now: Date): Promise<{ paused: string[]; throttled: string[] }> {
  if (outcomes.length === 0) return { paused: [], throttled: [] };
  const effects = outcomes.map((o) => effectOf(o, policies, now));
  const logged = effects.flatMap((e) => (e.logged ? [e.logged] : []));
  const throttled = new Set(effects.flatMap((e, i) => (e.throttle ? [outcomes[i]!.send.numberId] : [])));
  const healthy = new Set(effects.flatMap((e, i) => (e.healthy ? [outcomes[i]!.send.numberId] : [])));
  const pauses = new Map(effects.flatMap((e, i) => (e.pause ? [[outcomes[i]!.send.broadcastId, e.pause] as const] : [])));
  await db.transaction(async (tx) => {
    await writeOutcomeRows(tx, effects.map((e) => e.row), now);
    if (logged.length > 0) await logMessages(tx, logged, now);
    // Meta's id for the person (+5511944445555 may answer as 551144445555): bound now, so their reply or STOP finds this contact.
    const rebind = outcomes.flatMap((o) => (o.ok && o.waId && o.waId !== o.send.waId ? [{ ws: o.send.workspaceId, contactId: o.send.contactId, waId: o.waId }] : []));
    for (const ws of new Set(rebind.map((r) => r.ws))) await bindWaIds(tx, ws, rebind.filter((r) => r.ws === ws));
    for (const [id, p] of pauses) {
      await tx.execute(sql`update broadcasts set status = 'paused', pause_code = ${p.code}, pause_reason = ${p.reason}, updated_at = ${now.toISOString()}::timestamptz where id = ${id} and status = 'sending'`);
    }
    // Why: 130429 means every sender is too fast for this number; all of them wait.
    await throttleNumbers(tx, [...throttled]);
    await recoverNumbers(tx, [...healthy].filter((n) => !throttled.has(n)));
  });
  // Why again after commit: a status webhook processed while this transaction was open could not see
  // these messages, nor could this transaction see its events; whichever commits last catches up
  // (the webhook side does the same, see processPendingWebhooks).
  await applyLateStatuses(db, logged);
  return { paused: [...pauses.keys()], throttled: [...throttled] };
}

/** Applies status events already stored for these messages (after the messages are committed). */
async function applyLateStatuses(db: Db, items: { o: ClaimedSend; wamid: string | null }[]): Promise<void> {
  const byWs = new Map<string, string[]>();
  for (const i of items) if (i.wamid) (byWs.get(i.o.workspaceId) ?? byWs.set(i.o.workspaceId, []).get(i.o.workspaceId)!).push(i.wamid);
  for (const [ws, wamids] of byWs) {
    await reconcileMessageStatus(db, ws, wamids);
    await syncRecipientDelivery(db, ws, wamids);
  }
}

/** Logs broadcast sends in the message log (one statement per batch), then applies statuses that arrived first. */
async function logMessages(db: Db, items: { o: ClaimedSend; messageId: string; wamid: string | null }[], now: Date): Promise<void> {
  await recordBroadcastMessages(
    db,
    items.map((i) => ({
      id: i.messageId, workspaceId: i.o.workspaceId, numberId: i.o.numberId, contactId: i.o.contactId, waId: i.o.waId, body: i.o.text,
      payload: { message: i.o.message, broadcast: true }, wamid: i.wamid, callbackData: i.o.callbackData, broadcastId: i.o.broadcastId, marketing: i.o.isMarketing, sentAt: now,
    })),
    now,
  );
  await applyLateStatuses(db, items);
}
