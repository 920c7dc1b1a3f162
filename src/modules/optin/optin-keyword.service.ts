import type { Db } from '../context.js';

/** An inbound text message, as the keyword handlers see it. */
export interface InboundKeywordContext {
  workspaceId: string;
  numberId: string;
  contactId: string;
  waId: string;
  wamid: string;
  text: string | null;
  /** Quick-reply payload or interactive reply id. */
  replyId: string | null;
  at: Date;
  now: Date;
}

/**
 * Handles an inbound message that may be an opt-in keyword (a source's keyword from a click-to-chat
 * link or QR code, or the confirmation of a hosted-form submission). Runs in the webhook processing
 * transaction; idempotent per wamid. Returns true when the message was an opt-in.
 */
export async function applyOptinKeyword(_db: Db, _m: InboundKeywordContext): Promise<boolean> {
  return false;
}
