// Webhook payloads normalised into what Greenlist acts on. The WhatsApp adapter produces these
// from Meta's envelope; nothing here knows the wire format.

/** A user's message to a business number. */
export interface InboundMessageEvent {
  kind: 'message';
  phoneNumberId: string;
  /**
   * The user's WhatsApp address: the wa_id (`from`), or, for a user who adopted a username and
   * shares no phone, the business-scoped user id (`from_user_id`). Message log, service windows
   * and replies all key on it.
   */
  waId: string;
  /** The business-scoped user id (`from_user_id`) when Meta sent one. */
  userId: string | null;
  profileName: string | undefined;
  wamid: string;
  at: Date;
  /** text, button, interactive, image, video, audio, document, sticker, location, reaction, request_welcome, system, unsupported, contacts, order… */
  type: string;
  /** Human-readable content: text body, button text, reply title, caption, or a short description. */
  body: string | null;
  /** Machine-readable reply: quick-reply payload or interactive reply id. */
  replyId: string | null;
  contextWamid: string | null;
  referral: Record<string, unknown> | null;
  errorCodes: number[];
  /** `system` messages: the user's new WhatsApp id after a number change. */
  newWaId: string | null;
  raw: Record<string, unknown>;
}

/** A delivery status of an outbound message. */
export interface StatusEvent {
  kind: 'status';
  phoneNumberId: string;
  wamid: string;
  status: string;
  at: Date;
  recipientWaId: string | null;
  callbackData: string | null;
  errorCodes: number[];
  pricing: Record<string, unknown> | null;
}

/** Everything else the webhook carries that Greenlist acts on. */
export type OtherEvent =
  | { kind: 'system_error'; phoneNumberId: string; errorCodes: number[] }
  | { kind: 'template_status'; wabaId: string; metaId: string; name: string; language: string; event: string; reason: string | null; category: string | null; at: Date }
  | { kind: 'template_quality'; wabaId: string; metaId: string; quality: string; at: Date }
  | { kind: 'user_preference'; phoneNumberId: string; waId: string; category: string; value: string; at: Date }
  | { kind: 'number_quality'; wabaId: string; displayNumber: string; event: string; limitTier: string | null; at: Date }
  | { kind: 'ignored'; field: string }
  /** A value the database cannot store (NUL, lone surrogate): replaced by U+FFFD where it was used, and noted on the stored body. */
  | { kind: 'undecodable'; path: string; reason: string };

/** Any normalised webhook event. */
export type WebhookEvent = InboundMessageEvent | StatusEvent | OtherEvent;

/** Turns one stored raw webhook body into events; throws when the body is not a WhatsApp webhook. */
export type WebhookParser = (raw: string) => WebhookEvent[];
