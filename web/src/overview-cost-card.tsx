import { costCsvUrl, getCost, type CostReport } from './analytics-api';
import { CsvLink, OverviewCard } from './overview-card';
import { useResource } from './use-resource';

/** An amount in the rate card's currency (cents; fractions of a cent below one unit). */
function money(x: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: x < 1 && x > 0 ? 4 : 2 }).format(x);
}

/** "2026-12" as "Dec 2026". */
function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

function Months({ c }: { c: CostReport }) {
  return (
    <table className="compact" aria-label="Cost per month">
      <thead>
        <tr>
          <th scope="col">Month (UTC)</th>
          <th scope="col" className="num" title="Templates sent">Sent</th>
          <th scope="col" className="num">Estimate</th>
          <th scope="col" className="num">Billable</th>
          <th scope="col" className="num">Actual</th>
        </tr>
      </thead>
      <tbody>
        {c.months.map((m) => (
          <tr key={m.month} data-testid="cost-month">
            <th scope="row" className="nowrap">{monthName(m.month)}</th>
            <td className="num">{m.sent.toLocaleString()}</td>
            <td className="num">{money(m.estimated_cost, c.currency)}</td>
            <td className="num">{m.billable.toLocaleString()}</td>
            <td className="num">{money(m.actual_cost, c.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What messages cost over the last three months: Greenlist's estimate against what Meta's pricing said is billable, priced with the rate card. */
export function CostCard() {
  const cost = useResource(getCost);
  const c = cost.data;
  return (
    <OverviewCard
      id="cost"
      title="What messages cost"
      actions={<CsvLink href={costCsvUrl} label="Download the cost per month, country and category as CSV" />}
      loading={cost.loading}
      error={cost.error}
      onRetry={cost.reload}
      empty={c && c.totals.sent === 0 && c.totals.billable === 0 ? 'No template sent in the last three months.' : undefined}
    >
      {c && (
        <>
          <Months c={c} />
          <p className="muted small">
            {c.rate_card === 'workspace'
              ? 'Priced with your rate card (Settings).'
              : 'Priced with Greenlist’s indicative list of Meta’s prices; set your own rate card in Settings for exact figures.'}{' '}
            Billable counts come from the pricing in WhatsApp’s status webhooks; messages in an open service window or from a free entry point are not billed.
          </p>
        </>
      )}
    </OverviewCard>
  );
}
