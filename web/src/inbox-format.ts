// How the inbox words times, the 24-hour window and message statuses.
import type { Conversation, ConversationState } from './inbox-api';

/** "5 h 12 min", "12 min", "under a minute". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", or the date for older ones. */
export function formatRelative(iso: string, now: number): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const ago = Math.max(0, now - t);
  if (ago < 60_000) return 'just now';
  if (ago < 3_600_000) return `${Math.floor(ago / 60_000)} min ago`;
  if (ago < 86_400_000) return `${Math.floor(ago / 3_600_000)} h ago`;
  if (ago < 7 * 86_400_000) return `${Math.floor(ago / 86_400_000)} d ago`;
  return new Date(t).toLocaleDateString();
}

/** Whether free-form text can be sent now (the window is open and has not run out since the answer came). */
export function windowIsOpen(w: Conversation['window'], now: number): boolean {
  return w.open && (!w.closes_at || new Date(w.closes_at).getTime() > now);
}

/** The window indicator's text. */
export function windowText(w: Conversation['window'], now: number): string {
  if (windowIsOpen(w, now)) return w.closes_at ? `Window open — closes in ${formatDuration(new Date(w.closes_at).getTime() - now)}` : 'Window open';
  if (!w.closes_at) return 'No window: they have not written yet, so only a template can be sent';
  return 'Window closed: only a template can be sent';
}

/** State labels as agents say them. */
export const STATE_LABELS: Record<ConversationState, string> = { open: 'Open', pending: 'Waiting on customer', closed: 'Closed' };

/** A message status with WhatsApp-like ticks. */
export function statusText(status: string): string {
  switch (status) {
    case 'pending':
    case 'queued':
    case 'accepted':
      return '🕓 sending';
    case 'sent':
      return '✓ sent';
    case 'delivered':
      return '✓✓ delivered';
    case 'read':
      return '✓✓ read';
    case 'failed':
      return '⚠ failed';
    default:
      return status;
  }
}

/** Who the conversation is with: the name, else the phone. */
export const contactLabel = (c: Conversation['contact']) => c.name ?? c.profile_name ?? c.phone ?? 'Unknown contact';
