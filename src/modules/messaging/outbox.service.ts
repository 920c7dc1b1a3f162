import { and, eq, inArray, sql } from 'drizzle-orm';
import { recipientAddress } from '../../lib/phone/index.js';
import { isAppError } from '../../lib/errors.js';
import { safeErrorMessage } from '../../lib/redact.js';
import type { SecretBox } from '../../lib/secrets.js';
import { SYSTEM_ACTOR, type Db, type Log } from '../context.js';
import { bindWaIds } from '../contacts/index.js';
import { credentialsFor } from '../numbers/index.js';
import { refusedAtSend } from '../consent/index.js';
import { bookSlots, defaultSendRate, tierLimitOf } from '../sending/index.js';
import { queryRowsOf } from '../sql.js';
import { wake } from '../wake.js';
import type { NumberCredentials, OutboundMessage, WhatsAppGateway } from './messaging.gateway.js';
import { isWindowOpen } from './messaging.rules.js';
import { messagingLimitUsed, reconcileMessageStatus, recordOutboundMessage, settleOutboundMessage, touchServiceWindow } from './messaging.service.js';
import { outbox, serviceWindows } from './messaging.tables.js';

/** An automated message to queue. */
export interface AutomatedMessage {
  workspaceId: string;
  numberId: string;
  contactId: string;
  waId: string;
  /** stop_all_confirmation, stop_topic_confirmation, start_confirmation, welcome, optin_confirmation… */
  kind: string;
  /** The same key never queues twice: a replayed webhook cannot send a second confirmation. */
  dedupeKey: string;
  /** Free-form message for inside the 24 h window. */
  message: OutboundMessage;
  /** Sent instead when the window is closed; without it the message is skipped. */
  template?: Extract<OutboundMessage, { type: 'template' }>;
  /**
   * When the reply answers a message the person just sent (a STOP, an opt-in keyword): that
   * message's time. It opened the 24 h window, so the window is recorded here, in the same
   * transaction, and the sender counts it even before webhook processing records it.
   */
  inboundAt?: Date;
  /** Marketing content (an automation's marketing step): logged as such, so the frequency cap counts it. */
  marketing?: boolean;
}

