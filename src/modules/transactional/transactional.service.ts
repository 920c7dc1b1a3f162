// Transactional template sends: the call a shop system or CRM makes for an order update or an
// appointment reminder. One contact, one approved template, one topic the person agreed to. The
// intent is committed before WhatsApp is called (as an agent's reply), and the send gate, the
// messaging limit and the number's shared pacing apply as to every other sender.
import { isBsuid } from '../../lib/phone/index.js';
import { AppError, isAppError } from '../../lib/errors.js';
import type { SecretBox } from '../../lib/secrets.js';
import { recordAudit } from '../audit/index.js';
import { fallbackZoneOf } from '../broadcasts/index.js';
import { topicsByKeys } from '../consent/index.js';
import { bindWaIds, findContactByPhone, getContact, type ContactOut } from '../contacts/index.js';
import type { Ctx } from '../context.js';
import { getMessage, getServiceWindow, messagingLimitRoom, reconcileMessageStatus, recordOutboundMessage, settleOutboundMessage, type MessageDetailOut, type OutboundMessage, type WhatsAppGateway } from '../messaging/index.js';
import { credentialsFor, getNumber, listNumbers } from '../numbers/index.js';
import { defaultSendRate, gateVerdicts, marketingPolicyFrom, tierLimitOf, waitForSendSlot } from '../sending/index.js';
import { assertVariableMap, compileTemplate, findSendableTemplate, templateDefOf, type VariableMap } from '../templates/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { gateRefusal, secondsUntil, templateTopicRefusal } from './transactional.rules.js';
import { transactionalSendIn, type TransactionalSendIn } from './transactional.schemas.js';

/** A transactional send whose intent row is committed; `deliverTransactionalSend` makes the call. */
export interface PreparedTransactionalSend {
  messageId: string;
  numberId: string;
  contactId: string;
  /** The address the message log and service windows key the person by (wa_id, or BSUID). */
  waId: string;
  /** The Cloud API recipient (E.164, or the BSUID). */
  to: string;
  message: OutboundMessage;
  out: MessageDetailOut;
}

async function recipientOf(ctx: Ctx, d: TransactionalSendIn): Promise<ContactOut> {
  if (d.contact_id) return getContact(ctx, d.contact_id);
  const found = await findContactByPhone(ctx, d.phone!);
  // Consent lives on contacts: a number with no contact has never agreed to anything.
  if (!found) throw new AppError('NOT_FOUND', 'phone: no contact with this number in the workspace; create the contact and record their consent first', { field: 'phone' });
  return found;
}

async function senderNumberOf(ctx: Ctx, numberId: string | undefined): Promise<{ id: string; tier: string }> {
  if (numberId) {
    const n = await getNumber(ctx, numberId).catch((err: unknown) => {
      if (isAppError(err, 'NOT_FOUND')) throw new AppError('VALIDATION_FAILED', 'number_id: no such business number in this workspace', { fields: [{ field: 'number_id', message: 'pick a connected number (GET /api/v1/phone-numbers)' }] });
      throw err;
    });
    return { id: n.id, tier: n.messaging_limit_tier };
  }
  const page = await listNumbers(ctx, { limit: 2 });
  if (page.data.length !== 1) {
    throw new AppError('VALIDATION_FAILED', `number_id: this workspace has ${page.data.length === 0 ? 'no' : 'several'} business numbers; say which one sends`, {
      fields: [{ field: 'number_id', message: 'pick a connected number (GET /api/v1/phone-numbers)' }],
    });
  }
  return { id: page.data[0]!.id, tier: page.data[0]!.messaging_limit_tier };
}

/**
 * Checks a transactional send and records its intent in the caller's transaction: the contact,
 * number, topic and approved template; the template's category against the topic's; the variables;
 * the send gate at this moment (consent for the topic, suppression, reachability, and for marketing
 * quiet hours and the frequency cap); and, outside a customer service window, the messaging limit.
 * Any refusal throws and nothing is written. The message row (no wamid yet, callback data
 * `msg:<id>`, `marketing` set so the cap counts it) and its audit row commit before the call.
 */
