import { and, eq, sql } from 'drizzle-orm';
import { recipientAddress } from '../../lib/phone/index.js';
import { isAppError } from '../../lib/errors.js';
import { safeErrorMessage } from '../../lib/redact.js';
import type { SecretBox } from '../../lib/secrets.js';
import { SYSTEM_ACTOR, type Db, type Log } from '../context.js';
import { bindWaIds } from '../contacts/index.js';
import { credentialsFor } from '../numbers/index.js';
import { queryRowsOf } from '../sql.js';
import type { OutboundMessage, WhatsAppGateway } from './messaging.gateway.js';
import { isWindowOpen } from './messaging.rules.js';
import { recordOutboundMessage, touchServiceWindow } from './messaging.service.js';
import { outbox, serviceWindows } from './messaging.tables.js';

/** An automated message to queue. */
export interface AutomatedMessage {
  workspaceId: string;
  numberId: string;
  contactId: string;
  waId: string;
  /** stop_confirmation, start_confirmation, welcome, optin_confirmation, opt_out_reason… */
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
        message: { wa_id: m.waId, message: m.message, ...(m.template ? { template: m.template } : {}), ...(m.inboundAt ? { inbound_at: m.inboundAt.toISOString() } : {}) },
        createdAt: now,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: outbox.id });
  const opened = items.filter((m) => m.inboundAt);
  for (const m of opened) await touchServiceWindow(db, { workspaceId: m.workspaceId, numberId: m.numberId, waId: m.waId, at: m.inboundAt! });
  return rows.length;
}

interface Claimed {
  id: string;
  workspace_id: string;
  number_id: string | null;
  contact_id: string | null;
  kind: string;
  message: { wa_id: string; message: OutboundMessage; template?: OutboundMessage; inbound_at?: string };
  attempts: number;
}

const MAX_ATTEMPTS = 6;

/**
 * Sends queued automated messages: claims a batch with a lease (SKIP LOCKED, so several workers
 * share the queue and a crashed worker's batch comes back), picks free-form or template by the
 * 24 h window, and records each send in the message log. A request that may have reached Meta is
 * marked done and never re-posted: its status webhook settles it through the callback data.
 */
export async function sendQueuedAutomated(deps: { db: Db; box: SecretBox; gateway: WhatsAppGateway; log: Log; now: Date }, limit = 50, leaseMs = 60_000): Promise<number> {
  const { db, now } = deps;
  const claimed = await queryRowsOf<Claimed>(
    db,
    sql`update outbox set locked_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz, attempts = attempts + 1
        where id in (select id from outbox where status = 'queued' and (locked_until is null or locked_until < ${now.toISOString()}::timestamptz)
                     order by created_at limit ${limit} for update skip locked)
        returning id, workspace_id, number_id, contact_id, kind, message, attempts`,
  );
  for (const item of claimed) await sendOne(deps, item);
  return claimed.length;
}

async function sendOne(deps: { db: Db; box: SecretBox; gateway: WhatsAppGateway; log: Log; now: Date }, item: Claimed): Promise<void> {
  const { db, now } = deps;
  const finish = (status: 'done' | 'skipped' | 'failed', extra: { messageId?: string; lastError?: string } = {}) =>
    db.update(outbox).set({ status, doneAt: now, lockedUntil: null, ...extra }).where(eq(outbox.id, item.id));
  if (!item.number_id) return void (await finish('skipped', { lastError: 'the business number was disconnected' }));
  const [win] = await db.select().from(serviceWindows).where(and(eq(serviceWindows.numberId, item.number_id), eq(serviceWindows.waId, item.message.wa_id)));
  // The window as recorded, or as opened by the message this reply answers (whichever is later).
  const causedAt = item.message.inbound_at ? new Date(item.message.inbound_at) : undefined;
  const lastInbound = win?.lastInboundAt && causedAt ? (win.lastInboundAt > causedAt ? win.lastInboundAt : causedAt) : (win?.lastInboundAt ?? causedAt);
  const open = isWindowOpen(lastInbound, now);
  const message = open ? item.message.message : item.message.template;
  if (!message) return void (await finish('skipped', { lastError: 'the 24-hour window is closed and no template is configured' }));
  const ctx = { db, workspaceId: item.workspace_id, actor: SYSTEM_ACTOR, now, log: deps.log };
  const messageId = crypto.randomUUID();
  const callbackData = `msg:${messageId}`;
  try {
    const creds = await credentialsFor(ctx, deps.box, item.number_id);
    const res = await deps.gateway.sendMessage(creds, { to: recipientAddress(item.message.wa_id), message, callbackData });
    await db.transaction(async (tx) => {
      await recordOutboundMessage(tx, { workspaceId: item.workspace_id, numberId: item.number_id!, contactId: item.contact_id, waId: item.message.wa_id, type: message.type, body: bodyOf(message), payload: { message, automated: item.kind }, wamid: res.wamid, callbackData, sentAt: now });
      await tx.update(outbox).set({ status: 'done', doneAt: now, lockedUntil: null, messageId }).where(eq(outbox.id, item.id));
      if (res.waId && res.waId !== item.message.wa_id && item.contact_id) await bindWaIds(tx, item.workspace_id, [{ contactId: item.contact_id, waId: res.waId }]);
    });
  } catch (err) {
    if (isAppError(err) && err.retry === 'uncertain') {
      // Logged without a wamid; the status webhook's callback data fills it in. Never re-sent.
      await db.transaction(async (tx) => {
        await recordOutboundMessage(tx, { workspaceId: item.workspace_id, numberId: item.number_id!, contactId: item.contact_id, waId: item.message.wa_id, type: message.type, body: bodyOf(message), payload: { message, automated: item.kind }, wamid: null, callbackData, sentAt: now });
        await tx.update(outbox).set({ status: 'done', doneAt: now, lockedUntil: null, messageId, lastError: 'outcome uncertain; waiting for the status webhook' }).where(eq(outbox.id, item.id));
      });
      return;
    }
    const transient = isAppError(err) && (err.retry === 'transient' || err.retry === 'pacing');
    const message_ = safeErrorMessage(err);
    deps.log.warn({ outboxId: item.id, kind: item.kind, attempts: item.attempts, err: { message: message_ } }, 'automated message failed');
    if (transient && item.attempts < MAX_ATTEMPTS) {
      const backoff = Math.min(5_000 * 2 ** item.attempts, 600_000) * (0.5 + Math.random());
      await db.update(outbox).set({ lockedUntil: new Date(now.getTime() + backoff), lastError: message_ }).where(eq(outbox.id, item.id));
    } else {
      await finish('failed', { lastError: message_ });
    }
  }
}

function bodyOf(m: OutboundMessage): string | null {
  if (m.type === 'text') return m.text;
  if (m.type === 'template') return `template ${m.name} (${m.language})`;
  if (m.type === 'interactive') return m.interactive.body.text;
  return null;
}
