import type { BroadcastFunnelRow } from './analytics-api';
import { formatRevenue } from './broadcast-format';
import { formatCount, formatRate } from './overview-format';
import { ShareBar } from './overview-share-bar';

const STEPS = [
  { key: 'delivered', label: 'Delivered', tone: 'green' },
  { key: 'read', label: 'Read', tone: 'green' },
  { key: 'replied', label: 'Replied', tone: 'blue' },
  { key: 'clicked', label: 'Clicked', tone: 'blue' },
  { key: 'converted', label: 'Converted', tone: 'blue' },
  { key: 'opted_out', label: 'Opted out', tone: 'red' },
] as const;

/** A broadcast's funnel in a few lines: each step as a share of those sent, with a bar and the count on hover. */
export function CompactFunnel({ row }: { row: BroadcastFunnelRow }) {
  return (
    <ul className="plain funnel" aria-label={`Funnel of ${row.name}`}>
      {STEPS.map((s) => (
        <li key={s.key} data-testid={`funnel-${s.key}`} title={`${formatCount(row.funnel[s.key])} of ${formatCount(row.funnel.sent)} sent`}>
          <span className="funnel-label">{s.label}</span>
          <ShareBar fraction={row.rates[s.key]} tone={s.tone} />
          <span className="num funnel-pct">{formatRate(row.rates[s.key])}</span>
        </li>
      ))}
      <li data-testid="funnel-revenue" className="funnel-revenue">
        <span className="funnel-label">Revenue</span>
        <span className="num">{formatRevenue(row.revenue)}</span>
      </li>
    </ul>
  );
}