export async function prepareTransactionalSend(ctx: Ctx, input: unknown): Promise<PreparedTransactionalSend> {
  const d = transactionalSendIn.parse(input);
  const contact = await recipientOf(ctx, d);
  const number = await senderNumberOf(ctx, d.number_id);
  const [topic] = await topicsByKeys(ctx.db, ctx.workspaceId, [d.topic], 'topic');
  const tpl = await findSendableTemplate(ctx, { name: d.template.name, language: d.template.language, numberId: number.id });
  const mismatch = templateTopicRefusal(tpl.category, topic!);
  if (mismatch) throw mismatch;
  const def = templateDefOf(tpl);
  const vars = (d.template.variables ?? {}) as VariableMap;
  assertVariableMap(def, vars);
  const rendered = compileTemplate(def, vars)({ name: contact.name, profile_name: contact.profile_name, phone: contact.phone ?? '', country: contact.country, language: contact.language, attributes: contact.attributes ?? {} });
  if (!rendered.ok) throw new AppError('TEMPLATE_VARIABLES_INVALID', `template.variables["${rendered.variable}"]: ${rendered.reason}`, { issues: [{ path: `template.variables["${rendered.variable}"]`, problem: rendered.reason }] });

  // The send gate, checked now (INV-CONSENT): never from what the caller believes about the person.
  const marketing = tpl.category === 'MARKETING';
  const settings = (await getWorkspaceSettings(ctx.db, ctx.workspaceId)) as { broadcasts?: Record<string, unknown> };
  const verdicts = await gateVerdicts(ctx.db, {
    workspaceId: ctx.workspaceId,
    topicId: topic!.id,
    marketing,
    contactIds: [contact.id],
    policy: marketingPolicyFrom(settings.broadcasts),
    now: ctx.now,
    fallbackTimezone: await fallbackZoneOf(ctx.db, ctx.workspaceId, {}),
  });
  const refusal = gateRefusal(verdicts.get(contact.id) ?? { kind: 'skip', reason: 'unknown_contact' }, topic!.key, ctx.now);
  if (refusal) throw refusal;

  const address = contact.phone ?? contact.user_id!;
  const waId = contact.wa_id ?? (isBsuid(address) ? address : address.slice(1));
  // Outside a customer service window the message is business-initiated: it counts against the
  // messaging limit (unique people per moving 24 h, per portfolio), and Meta fails it past the limit.
  const { open: windowOpen } = await getServiceWindow(ctx.db, number.id, waId, ctx.now);
  if (!windowOpen) await assertMessagingLimitRoom(ctx, number.tier, waId);

  const messageId = crypto.randomUUID();
  await recordOutboundMessage(ctx.db, {
    id: messageId,
    workspaceId: ctx.workspaceId,
    numberId: number.id,
    contactId: contact.id,
    waId,
    type: 'template',
    body: rendered.text,
    payload: { message: rendered.message, sent_by: ctx.actor, topic: topic!.key, transactional: true },
    wamid: null,
    callbackData: `msg:${messageId}`,
    sentAt: ctx.now,
    marketing,
    windowOpen,
  });
  await recordAudit(ctx, { action: 'message.template_sent', targetType: 'contact', targetId: contact.id, details: { message_id: messageId, template: tpl.name, language: tpl.language, topic: topic!.key, marketing } });
  return { messageId, numberId: number.id, contactId: contact.id, waId, to: address, message: rendered.message, out: await getMessage(ctx, messageId) };
}

async function assertMessagingLimitRoom(ctx: Ctx, tier: string, waId: string): Promise<void> {
  const limit = tierLimitOf(tier);
  if (limit === null) return;
  const room = await messagingLimitRoom(ctx.db, ctx.workspaceId, waId, ctx.now);
  if (room.counted || room.used < limit) return;
  const resets = room.freesAt ?? new Date(ctx.now.getTime() + 24 * 3_600_000);
  throw new AppError(
    'MESSAGING_LIMIT_REACHED',
    `not sent: the workspace has reached ${room.used} of ${limit} people outside a chat window in the last 24 h (${tier}); room frees from ${resets.toISOString()}`,
    { tier, limit, used: room.used, resets_at: resets.toISOString(), retry_after_seconds: secondsUntil(resets, ctx.now) },
  );
}

/**
 * Makes the Cloud API call for a prepared send, outside any transaction: books a slot on the
 * number's shared schedule, posts, and settles the message (wamid, or the failure's code). If the
 * request may have reached Meta (timeout, reset, 131000) the message stays pending and is never
 * re-posted: its status webhook finds it by callback data.
 */
export async function deliverTransactionalSend(ctx: Ctx, deps: { box: SecretBox; gateway: WhatsAppGateway }, p: PreparedTransactionalSend): Promise<MessageDetailOut> {
  const creds = await credentialsFor(ctx, deps.box, p.numberId);
  let wamid: string;
  try {
    await waitForSendSlot(ctx.db, { numberId: p.numberId, workspaceId: ctx.workspaceId, ratePerSecond: defaultSendRate(creds.throughputMps) });
    const res = await deps.gateway.sendMessage(creds, { to: p.to, message: p.message, callbackData: `msg:${p.messageId}` });
    await ctx.db.transaction(async (tx) => {
      await settleOutboundMessage(tx, ctx.workspaceId, p.messageId, { wamid: res.wamid });
      // WhatsApp answers with the id it knows the person by (Brazil's 9th digit, Mexico's 521, …).
      if (res.waId && res.waId !== p.waId && !isBsuid(p.waId)) await bindWaIds(tx, ctx.workspaceId, [{ contactId: p.contactId, waId: res.waId }]);
    });
    wamid = res.wamid;
  } catch (err) {
    if (isAppError(err) && err.retry === 'uncertain') return getMessage(ctx, p.messageId);
    const metaCode = isAppError(err) ? Number(err.details?.meta_code ?? 0) || null : null;
    await settleOutboundMessage(ctx.db, ctx.workspaceId, p.messageId, { failedAt: ctx.now, errorCode: metaCode ?? 0 });
    throw err;
  }
  // Again after commit: statuses stored while that transaction was open could not see the wamid (processPendingWebhooks).
  await reconcileMessageStatus(ctx.db, ctx.workspaceId, [wamid]);
  return getMessage(ctx, p.messageId);
}

/** One message of the workspace with its delivery status (any sender's; 404 for other workspaces' ids). */
export async function getSentMessage(ctx: Ctx, id: string): Promise<MessageDetailOut> {
  return getMessage(ctx, id);
}
