import { hashUnit } from './random.js';
import type { SimKnobs } from './types.js';

/** A virtual WhatsApp user, derived from the seed and the wa_id alone (order of traffic does not matter). */
export interface UserProfile {
  waId: string;
  name: string;
  onWhatsapp: boolean;
  /** Phone off: messages stay at `sent`. */
  online: boolean;
  readReceipts: boolean;
  /** Multiplies read/reply/tap chances (0.5–1.5): some users are keener than others. */
  engagement: number;
}

/** What a user does with one message. */
export interface UserResponse {
  delivered: boolean;
  /** `read` arrives without a `delivered` webhook first. */
  skipDelivered: boolean;
  read: boolean;
  /** Whether the read produces a webhook (receipts on). */
  readReceipt: boolean;
  action?: UserAction;
  /** Simulated ms between reading and acting. */
  actionDelayMs: number;
}

/** A user's reaction after reading. */
export type UserAction = { kind: 'reply'; text: string } | { kind: 'tap'; buttonIndex: number } | { kind: 'stop'; text: string } | { kind: 'preference_stop' };

const FIRST = ['Ana', 'João', 'Sheena', 'Mateo', 'Zoë', 'Łukasz', 'Aisha', 'Chen', 'Priya', 'Olu', 'Sofía', 'Mark', 'Fatima', 'Jürgen', 'Amara', 'Kenji', 'Lucía', 'Noah', 'Thandiwe', 'Élodie'];
const LAST = ['Souza', 'Nelson', 'García', 'Kowalski', 'Okafor', 'Wang', 'Sharma', 'Müller', 'Haddad', 'Silva', 'Ndlovu', 'Tanaka', 'Dubois', 'Smith', 'Rossi', 'Yılmaz'];
const REPLIES = ['Thanks!', 'Ok 👍', 'Can you tell me more?', 'What time do you open?', 'Great, see you soon', 'Obrigado!', '¿Cuánto cuesta?', 'Is this still available?', 'Perfect 🙏', 'Who is this?'];
const STOP_WORDS = ['STOP', 'stop', 'Stop', 'UNSUBSCRIBE'];

const pick = <T>(list: readonly T[], u: number): T => list[Math.floor(u * list.length) % list.length]!;

/** Derives the user behind `waId` for this seed. */
export function userProfile(seed: string, waId: string, pop: SimKnobs['population']): UserProfile {
  const u = (what: string) => hashUnit(seed, 'user', waId, what);
  const flagged = pop.notOnWhatsappNumbers.includes(waId) || pop.notOnWhatsappPrefixes.some((p) => p !== '' && waId.startsWith(p));
  return {
    waId,
    name: `${pick(FIRST, u('first'))} ${pick(LAST, u('last'))}`,
    onWhatsapp: !flagged && u('on-whatsapp') >= pop.notOnWhatsappRate,
    online: u('online') >= pop.offlineRate,
    readReceipts: u('receipts') >= pop.readReceiptsOffRate,
    engagement: 0.5 + u('engagement'),
  };
}

/** What the message carries that a user could tap. */
export interface Tappable {
  buttonCount: number;
  isMarketing: boolean;
}

/**
 * Decides, from the seed, the user and the user's message number `index`, what happens to one
 * message: delivered or not, read or not (with or without receipt), then maybe an action.
 */
export function decideResponse(seed: string, profile: UserProfile, index: number, pop: SimKnobs['population'], tappable: Tappable): UserResponse {
  const u = (what: string) => hashUnit(seed, 'msg', profile.waId, index, what);
  const delivered = profile.online;
  // A rate of 1 means everyone (QUIET_KNOBS relies on it); below that, keener users read more.
  const read = delivered && u('read') < (pop.readRate >= 1 ? 1 : Math.min(1, pop.readRate * profile.engagement));
  const response: UserResponse = {
    delivered,
    read,
    readReceipt: read && profile.readReceipts,
    skipDelivered: read && profile.readReceipts && u('skip-delivered') < pop.skipDeliveredRate,
    actionDelayMs: pop.actionDelayMs * (0.5 + u('action-delay')),
  };
  if (!read) return response;
  const a = u('action');
  const e = profile.engagement;
  const stop = pop.stopRate;
  const prefStop = tappable.isMarketing ? pop.preferenceStopRate : 0;
  const tap = tappable.buttonCount > 0 ? Math.min(1, pop.tapButtonRate * e) : 0;
  const reply = Math.min(1, pop.replyRate * e);
  if (a < stop) response.action = { kind: 'stop', text: pick(STOP_WORDS, u('stop-word')) };
  else if (a < stop + prefStop) response.action = { kind: 'preference_stop' };
  else if (a < stop + prefStop + tap) response.action = { kind: 'tap', buttonIndex: Math.floor(u('button') * tappable.buttonCount) };
  else if (a < stop + prefStop + tap + reply) response.action = { kind: 'reply', text: pick(REPLIES, u('reply-text')) };
  return response;
}
