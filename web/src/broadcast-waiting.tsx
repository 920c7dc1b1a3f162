import { formatCount } from './broadcast-format';
import type { Broadcast } from './broadcasts-api';
import { formatInstant } from './overview-format';
import { useWorkspaceZone } from './use-workspace-zone';

/** Why a queued recipient waits, in words (the API's `next_attempt_reason`). */
export function waitReasonLabel(reason: string | null): string {
  if (reason === null) return 'its turn at the broadcast’s pace or schedule';
  if (reason === 'deferred: quiet hours') return 'quiet hours in the recipient’s time zone';
  if (reason === 'deferred: frequency cap') return 'the marketing frequency cap';
  if (reason === 'deferred: messaged in the last 6 s') return 'pacing: the person was messaged seconds ago';
  if (reason.includes('131056')) return 'WhatsApp’s limit on messages to one person (131056)';
  if (reason.startsWith('retrying: ')) return `a retry after a temporary error (${reason.slice('retrying: '.length)})`;
  if (reason.startsWith('resent: ')) return 'a resend of a failed message';
  return reason;
}

/** A wait's reason in a word or two, for the recipients table ("quiet hours", "frequency cap", …). */
export function waitReasonShort(reason: string | null): string {
  if (reason === null) return 'pacing';
  if (reason === 'deferred: quiet hours') return 'quiet hours';
  if (reason === 'deferred: frequency cap') return 'frequency cap';
  if (reason === 'deferred: messaged in the last 6 s') return 'pacing';
  if (reason.includes('131056')) return 'pair limit (131056)';
  if (reason.startsWith('retrying: ')) return 'retry';
  if (reason.startsWith('resent: ')) return 'resend';
  return reason;
}

/** "4 waiting until 8 Dec 2026, 08:00 (Africa/Lagos): quiet hours …" under the counts while recipients wait; nothing when none does. */
export function BroadcastWaiting({ broadcast: b, now = Date.now() }: { broadcast: Broadcast; now?: number }) {
  const timeZone = useWorkspaceZone();
  const n = b.counts.queued;
  if (n === 0 || !timeZone) return null;
  const waiting = `${formatCount(n)} waiting`;
  let text: string;
  const heldForWinner = b.ab_test && (b.ab_test.status === 'testing' || b.ab_test.status === 'waiting_for_pick');
  if (b.status === 'paused') text = `${waiting} until the broadcast is resumed.`;
  else if (heldForWinner && !b.next_attempt_at) text = `${waiting} for the A/B test winner (the rest of the audience).`;
  else if (!b.next_attempt_at || new Date(b.next_attempt_at).getTime() <= now) text = `${waiting}: being sent now, as fast as the number’s pace allows.`;
  else text = `${waiting} until ${formatInstant(b.next_attempt_at, timeZone)} (${timeZone}), the earliest next attempt: ${waitReasonLabel(b.next_attempt_reason)}.`;
  return (
    <p className="small notice-line" data-testid="waiting-until">
      {text}
    </p>
  );
}
