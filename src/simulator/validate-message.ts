import { GraphError, invalidParam, missingParam } from './graph-errors.js';
import { isBsuid, phoneDigits } from './normalize.js';

/** Message types `POST /messages` accepts (the OpenAPI `Message` discriminator). */
export type MessageType = 'text' | 'image' | 'video' | 'audio' | 'document' | 'sticker' | 'location' | 'contacts' | 'interactive' | 'template' | 'reaction';

const TYPES = new Set<string>(['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'interactive', 'template', 'reaction']);
const MEDIA = new Set<string>(['image', 'video', 'audio', 'document', 'sticker']);
const INTERACTIVE = new Set<string>(['button', 'list', 'cta_url', 'flow', 'product', 'product_list', 'catalog_message', 'call_permission_request', 'location_request_message']);

/** A reply option the user could pick on an interactive message. */
export interface ReplyOption {
  id: string;
  title: string;
  description?: string;
}

/** A validated send (template parameters are checked later against the store). */
export interface ParsedSend {
  /** `to` as sent, or the `recipient` BSUID. */
  to: string;
  /** Digits of a phone `to`; absent for a send by BSUID. */
  digits?: string;
  /** The BSUID of a send by `recipient` (used only when `to` is absent: `to` takes precedence). */
  userId?: string;
  type: MessageType;
  callbackData?: string;
  contextId?: string;
  media?: { kind: string; id?: string; link?: string };
  interactiveKind?: string;
  options?: ReplyOption[];
  template?: unknown;
  /** Reactions: the wamid reacted to. */
  reactionTo?: string;
  /** The body as received (kept for the sent log). */
  raw?: Record<string, unknown>;
}

/** A validated `/messages` request: a send, or marking an inbound message read. */
export type ParsedRequest = { kind: 'read'; messageId: string; typing: boolean } | { kind: 'send'; send: ParsedSend };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function maxLen(v: unknown, max: number, path: string, required = false): void {
  if (v === undefined) {
    if (required) throw missingParam(path);
    return;
  }
  if (typeof v !== 'string') throw invalidParam(`${path} must be a string.`);
  if (required && v === '') throw missingParam(path);
  if (v.length > max) throw invalidParam(`${path} is limited to ${max} characters (got ${v.length}).`);
}

/** Validates a `/messages` body like the Cloud API (codes 100, 131008, 131009). */
export function parseMessagesRequest(body: unknown): ParsedRequest {
  if (!isObj(body)) throw new GraphError(100, { details: 'The request body must be a JSON object.' });
  if (body.messaging_product === undefined) throw new GraphError(100, { message: '(#100) The parameter messaging_product is required.' });
  if (body.messaging_product !== 'whatsapp') throw new GraphError(100, { message: `(#100) Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".` });
  if (body.status !== undefined) return parseRead(body);
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    throw new GraphError(100, { details: body.recipient_type === 'group' ? 'Group messaging is not enabled for this phone number.' : 'recipient_type must be individual or group.' });
  }
  const address = recipientOf(body);
  const type = body.type === undefined ? 'text' : body.type;
  if (typeof type !== 'string' || !TYPES.has(type)) throw new GraphError(100, { message: `(#100) Param type must be one of {${[...TYPES].join(', ').toUpperCase()}} - got "${String(type)}".` });
  maxLen(body.biz_opaque_callback_data, 512, 'biz_opaque_callback_data');
  if (body.context !== undefined && (!isObj(body.context) || typeof body.context.message_id !== 'string')) throw invalidParam('context.message_id must be a message id string.');
  const send: ParsedSend = {
    raw: body,
    ...address,
    type: type as MessageType,
    ...(typeof body.biz_opaque_callback_data === 'string' ? { callbackData: body.biz_opaque_callback_data } : {}),
    ...(isObj(body.context) ? { contextId: String(body.context.message_id) } : {}),
  };
  const content = body[type];
  if (content === undefined) throw missingParam(type);
  if (type === 'contacts') {
    checkContacts(content);
    return { kind: 'send', send };
  }
  if (!isObj(content)) throw invalidParam(`${type} must be an object.`);
  if (type === 'text') checkText(content);
  else if (MEDIA.has(type)) send.media = checkMedia(type, content);
  else if (type === 'interactive') Object.assign(send, checkInteractive(content));
  else if (type === 'location') checkLocation(content);
  else if (type === 'reaction') send.reactionTo = checkReaction(content);
  else if (type === 'template') send.template = content;
  return { kind: 'send', send };
}

// Meta: `to` (phone) or `recipient` (BSUID or parent BSUID); with both, `to` wins.
function recipientOf(body: Obj): { to: string; digits: string } | { to: string; userId: string } {
  if (body.to !== undefined && body.to !== '') {
    if (typeof body.to !== 'string') throw invalidParam('to must be a string.');
    const digits = phoneDigits(body.to);
    if (!digits) throw new GraphError(100, { details: `Invalid recipient phone number: ${body.to}` });
    return { to: body.to, digits };
  }
  if (body.recipient === undefined || body.recipient === '') throw new GraphError(100, { message: '(#100) The parameter to is required.', details: 'Give to (a phone number) or recipient (a business-scoped user id).' });
  if (typeof body.recipient !== 'string' || !isBsuid(body.recipient)) {
    throw new GraphError(100, { details: `Invalid recipient: ${String(body.recipient)}. recipient must be a business-scoped user id such as US.13491208655302741918.` });
  }
  return { to: body.recipient, userId: body.recipient };
}

function parseRead(body: Obj): ParsedRequest {
  if (body.status !== 'read') throw new GraphError(100, { details: 'status must be "read".' });
  if (typeof body.message_id !== 'string' || body.message_id === '') throw missingParam('message_id');
  if (!body.message_id.startsWith('wamid.')) throw new GraphError(100, { details: `Invalid message_id: ${body.message_id}` });
  const typing = body.typing_indicator;
  if (typing !== undefined && (!isObj(typing) || typing.type !== 'text')) throw invalidParam('typing_indicator.type must be "text".');
  return { kind: 'read', messageId: body.message_id, typing: typing !== undefined };
}

function checkText(c: Obj): void {
  maxLen(c.body, 4096, 'text.body', true);
  if (c.preview_url !== undefined && typeof c.preview_url !== 'boolean') throw invalidParam('text.preview_url must be a boolean.');
}

function checkMedia(kind: string, c: Obj): { kind: string; id?: string; link?: string } {
  const hasId = c.id !== undefined;
  const hasLink = c.link !== undefined;
  if (hasId && hasLink) throw invalidParam(`${kind}: specify either id or link, not both.`);
  if (!hasId && !hasLink) throw missingParam(`${kind}.id or ${kind}.link`);
  if (hasId && (typeof c.id !== 'string' || !/^\d+$/.test(c.id))) throw invalidParam(`${kind}.id must be a media id.`);
  if (hasLink) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(String(c.link)).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw invalidParam(`${kind}.link must be an http(s) URL.`);
  }
  if (c.caption !== undefined && (kind === 'audio' || kind === 'sticker')) throw invalidParam(`${kind} messages cannot have a caption.`);
  maxLen(c.caption, 1024, `${kind}.caption`);
  if (c.filename !== undefined && kind !== 'document') throw invalidParam('filename is only allowed for documents.');
  return { kind, ...(hasId ? { id: String(c.id) } : { link: String(c.link) }) };
}