/** Queues automated messages in the caller's transaction; returns how many were new. */
export async function enqueueAutomated(db: Db, items: AutomatedMessage[], now: Date): Promise<number> {
  if (items.length === 0) return 0;
  const rows = await db
    .insert(outbox)
    .values(
      items.map((m) => ({
        workspaceId: m.workspaceId,
        numberId: m.numberId,
        contactId: m.contactId,
        kind: m.kind,
        dedupeKey: m.dedupeKey,
        message: { wa_id: m.waId, message: m.message, ...(m.template ? { template: m.template } : {}), ...(m.inboundAt ? { inbound_at: m.inboundAt.toISOString() } : {}), ...(m.marketing ? { marketing: true } : {}) },
        createdAt: now,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: outbox.id });
  const opened = items.filter((m) => m.inboundAt);
  for (const m of opened) await touchServiceWindow(db, { workspaceId: m.workspaceId, numberId: m.numberId, waId: m.waId, at: m.inboundAt! });
  // The outbox sends it as soon as the caller commits, not at its next poll.
  if (rows.length > 0) await wake(db, 'outbox');
  return rows.length;
}

interface Claimed {
  id: string;
  workspace_id: string;
  number_id: string | null;
  contact_id: string | null;
  kind: string;
  message: { wa_id: string; message: OutboundMessage; template?: OutboundMessage; inbound_at?: string; marketing?: boolean };
  attempts: number;
  created_at: string;
  /** The contact's number, or its business-scoped user id (what suppression is keyed on). */
  address: string | null;
}

/**
 * `upSince`: when this process (with PGlite: its webhook intake) started; an interrupted send's window also runs from then.
 * `inFlight`: when given, a pass returns once its sends are booked and logged, and their paced requests go on in this set
 * (the worker's loop claims the next items meanwhile; it awaits the set before closing the database).
 */
type Deps = { db: Db; box: SecretBox; gateway: WhatsAppGateway; log: Log; now: Date; upSince?: Date; inFlight?: Set<Promise<void>> };

// Batches whose paced requests may be on their way at once (per process); a pass past it waits for one to finish.
const MAX_BATCHES_IN_FLIGHT = 2;

const MAX_ATTEMPTS = 6;
// Confirmations of a STOP answer what the person just did: always sent, consent or not (Meta's
// policy expects the opt-out to be acknowledged). Everything else is refused once they withdrew.
// Answers to the person's own request skip the send-time consent check: a STOP confirmation, and the
// preference centre's menu and confirmations (asked for by the person, even after leaving a topic).
const answersOptOut = (kind: string): boolean => kind.startsWith('stop_') || kind.startsWith('preference_');

/**
 * Sends queued automated messages through the send gate: claims a batch with a lease (SKIP LOCKED,
 * so several workers share the queue and a crashed worker's batch comes back), refuses at send time
 * those whose person is suppressed or withdrew since (except answers to a STOP), picks free-form or
 * template by the 24 h window, books slots on the number's shared schedule (with broadcasts: the
 * number's rate holds for all senders together), and logs each message before its request leaves.
 * A request that may have reached Meta is never re-posted: its status webhook settles it through
 * the callback data.
 */
export async function sendQueuedAutomated(deps: Deps, limit = 50, leaseMs = 60_000): Promise<number> {
  const { db, now } = deps;
  while (deps.inFlight && deps.inFlight.size >= MAX_BATCHES_IN_FLIGHT) await Promise.race(deps.inFlight);
  await settleInterrupted(db, now, deps.upSince ?? new Date(0));
  const claimed = await queryRowsOf<Claimed>(
    db,
    sql`with c as (
          update outbox set locked_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz, attempts = attempts + 1
          where id in (select id from outbox where status = 'queued' and message_id is null and (locked_until is null or locked_until < ${now.toISOString()}::timestamptz)
                       order by created_at limit ${limit} for update skip locked)
          returning id, workspace_id, number_id, contact_id, kind, message, attempts, created_at)
        select c.*, coalesce(ct.phone, ct.user_id) as address from c left join contacts ct on ct.id = c.contact_id`,
  );
  const ready: Ready[] = [];
  // People each workspace has reached outside a service window: counted once per pass, then this
  // pass's own business-initiated sends are added (they are not in the message log yet).
  const initiated = new Map<string, number>();
  // Read once a pass (per number), not per item: on PGlite every statement waits its turn on the one connection.
  const pass: Pass = { initiated, windows: await lastInboundOf(db, claimed), creds: new Map() };
  for (const [workspaceId, items] of groupBy(claimed, (c) => c.workspace_id)) {
    const checked = items.filter((i) => !answersOptOut(i.kind) && i.contact_id && i.address);
    const refused = await refusedAtSend(db, workspaceId, checked.map((i) => ({ contactId: i.contact_id!, address: i.address!, queuedAt: new Date(i.created_at) })));
    for (const item of items) {
      const reason = item.contact_id && !answersOptOut(item.kind) ? refused.get(item.contact_id) : undefined;
      if (reason) await finish(db, item.id, now, 'skipped', { lastError: reason === 'suppressed' ? 'the number is suppressed (opted out)' : 'the person withdrew consent after this was queued' });
      else {
        const r = await prepare(deps, item, pass);
        if (r) ready.push(r);
      }
    }
  }
  const sending = Promise.all([...groupBy(ready, (r) => r.item.number_id!)].map(([, list]) => sendPaced(deps, list)));
  if (!deps.inFlight || ready.length === 0) await sending;
  else {
    // Why not wait: a batch's requests leave at their paced slots (and Meta may be slow); an answer
    // queued meanwhile would wait for the whole batch. Leased items are not claimed twice, and an
    // item whose request may have left is settled by settleInterrupted even if this process dies.
    const inFlight = deps.inFlight;
    const tracked: Promise<void> = sending
      .then(() => undefined)
      .catch((err: unknown) => deps.log.warn({ err: { message: safeErrorMessage(err) } }, 'automated messages: a batch failed after it was claimed; its lease brings it back'))
      .finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  return claimed.length;
}

/** A claimed item with what it will send. */
interface Ready {
  item: Claimed;
  message: OutboundMessage;
  creds: NumberCredentials & { throughputMps: number };
}

/** What a pass reads once and shares between its items. */
interface Pass {
  initiated: Map<string, number>;
  /** The last inbound time of each claimed person, by `${number_id} ${wa_id}`. */
  windows: Map<string, Date>;
  /** Each number's credentials, by `${workspace_id} ${number_id}`. */
  creds: Map<string, ReturnType<typeof credentialsFor>>;
}

/** The recorded service windows of the claimed people: one statement per number. */
async function lastInboundOf(db: Db, claimed: Claimed[]): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  for (const [numberId, items] of groupBy(claimed.filter((c) => c.number_id), (c) => c.number_id!)) {
    const rows = await db
      .select({ waId: serviceWindows.waId, at: serviceWindows.lastInboundAt })
      .from(serviceWindows)
      .where(and(eq(serviceWindows.numberId, numberId), inArray(serviceWindows.waId, [...new Set(items.map((i) => i.message.wa_id))])));
    for (const r of rows) if (r.at) out.set(`${numberId} ${r.waId}`, r.at);
  }
  return out;
}

/** How long an item waits when the messaging limit is reached before it is tried again. */
const LIMIT_RETRY_MS = 15 * 60_000;

/**
 * Picks the message by the 24 h window; finishes the item when there is nothing to send. A
 * template outside the window opens a business-initiated conversation: at the messaging limit
 * (counted over every sender of the workspace, plus this pass's own) the item waits, as a
 * broadcast's recipients do, instead of going out for Meta to fail.
 */
async function prepare(deps: Deps, item: Claimed, pass: Pass): Promise<Ready | null> {
  const { db, now } = deps;
  const { initiated } = pass;
  if (!item.number_id) {
    await finish(db, item.id, now, 'skipped', { lastError: 'the business number was disconnected' });
    return null;
  }
  const recorded = pass.windows.get(`${item.number_id} ${item.message.wa_id}`);
  // The window as recorded, or as opened by the message this reply answers (whichever is later).
  const causedAt = item.message.inbound_at ? new Date(item.message.inbound_at) : undefined;
  const lastInbound = recorded && causedAt ? (recorded > causedAt ? recorded : causedAt) : (recorded ?? causedAt);
  const message = isWindowOpen(lastInbound, now) ? item.message.message : item.message.template;
  if (!message) {
    await finish(db, item.id, now, 'skipped', { lastError: 'the 24-hour window is closed and no template is configured' });
    return null;
  }
  const credsKey = `${item.workspace_id} ${item.number_id}`;
  if (!pass.creds.has(credsKey)) pass.creds.set(credsKey, credentialsFor({ db, workspaceId: item.workspace_id, actor: SYSTEM_ACTOR, now, log: deps.log }, deps.box, item.number_id));
  const creds = await pass.creds.get(credsKey)!;
  const limit = message === item.message.message ? null : tierLimitOf(creds.messagingLimitTier);
  if (limit !== null) {
    const used = initiated.get(item.workspace_id) ?? (await messagingLimitUsed(db, item.workspace_id, now));
    initiated.set(item.workspace_id, used);
    if (used >= limit) {
      await db
        .update(outbox)
        .set({ lockedUntil: new Date(now.getTime() + LIMIT_RETRY_MS), attempts: sql`greatest(${outbox.attempts} - 1, 0)`, lastError: `waiting: the messaging limit is reached (${used} of ${limit} people outside a chat window in 24 h)` })
        .where(eq(outbox.id, item.id));
      return null;
    }
    initiated.set(item.workspace_id, used + 1);
  }
  return { item, message, creds };
}

/**
 * Books one slot per message on the number's shared schedule, then posts each at its slot. While
 * the number backs off after a 130429 the items wait (their lease is shortened, no attempt counted).
 */
async function sendPaced(deps: Deps, list: Ready[]): Promise<void> {
  const first = list[0]!;
  const slots = await bookSlots(deps.db, { numberId: first.item.number_id!, workspaceId: first.item.workspace_id, count: list.length, ratePerSecond: defaultSendRate(first.creds.throughputMps) });
  if (!slots) {
    const ids = list.map((r) => r.item.id);
    await deps.db.update(outbox).set({ lockedUntil: new Date(deps.now.getTime() + 1_000), attempts: sql`greatest(${outbox.attempts} - 1, 0)` }).where(inArray(outbox.id, ids));
    return;
  }
  // The intent rows, in one transaction before any request: after a crash no item is claimed again
  // (message_id is set) and a status webhook binds the wamid by callback data (settleInterrupted).
  // Written before the slots come, so each request leaves on its slot (a write after the wait made
  // two requests bunch into one second).
  const intents = await deps.db.transaction(async (tx) => {
    const out: { callbackData: string; messageId: string }[] = [];
    for (const { item, message } of list) {
      const callbackData = `msg:${crypto.randomUUID()}`;
      const messageId = await recordOutboundMessage(tx, { workspaceId: item.workspace_id, numberId: item.number_id!, contactId: item.contact_id, waId: item.message.wa_id, type: message.type, body: bodyOf(message), payload: { message, automated: item.kind }, wamid: null, callbackData, sentAt: deps.now, windowOpen: message === item.message.message, marketing: item.message.marketing === true });
      await tx.update(outbox).set({ messageId }).where(eq(outbox.id, item.id));
      out.push({ callbackData, messageId });
    }
    return out;
  });
  const offset = slots.dbNowMs - slots.localAtDbNowMs;
  await Promise.all(
    list.map(async (r, i) => {
      const wait = slots.startMs + i * slots.spacingMs - offset - Date.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      await sendOne(deps, r, intents[i]!);
    }),
  );
}

/**
 * Posts one message and settles it at once in its own transaction. Why not one transaction for the
 * batch: until the wamid is bound, a crash leaves the send to its status webhook (or, under
 * `resend_after_window`, to a resend); settling each at once keeps that exposure to the requests
 * actually in flight (a batch-wide settle made the crash test send 99 messages twice).
 */
async function sendOne(deps: Deps, { item, message, creds }: Ready, { callbackData, messageId }: { callbackData: string; messageId: string }): Promise<void> {
  const { db, now } = deps;
  let wamid: string;
  try {
    const res = await deps.gateway.sendMessage(creds, { to: recipientAddress(item.message.wa_id), message, callbackData });
    await db.transaction(async (tx) => {
      await settleOutboundMessage(tx, item.workspace_id, messageId, { wamid: res.wamid });
      await tx.update(outbox).set({ status: 'done', doneAt: now, lockedUntil: null, lastError: null }).where(eq(outbox.id, item.id));
      if (res.waId && res.waId !== item.message.wa_id && item.contact_id) await bindWaIds(tx, item.workspace_id, [{ contactId: item.contact_id, waId: res.waId }]);
    });
    wamid = res.wamid;
  } catch (err) {
    if (isAppError(err) && err.retry === 'uncertain') {
      // Logged without a wamid; the status webhook's callback data fills it in. Never re-sent.
      await finish(db, item.id, now, 'done', { lastError: 'outcome uncertain; waiting for the status webhook' });
      return;
    }
    const transient = isAppError(err) && (err.retry === 'transient' || err.retry === 'pacing');
    const text = safeErrorMessage(err);
    const code = isAppError(err) && typeof err.details?.code === 'number' ? err.details.code : null;
    deps.log.warn({ outboxId: item.id, kind: item.kind, attempts: item.attempts, err: { message: text } }, 'automated message failed');
    // The attempt stays in the message log as failed; a retry logs a new intent row.
    await settleOutboundMessage(db, item.workspace_id, messageId, { failedAt: now, errorCode: code });
    if (transient && item.attempts < MAX_ATTEMPTS) {
      const backoff = Math.min(5_000 * 2 ** item.attempts, 600_000) * (0.5 + Math.random());
      await db.update(outbox).set({ messageId: null, lockedUntil: new Date(now.getTime() + backoff), lastError: text }).where(eq(outbox.id, item.id));
    } else {
      await finish(db, item.id, now, 'failed', { lastError: text });
    }
    return;
  }
  // Again after commit: statuses stored while that transaction was open could not see the wamid (processPendingWebhooks).
  await reconcileMessageStatus(db, item.workspace_id, [wamid]);
}

/**
 * Items whose request may have left before their worker died (intent logged, lease passed, no
 * wamid yet). Never re-posted blindly: a status webhook with the message's callback data settles
 * the item (and binds the wamid). What happens without one follows the workspace's uncertain-send
 * policy (`settings.broadcasts.uncertain`, as for broadcasts): `never_resend` (default) settles the
 * item `done` at once and the message may be lost; `resend_after_window` waits the window, and
 * only over healthy intake (every webhook body received before the deadline processed, and the
 * window passed since this process started) queues it once more, with a new intent row.
 */
async function settleInterrupted(db: Db, now: Date, upSince: Date): Promise<void> {
  const nowIso = now.toISOString();
  const policy = sql`coalesce(w.settings -> 'broadcasts' -> 'uncertain' ->> 'policy', 'never_resend')`;
  const window = sql`make_interval(secs => coalesce((w.settings -> 'broadcasts' -> 'uncertain' ->> 'window_seconds')::int, 900))`;
  const statusCame = sql`(m.wamid is not null or exists (select 1 from message_status_events e where e.workspace_id = m.workspace_id and e.callback_data = m.callback_data))`;
  // Settled now: a status came (or the message is gone), or the policy never resends, or it was resent once already.
  await db.execute(sql`
    update outbox o set status = 'done', done_at = ${nowIso}::timestamptz, locked_until = null, last_error = 'interrupted after the request may have left; settled by its status webhook, never re-sent'
    from workspaces w
    where w.id = o.workspace_id and o.status = 'queued' and o.message_id is not null and o.locked_until < ${nowIso}::timestamptz
      and (${policy} <> 'resend_after_window' or o.message ->> 'resent_at' is not null or not exists (select 1 from messages m where m.id = o.message_id and not ${statusCame}))`);
  const resent = await queryRowsOf<{ workspace_id: string; message_id: string }>(
    db,
    sql`with due as (
          select o.id, o.message_id as old_message_id from outbox o join workspaces w on w.id = o.workspace_id join messages m on m.id = o.message_id
          where o.status = 'queued' and o.message_id is not null and o.locked_until < ${nowIso}::timestamptz and o.message ->> 'resent_at' is null
            and ${policy} = 'resend_after_window' and not ${statusCame}
            and o.locked_until + ${window} < ${nowIso}::timestamptz
            and ${upSince.toISOString()}::timestamptz + ${window} < ${nowIso}::timestamptz
            and o.locked_until + ${window} < coalesce((select min(x.received_at) from webhook_events x where x.status = 'pending' and x.last_error is null), 'infinity'::timestamptz)
          for update of o skip locked)
        update outbox o set message_id = null, locked_until = null, message = o.message || jsonb_build_object('resent_at', ${nowIso}::text),
          last_error = 'no status webhook for the interrupted send within the window; sending once more'
        from due where o.id = due.id
        returning o.workspace_id, due.old_message_id as message_id`,
  );
  // The first attempt stays in the message log, failed (it never reached Meta as far as anyone can tell).
  for (const r of resent) await settleOutboundMessage(db, r.workspace_id, r.message_id, { failedAt: now, errorCode: null });
}

async function finish(db: Db, id: string, now: Date, status: 'done' | 'skipped' | 'failed', extra: { lastError?: string } = {}): Promise<void> {
  await db.update(outbox).set({ status, doneAt: now, lockedUntil: null, ...extra }).where(eq(outbox.id, id));
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) (out.get(key(i)) ?? out.set(key(i), []).get(key(i))!).push(i);
  return out;
}

function bodyOf(m: OutboundMessage): string | null {
  if (m.type === 'text') return m.text;
  if (m.type === 'template') return `template ${m.name} (${m.language})`;
  if (m.type === 'interactive') return m.interactive.body.text;
  return null;
}
