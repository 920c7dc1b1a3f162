// Pure rules of the inbox: conversation states and the list's filters. No I/O.
import { SERVICE_WINDOW_MS } from '../messaging/index.js';

/** `open`: someone should answer; `pending`: waiting on the customer; `closed`: done (a new message reopens it). */
export const CONVERSATION_STATES = ['open', 'pending', 'closed'] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];

/** What `conversation_activity` records: an agent's reply, or a close (the end of an opening). */
export const ACTIVITY_KINDS = ['reply', 'resolved'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** The list's quick filters. */
export const CONVERSATION_FILTERS = ['all', 'mine', 'unassigned', 'open', 'pending', 'closed', 'window_closing'] as const;
export type ConversationFilter = (typeof CONVERSATION_FILTERS)[number];

/** How soon a window must close for "window closing" (an hour). */
export const WINDOW_CLOSING_MS = 60 * 60_000;

/** When the person's 24-hour window closes (null: they never wrote), and whether it is open at `now`. */
export function windowOf(lastInboundAt: Date | null, now: Date): { open: boolean; closes_at: string | null } {
  if (!lastInboundAt) return { open: false, closes_at: null };
  const closes = lastInboundAt.getTime() + SERVICE_WINDOW_MS;
  return { open: closes > now.getTime(), closes_at: new Date(closes).toISOString() };
}

/** A message's one-line preview for the list. */
export function previewOf(type: string, body: string | null): string {
  const text = (body ?? '').replace(/\s+/g, ' ').trim();
  if (text) return text.length > 120 ? `${text.slice(0, 119)}…` : text;
  return `[${type}]`;
}

/**
 * The words of a search as a full-text query: each word (letters and digits) as a prefix, all of
 * them required ("parcel 77" finds "my parcel number 7731"); null when there is no word.
 */
export function wordsQuery(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  return words ? words.map((w) => `${w}:*`).join(' & ') : null;
}
