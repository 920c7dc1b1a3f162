// Replies from the inbox: a free-form message inside the person's 24-hour window (messaging's
// one-to-one send), or an approved template at any time through the transactional path, where the
// send gate checks consent for the template's topic (marketing only to people with marketing consent).
import type { SecretBox } from '../../lib/secrets.js';
import type { Ctx } from '../context.js';
import { deliverConversationSend, prepareConversationSend, type WhatsAppGateway } from '../messaging/index.js';
import { deliverTransactionalSend, prepareTransactionalSend } from '../transactional/index.js';
import { previewOf } from './conversations.rules.js';
import { replyIn } from './conversations.schemas.js';
import { conversationTarget, noteAgentReply } from './conversations.service.js';

/** What a reply's first half committed: how to send it, and what to answer on a replay. */
export interface PreparedReply {
  kind: 'session' | 'template';
  send: unknown;
  out: { id: string; status: string };
}

/** Checks and records a reply (in the caller's transaction, with its audit row), before WhatsApp is called. */
export async function prepareReply(ctx: Ctx, conversationId: string, input: unknown): Promise<PreparedReply> {
  const data = replyIn.parse(input);
  const { contactId, numberId } = await conversationTarget(ctx, conversationId);
  if (data.type === 'template') {
    const p = await prepareTransactionalSend(ctx, { contact_id: contactId, number_id: numberId, template: data.template, topic: data.topic });
    await noteAgentReply(ctx, conversationId, `[template] ${data.template.name}`);
    return { kind: 'template', send: p, out: { id: p.messageId, status: 'pending' } };
  }
  const p = await prepareConversationSend(ctx, contactId, { ...data, number_id: numberId });
  await noteAgentReply(ctx, conversationId, previewOf(p.message.type, p.out.text));
  return { kind: 'session', send: p, out: { id: p.messageId, status: 'pending' } };
}

/** Calls the Cloud API for a prepared reply (outside any transaction); uncertain sends stay pending, never re-posted. */
export async function deliverReply(ctx: Ctx, deps: { box: SecretBox; gateway: WhatsAppGateway }, p: PreparedReply): Promise<{ id: string; status: string }> {
  if (p.kind === 'template') {
    const out = await deliverTransactionalSend(ctx, deps, p.send as Parameters<typeof deliverTransactionalSend>[2]);
    return { id: out.id, status: out.status };
  }
  const out = await deliverConversationSend(ctx, deps, p.send as Parameters<typeof deliverConversationSend>[2]);
  return { id: out.id, status: out.status };
}