function checkInteractive(c: Obj): { interactiveKind: string; options?: ReplyOption[] } {
  if (typeof c.type !== 'string') throw missingParam('interactive.type');
  if (!INTERACTIVE.has(c.type)) throw invalidParam(`interactive.type must be one of ${[...INTERACTIVE].join(', ')}.`);
  const header = c.header;
  if (header !== undefined) {
    if (!isObj(header) || typeof header.type !== 'string') throw missingParam('interactive.header.type');
    if (c.type === 'list' && header.type !== 'text') throw invalidParam('A list message header must be text.');
    if (header.type === 'text') maxLen(header.text, 60, 'interactive.header.text', true);
  }
  const needsBody = c.type !== 'product';
  if (needsBody && !isObj(c.body)) throw missingParam('interactive.body');
  if (isObj(c.body)) maxLen(c.body.text, 1024, 'interactive.body.text', true);
  if (c.footer !== undefined) maxLen(isObj(c.footer) ? c.footer.text : undefined, 60, 'interactive.footer.text', true);
  if (!isObj(c.action)) throw missingParam('interactive.action');
  if (c.type === 'button') return { interactiveKind: 'button', options: checkButtons(c.action) };
  if (c.type === 'list') return { interactiveKind: 'list', options: checkList(c.action) };
  if (c.type === 'cta_url') {
    const p = c.action.parameters;
    if (!isObj(p)) throw missingParam('interactive.action.parameters');
    maxLen(p.display_text, 20, 'interactive.action.parameters.display_text', true);
    maxLen(p.url, 2000, 'interactive.action.parameters.url', true);
  }
  return { interactiveKind: c.type };
}

