import { formatCount, formatRevenue } from './broadcast-format';
import type { Broadcast } from './broadcasts-api';

/** Contacts who converted after this broadcast (last touch, within the workspace's window) and the revenue per currency. */
export function BroadcastConversions({ broadcast: b }: { broadcast: Broadcast }) {
  const c = b.conversions;
  return (
    <dl className="counts" aria-label="Conversions">
      <div className={c.converted === 0 ? 'zero' : undefined}>
        <dt>Converted</dt>
        <dd data-testid="count-converted" title={`${formatCount(c.conversions)} goal events credited`}>
          {formatCount(c.converted)}
        </dd>
      </div>
      <div className={c.revenue.length === 0 ? 'zero' : undefined}>
        <dt>Revenue</dt>
        <dd data-testid="conversion-revenue">{formatRevenue(c.revenue)}</dd>
      </div>
    </dl>
  );
}
