import { formatCount, reasonLabel } from './broadcast-format';
import { BroadcastConversions } from './broadcast-conversions';
import { BroadcastWaiting } from './broadcast-waiting';
import type { Broadcast, BroadcastCounts } from './broadcasts-api';

const COUNTS: { key: keyof BroadcastCounts; label: string }[] = [
  { key: 'planned', label: 'Planned' },
  { key: 'queued', label: 'Waiting' },
  { key: 'sending', label: 'Sending' },
  { key: 'sent', label: 'Sent' },
  { key: 'delivered', label: 'Delivered' },
  { key: 'read', label: 'Read' },
  { key: 'replied', label: 'Replied' },
  { key: 'clicked', label: 'Clicked' },
  { key: 'opted_out', label: 'Opted out' },
  { key: 'skipped', label: 'Skipped' },
  { key: 'failed', label: 'Failed' },
  { key: 'uncertain', label: 'Uncertain' },
  { key: 'cancelled', label: 'Cancelled' },
  { key: 'excluded', label: 'Left out at start' },
];

/** Every count of a broadcast, until when the waiting ones wait, then the ones left out at start and skipped by reason, and the failed ones by error code. */
export function BroadcastCountsView({ broadcast: b }: { broadcast: Broadcast }) {
  const order = ['excluded', 'no_consent', 'consent_withdrawn', 'unreachable'];
  const excluded = Object.entries(b.excluded_by_reason ?? {}).sort(([a], [z]) => order.indexOf(a) - order.indexOf(z));
  const skipped = Object.entries(b.skipped_by_reason);
  const failed = Object.entries(b.failed_by_code);
  return (
    <>
      <dl className="counts" aria-label="Counts">
        {COUNTS.map((c) => (
          <div key={c.key} className={b.counts[c.key] === 0 ? 'zero' : undefined}>
            <dt>{c.label}</dt>
            <dd data-testid={`count-${c.key}`}>{formatCount(b.counts[c.key])}</dd>
          </div>
        ))}
      </dl>
      <BroadcastConversions broadcast={b} />
      <BroadcastWaiting broadcast={b} />
      {excluded.length > 0 && (
        <p className="small" data-testid="excluded-by-reason">
          <strong>Left out at start:</strong> {excluded.map(([reason, n]) => `${reasonLabel(reason)} (${formatCount(n)})`).join(', ')}
        </p>
      )}
      {skipped.length > 0 && (
        <p className="small" data-testid="skipped-by-reason">
          <strong>Skipped:</strong> {skipped.map(([reason, n]) => `${reason} (${formatCount(n)})`).join(', ')}
        </p>
      )}
      {failed.length > 0 && (
        <p className="small" data-testid="failed-by-code">
          <strong>Failed:</strong> {failed.map(([code, n]) => `error ${code === '0' ? 'unknown' : code} (${formatCount(n)})`).join(', ')}
        </p>
      )}
    </>
  );
}