function checkButtons(action: Obj): ReplyOption[] {
  const buttons = action.buttons;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) throw invalidParam('interactive.action.buttons must have 1 to 3 buttons.');
  const titles = new Set<string>();
  return buttons.map((b: unknown, i) => {
    const reply = isObj(b) && b.type === 'reply' && isObj(b.reply) ? b.reply : undefined;
    if (!reply) throw missingParam(`interactive.action.buttons[${i}].reply`);
    maxLen(reply.id, 256, `buttons[${i}].reply.id`, true);
    maxLen(reply.title, 20, `buttons[${i}].reply.title`, true);
    if (titles.has(String(reply.title))) throw invalidParam('Button titles must be unique.');
    titles.add(String(reply.title));
    return { id: String(reply.id), title: String(reply.title) };
  });
}

function checkList(action: Obj): ReplyOption[] {
  maxLen(action.button, 20, 'interactive.action.button', true);
  const sections = action.sections;
  if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10) throw invalidParam('interactive.action.sections must have 1 to 10 sections.');
  const rows: ReplyOption[] = [];
  sections.forEach((s: unknown, i) => {
    if (!isObj(s) || !Array.isArray(s.rows) || s.rows.length === 0) throw missingParam(`interactive.action.sections[${i}].rows`);
    maxLen(s.title, 24, `sections[${i}].title`, sections.length > 1);
    for (const [j, r] of (s.rows as unknown[]).entries()) {
      if (!isObj(r)) throw missingParam(`sections[${i}].rows[${j}]`);
      maxLen(r.id, 200, `sections[${i}].rows[${j}].id`, true);
      maxLen(r.title, 24, `sections[${i}].rows[${j}].title`, true);
      maxLen(r.description, 72, `sections[${i}].rows[${j}].description`);
      rows.push({ id: String(r.id), title: String(r.title), ...(typeof r.description === 'string' ? { description: r.description } : {}) });
    }
  });
  if (rows.length > 10) throw invalidParam(`A list can have at most 10 rows in total (got ${rows.length}).`);
  return rows;
}

function checkLocation(c: Obj): void {
  for (const [k, limit] of [['latitude', 90], ['longitude', 180]] as const) {
    if (c[k] === undefined) throw missingParam(`location.${k}`);
    const v = Number(c[k]);
    if (!Number.isFinite(v) || Math.abs(v) > limit) throw invalidParam(`location.${k} must be a number within ±${limit}.`);
  }
}

function checkReaction(c: Obj): string {
  if (typeof c.message_id !== 'string' || c.message_id === '') throw missingParam('reaction.message_id');
  if (c.emoji === undefined) throw missingParam('reaction.emoji');
  if (typeof c.emoji !== 'string' || [...c.emoji].length > 10) throw invalidParam('reaction.emoji must be a single emoji (or "" to remove).');
  return c.message_id;
}

function checkContacts(c: unknown): void {
  if (!Array.isArray(c) || c.length === 0) throw invalidParam('contacts must be a non-empty array of contact cards.');
  c.forEach((card: unknown, i) => {
    const name = isObj(card) && isObj(card.name) ? card.name.formatted_name : undefined;
    if (typeof name !== 'string' || name === '') throw missingParam(`contacts[${i}].name.formatted_name`);
  });
}
