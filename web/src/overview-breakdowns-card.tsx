import { useState } from 'react';
import type { DayRange } from './analytics-api';
import { breakdownCsvUrl, getBreakdown, type BreakdownGroup, type BreakdownPath } from './breakdowns-api';
import { CsvLink, OverviewCard } from './overview-card';
import { formatMoney } from './broadcast-format';
import { formatCount, formatRate } from './overview-format';
import { useResource } from './use-resource';
import './overview-breakdowns.css';

const BYS: { value: BreakdownPath; label: string; column: string; csv: string }[] = [
  { value: 'templates', label: 'By template', column: 'Template', csv: 'Download funnels by template as CSV' },
  { value: 'segments', label: 'By segment', column: 'Segment', csv: 'Download funnels by segment as CSV' },
  { value: 'optin-sources', label: 'By opt-in source', column: 'Opt-in source', csv: 'Download funnels by opt-in source as CSV' },
];

const RATES = [
  { key: 'delivered', label: 'Delivered' },
  { key: 'read', label: 'Read' },
  { key: 'replied', label: 'Replied' },
  { key: 'clicked', label: 'Clicked' },
  { key: 'opted_out', label: 'Opted out' },
  { key: 'converted', label: 'Converted' },
] as const;

/** One group's row: its name, how many were sent, and each step as a share of those sent. */
function BreakdownRow({ g }: { g: BreakdownGroup }) {
  return (
    <tr data-testid="breakdown-row">
      <th scope="row">
        {g.label}
        <div className="muted small">
          {formatCount(g.broadcasts)} broadcast{g.broadcasts === 1 ? '' : 's'}
        </div>
      </th>
      <td className="num" data-label="Sent" data-testid="breakdown-sent">
        {formatCount(g.funnel.sent)}
      </td>
      {RATES.map((r) => (
        <td key={r.key} className="num" data-label={r.label} data-testid={`breakdown-${r.key}`} title={`${formatCount(g.funnel[r.key])} of ${formatCount(g.funnel.sent)} sent`}>
          {formatRate(g.rates[r.key])}
        </td>
      ))}
      <td className="num" data-label="Revenue" data-testid="breakdown-revenue">
        {g.revenue.length === 0 ? '—' : g.revenue.map((v) => formatMoney(v.amount, v.currency)).join(', ')}
      </td>
    </tr>
  );
}

/** Broadcast funnels of the range summed per template, audience segment or the opt-in source people first joined through. */
export function BreakdownsCard({ range }: { range: DayRange }) {
  const [by, setBy] = useState<BreakdownPath>('templates');
  const report = useResource(() => getBreakdown(by, range), `${by}|${range.from}|${range.to}`);
  const groups = report.data?.groups;
  const chosen = BYS.find((b) => b.value === by)!;
  return (
    <OverviewCard
      id="funnel-breakdowns"
      title="Funnels compared"
      wide
      loading={report.loading}
      error={report.error}
      onRetry={report.reload}
      empty={groups && groups.length === 0 ? 'No broadcasts went out in this period, so there is nothing to compare yet.' : undefined}
      actions={
        <>
          <label className="inline">
            <select value={by} onChange={(e) => setBy(e.target.value as BreakdownPath)} aria-label="Compare funnels">
              {BYS.map((b) => (
                <option key={b.value} value={b.value}>
                  {b.label}
                </option>
              ))}
            </select>
          </label>
          <CsvLink href={breakdownCsvUrl(by, range)} label={chosen.csv} />
        </>
      }
    >
      {groups && (
        <>
          <p className="muted small">Rates are shares of the messages sent; converted counts recipients with a goal event in the attribution window. {by === 'optin-sources' ? 'Each person counts under the source they first joined through.' : ''}</p>
          <div className="table-scroll">
            <table className="breakdowns" aria-label={`Funnels ${chosen.label.toLowerCase()}`}>
              <thead>
                <tr>
                  <th scope="col">{chosen.column}</th>
                  <th scope="col" className="num">
                    Sent
                  </th>
                  {RATES.map((r) => (
                    <th key={r.key} scope="col" className="num">
                      {r.label}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    Revenue
                  </th>
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <BreakdownRow key={g.key} g={g} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </OverviewCard>
  );
}
