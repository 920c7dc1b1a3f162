// Pure rules of auto-replies: the business calendar (weekly hours in a zone, holidays, per-number
// overrides; Luxon, so DST days are read on the local wall clock) and which auto-reply, if any,
// answers one inbound message.
import { DateTime } from 'luxon';
import { DEFAULT_START_KEYWORDS, DEFAULT_STOP_KEYWORDS, normalizeKeyword } from '../consent/index.js';
import { DEFAULT_PREFERENCE_KEYWORDS } from '../preferences/index.js';

/** Weekdays as the calendar names them, Monday first (Luxon's weekday 1…7). */
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];

/** One opening interval, local "HH:MM" (end may be "24:00"). */
export interface Interval {
  start: string;
  end: string;
}
/** A date with other hours: closed all day without `hours`. */
export interface Holiday {
  date: string;
  name?: string;
  hours?: Interval[];
}
/** The calendar one business number keeps (after overrides); `weekly: null` means always open. */
export interface Calendar {
  zone: string;
  weekly: Partial<Record<Day, Interval[]>> | null;
  holidays: Holiday[];
}

/**
 * Words an auto-reply never answers and a keyword reply may not use: STOP and START words (the
 * opt-out handling answers them) and the preference centre's PREFERENCES/MENU words (it answers
 * them, built apart). Normalised as `normalizeKeyword` does.
 */
// The preference centre's own built-in words, every language (one list: `preferences` module).
export const PREFERENCE_KEYWORDS: readonly string[] = Object.values(DEFAULT_PREFERENCE_KEYWORDS).flat();
export const RESERVED_KEYWORDS: ReadonlySet<string> = new Set([...Object.values(DEFAULT_STOP_KEYWORDS).flat(), ...Object.values(DEFAULT_START_KEYWORDS).flat(), ...PREFERENCE_KEYWORDS, 'stop'].map(normalizeKeyword));

/** Minutes since local midnight of "HH:MM" ("24:00" is 1440). */
export function minutesOfClock(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/**
 * Whether the business is open at an instant. The instant is read in the calendar's zone (so
 * 09:00 is 09:00 local on both sides of a DST change; on the spring-forward night the skipped
 * hour simply never happens, on the fall-back night the repeated hour is open or closed both
 * times); a holiday's hours replace the weekday's.
 */
export function isOpenAt(cal: Calendar, at: Date): boolean {
  if (!cal.weekly) return true;
  const local = DateTime.fromJSDate(at, { zone: cal.zone });
  const date = local.toISODate()!;
  const holiday = cal.holidays.find((h) => h.date === date);
  const hours = holiday ? (holiday.hours ?? []) : (cal.weekly[DAYS[local.weekday - 1]!] ?? []);
  const minutes = local.hour * 60 + local.minute;
  return hours.some((i) => minutesOfClock(i.start) <= minutes && minutes < minutesOfClock(i.end));
}

/** The kinds of auto-reply, in precedence order for one message. */
export type ReplyKind = 'faq_answer' | 'keyword' | 'faq_menu' | 'greeting' | 'away' | 'fallback';

/** What the decision knows about one inbound message. */
export interface MessageFacts {
  /** The normalised text (empty for media). */
  text: string;
  /** A tapped list row or button id. */
  replyId: string | null;
  /** No earlier inbound message from this person, ever (in the workspace). */
  isFirst: boolean;
  /** The business is open when the person wrote. */
  isOpen: boolean;
}

/** The auto-replies in effect for one business number (overrides applied). */
export interface EffectiveReplies {
  greeting: string | null;
  away: string | null;
  fallback: string | null;
  keywords: { words: Set<string>; text: string }[];
  faq: { words: Set<string>; rows: Map<string, { answer?: string; automationId?: string }>; menu: FaqMenu } | null;
}

/** The FAQ menu as the list message shows it. */
export interface FaqMenu {
  body: string;
  button: string;
  rows: { id: string; title: string; description?: string }[];
}

/** One candidate answer: the claim key (`kind` in autoreply_sent) and what to do. */
export type Candidate = { key: string; kind: ReplyKind; text?: string; automationId?: string };

/** The prefix of FAQ row ids in the list message, so a tap is told from other buttons and lists. */
export const FAQ_ROW_PREFIX = 'ar_faq:';

/**
 * The candidates for one message, best first: a FAQ row tapped > a keyword reply > the FAQ menu
 * by keyword > greeting (first message ever) > away (closed) > fallback. The caller takes the first
 * whose claim is free this window; the fallback only when nothing was sent to the person this
 * window (`anySent`), since it stands in for "nothing else answered".
 */
export function candidatesFor(m: MessageFacts, r: EffectiveReplies, anySent: boolean): Candidate[] {
  const out: Candidate[] = [];
  if (m.replyId?.startsWith(FAQ_ROW_PREFIX) && r.faq) {
    const id = m.replyId.slice(FAQ_ROW_PREFIX.length);
    const row = r.faq.rows.get(id);
    if (row) return [{ key: `faq:${id}`, kind: 'faq_answer', ...(row.answer ? { text: row.answer } : {}), ...(row.automationId ? { automationId: row.automationId } : {}) }];
  }
  if (m.text) {
    const k = r.keywords.findIndex((x) => x.words.has(m.text));
    if (k >= 0) out.push({ key: `keyword:${[...r.keywords[k]!.words][0]}`, kind: 'keyword', text: r.keywords[k]!.text });
    else if (r.faq?.words.has(m.text)) out.push({ key: 'faq_menu', kind: 'faq_menu' });
  }
  // A keyword asked for something: if it was answered this window already, the ambient replies do not step in.
  if (out.length > 0) return out;
  if (m.isFirst && r.greeting) out.push({ key: 'greeting', kind: 'greeting', text: r.greeting });
  if (!m.isOpen && r.away) out.push({ key: 'away', kind: 'away', text: r.away });
  if (m.isOpen && r.fallback && !anySent) out.push({ key: 'fallback', kind: 'fallback', text: r.fallback });
  return out;
}

/** Whether a message must get no auto-reply at all: STOP/START words and mentions, and the preference centre's words. */
export function isReservedText(normalised: string, stopWords: ReadonlySet<string>, startWords: ReadonlySet<string>): boolean {
  if (!normalised) return false;
  if (RESERVED_KEYWORDS.has(normalised) || stopWords.has(normalised) || startWords.has(normalised)) return true;
  const words = normalised.split(' ');
  // "stop offers", "please stop texting me": the opt-out handling (or a person reviewing it) answers.
  return words.length <= 12 && words.some((w) => stopWords.has(w));
}
