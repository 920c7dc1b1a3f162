import { and, desc, eq, sql } from 'drizzle-orm';
import { recipientAddress } from '../../lib/phone/index.js';
import { AppError, isAppError } from '../../lib/errors.js';
import type { SecretBox } from '../../lib/secrets.js';
import { recordAudit } from '../audit/index.js';
import { getContact } from '../contacts/index.js';
import type { Ctx, Db } from '../context.js';
import { credentialsFor } from '../numbers/index.js';
import { defaultSendRate, waitForSendSlot } from '../sending/index.js';
import { conversationMessageIn, type ConversationMessageIn } from './conversation.schemas.js';
import type { OutboundMessage, WhatsAppGateway } from './messaging.gateway.js';
import { reconcileMessageStatus, toMessageOut, type MessageOut } from './messaging.service.js';
import { isWindowOpen, SERVICE_WINDOW_MS } from './messaging.rules.js';
import { messages, serviceWindows } from './messaging.tables.js';

function toOutbound(m: ConversationMessageIn): OutboundMessage {
  switch (m.type) {
    case 'text':
      return { type: 'text', text: m.text, ...(m.preview_url ? { previewUrl: true } : {}) };
    case 'buttons':
      return { type: 'interactive', interactive: { type: 'button', body: { text: m.text }, action: { buttons: m.buttons.map((b) => ({ type: 'reply' as const, reply: b })) } } };
    default:
      return { type: m.type, media: m.media };
  }
}

/** The intent of a send, committed before the Cloud API is called. */
export interface PreparedSend {
  messageId: string;
  numberId: string;
  to: string;
  message: OutboundMessage;
  out: MessageOut;
}

/**
 * Records the intent to reply to a contact: picks the number the contact last wrote to (or the
 * one asked for), checks the 24-hour window is open — a free-form message needs no marketing
 * consent only because the person wrote first — and stores the message as pending, with its id
 * as `biz_opaque_callback_data`. Runs in the caller's transaction with the audit row.
 */
export async function prepareConversationSend(ctx: Ctx, contactId: string, input: unknown): Promise<PreparedSend> {
  const data = conversationMessageIn.parse(input);
  const contact = await getContact(ctx, contactId);
  // The address WhatsApp knows the person by: the wa_id, or the BSUID of a user who shares no phone.
  const address = contact.wa_id ?? contact.user_id;
  if (!address) throw new AppError('WINDOW_CLOSED', 'this contact has never written to the business; a first message must be an approved template', { field: 'contact' });
  const [win] = await ctx.db
    .select()
    .from(serviceWindows)
    .where(and(eq(serviceWindows.workspaceId, ctx.workspaceId), eq(serviceWindows.waId, address), data.number_id ? eq(serviceWindows.numberId, data.number_id) : undefined))
    .orderBy(desc(serviceWindows.lastInboundAt))
    .limit(1);
  if (!win) throw new AppError('NO_PHONE_NUMBER', 'the contact has not written to this business number; choose the number they wrote to', { field: 'number_id' });
  if (!isWindowOpen(win.lastInboundAt, ctx.now)) {
    const closed = new Date(win.lastInboundAt.getTime() + SERVICE_WINDOW_MS).toISOString();
    throw new AppError('WINDOW_CLOSED', `the 24-hour window closed at ${closed}; only an approved template can reach this contact now`, { closed_at: closed });
  }
  const message = toOutbound(data);
  const body = message.type === 'text' ? message.text : message.type === 'interactive' ? message.interactive.body.text : (data as { media?: { caption?: string } }).media?.caption ?? null;
  const messageId = crypto.randomUUID();
  const [row] = await ctx.db
    .insert(messages)
    .values({ id: messageId, workspaceId: ctx.workspaceId, numberId: win.numberId, contactId, waId: address, direction: 'out', type: message.type, body, payload: { message, sent_by: ctx.actor }, callbackData: `msg:${messageId}`, sentAt: ctx.now })
    .returning();
  await recordAudit(ctx, { action: 'message.sent', targetType: 'contact', targetId: contactId, details: { message_id: messageId, type: message.type } });
  return { messageId, numberId: win.numberId, to: recipientAddress(address), message, out: toMessageOut(row!) };
}


/**
 * Calls the Cloud API for a prepared send, outside any transaction, and records the outcome.
 * If the request may have reached Meta (timeout, reset, 131000) the message stays pending: a
 * status webhook carrying its callback data will settle it, and it is never re-posted blindly.
 */
export async function deliverConversationSend(ctx: Ctx, deps: { box: SecretBox; gateway: WhatsAppGateway }, p: PreparedSend): Promise<MessageOut> {
  const creds = await credentialsFor(ctx, deps.box, p.numberId);
  try {
    await waitForSendSlot(ctx.db, { numberId: p.numberId, workspaceId: ctx.workspaceId, ratePerSecond: defaultSendRate(creds.throughputMps) });
    const res = await deps.gateway.sendMessage(creds, { to: p.to, message: p.message, callbackData: `msg:${p.messageId}` });
    const [row] = await ctx.db
      .update(messages)
      .set({ wamid: res.wamid, statusRank: sql`greatest(${messages.statusRank}, 1)` })
      .where(and(eq(messages.id, p.messageId), eq(messages.workspaceId, ctx.workspaceId)))
      .returning();
    await reconcileMessageStatus(ctx.db, ctx.workspaceId, [res.wamid]);
    return toMessageOut((await loadMessage(ctx.db, ctx.workspaceId, p.messageId)) ?? row!);
  } catch (err) {
    if (isAppError(err) && err.retry === 'uncertain') return p.out;
    const metaCode = isAppError(err) ? Number(err.details?.meta_code ?? 0) || null : null;
    await ctx.db.update(messages).set({ errorCode: metaCode ?? 0, failedAt: ctx.now }).where(and(eq(messages.id, p.messageId), eq(messages.workspaceId, ctx.workspaceId)));
    throw err;
  }
}

async function loadMessage(db: Db, workspaceId: string, id: string) {
  const [row] = await db.select().from(messages).where(and(eq(messages.id, id), eq(messages.workspaceId, workspaceId)));
  return row;
}
