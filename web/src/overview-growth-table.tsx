import type { GrowthReport } from './analytics-api';
import { formatCount, formatDay, formatNet } from './overview-format';

const BY_LABEL = { source: 'Source', topic: 'Topic', number: 'Number' } as const;

/** Where opt-ins and opt-outs come from (the consent ledger's sources), in words; others as the API names them. */
const SOURCES: Record<string, string> = {
  web_form: 'Web form',
  qr_keyword: 'QR code or keyword',
  inbound_message: 'Message to you',
  api: 'API',
  import: 'Import',
  agent: 'Your team',
  double_opt_in: 'Confirmed sign-up',
  stop_keyword: 'Stop word',
  stop_button: 'Stop button',
  user_preferences: 'Their preferences',
  delivery_failure: 'Messages kept failing',
  erasure: 'Data erased',
  automation: 'Automation (no answer to a re-permission request)',
  preference_centre: 'Preference centre (WhatsApp)',
  preference_page: 'Preference page',
};
const groupLabel = (r: GrowthReport, g: GrowthReport['groups'][number]) => (r.by === 'source' ? (SOURCES[g.key] ?? g.label) : g.label);

/** Opt-ins, opt-outs and net per group and in all: the chart's figures as a table. */
export function GrowthTotalsTable({ report }: { report: GrowthReport }) {
  const t = report.totals;
  return (
    <div className="table-scroll">
      <table className="compact figures" aria-label="Growth totals" data-testid="growth-totals">
        <thead>
          <tr>
            <th scope="col">{BY_LABEL[report.by]}</th>
            <th scope="col" className="num">
              Opt-ins
            </th>
            <th scope="col" className="num">
              Opt-outs
            </th>
            <th scope="col" className="num">
              Net
            </th>
          </tr>
        </thead>
        <tbody>
          {report.groups.map((g) => (
            <tr key={g.key} data-testid="growth-group">
              <th scope="row">{groupLabel(report, g)}</th>
              <td className="num">{formatCount(g.opt_ins)}</td>
              <td className="num">{formatCount(g.opt_outs)}</td>
              <td className="num">{formatNet(g.net)}</td>
            </tr>
          ))}
          <tr className="total" data-testid="growth-total">
            <th scope="row">Total</th>
            <td className="num" data-testid="total-opt-ins">
              {formatCount(t.opt_ins)}
            </td>
            <td className="num" data-testid="total-opt-outs">
              {formatCount(t.opt_outs)}
            </td>
            <td className="num" data-testid="total-net">
              {formatNet(t.net)}
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** The chart's figures day by day, folded away (days in the workspace's zone). */
export function GrowthDaysTable({ report }: { report: GrowthReport }) {
  return (
    <details className="summary-details">
      <summary>Day by day</summary>
      <div className="table-scroll">
        <table className="compact figures" aria-label="Growth per day">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" className="num">
                Opt-ins
              </th>
              <th scope="col" className="num">
                Opt-outs
              </th>
              <th scope="col" className="num">
                Net
              </th>
            </tr>
          </thead>
          <tbody>
            {report.days.map((d) => (
              <tr key={d.date}>
                <th scope="row">{formatDay(d.date, true)}</th>
                <td className="num">{formatCount(d.opt_ins)}</td>
                <td className="num">{formatCount(d.opt_outs)}</td>
                <td className="num">{formatNet(d.net)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
