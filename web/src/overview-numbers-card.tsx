import { getNumbersHealth, type NumberHealth } from './analytics-api';
import { formatTier } from './format';
import { OverviewCard } from './overview-card';
import { formatInstant } from './overview-format';
import { useResource } from './use-resource';

const QUALITY = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;
/** What each quality rating means for the shop. */
const QUALITY_HINT: Record<string, string> = {
  GREEN: 'High quality',
  YELLOW: 'Medium quality: people are blocking or reporting; slow down',
  RED: 'Low quality: the tier may drop; pause marketing and check what you send',
  UNKNOWN: 'Not rated yet',
};

/** A quality rating as a coloured badge (GREEN, YELLOW, RED, UNKNOWN). */
export function QualityBadge({ rating }: { rating: string }) {
  const r = (QUALITY as readonly string[]).includes(rating.toUpperCase()) ? rating.toUpperCase() : 'UNKNOWN';
  return (
    <span className={`badge qbadge-${r.toLowerCase()}`} title={QUALITY_HINT[r]} data-testid="quality-badge">
      {rating.toUpperCase()}
    </span>
  );
}

function History({ n, timeZone }: { n: NumberHealth; timeZone: string }) {
  if (n.history.length === 0) return <p className="muted small">No change recorded yet.</p>;
  // Newest first, the last five.
  const latest = [...n.history].sort((a, b) => b.at.localeCompare(a.at)).slice(0, 5);
  if (latest.length === 1) return <p className="muted small">Unchanged since {formatInstant(latest[0]!.at, timeZone)}.</p>;
  return (
    <ol className="plain history" aria-label={`Changes of ${n.display_number}, newest first`}>
      {latest.map((h) => (
        <li key={h.at} className="small">
          <span className="muted">{formatInstant(h.at, timeZone)}</span> <QualityBadge rating={h.quality_rating} /> {formatTier(h.messaging_tier)}
        </li>
      ))}
    </ol>
  );
}

/** Each number's quality rating and messaging tier now, with their recent changes. */
export function NumbersCard({ timeZone }: { timeZone: string }) {
  const numbers = useResource(getNumbersHealth);
  const rows = numbers.data?.data;
  return (
    <OverviewCard
      id="numbers-health"
      title="Numbers"
      loading={numbers.loading}
      error={numbers.error}
      onRetry={numbers.reload}
      empty={rows && rows.length === 0 ? 'No WhatsApp number is connected yet.' : undefined}
    >
      {rows && (
        <ul className="plain numbers">
          {rows.map((n) => (
            <li key={n.id} data-testid="number-health">
              <div className="number-head">
                <strong>{n.display_number}</strong> <QualityBadge rating={n.quality_rating} /> <span data-testid="number-tier">{formatTier(n.messaging_tier)}</span>
              </div>
              <History n={n} timeZone={timeZone} />
            </li>
          ))}
        </ul>
      )}
    </OverviewCard>
  );
}
