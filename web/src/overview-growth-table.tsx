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
        <FiguresHead first={BY_LABEL[report.by]} />
        <tbody>
          {report.groups.map((g) => (
            <FiguresRow key={g.key} testId="growth-group" label={groupLabel(report, g)} f={g} />
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
          <FiguresHead first="Day" />
          <tbody>
            {report.days.map((d) => (
              <FiguresRow key={d.date} label={formatDay(d.date, true)} f={d} />
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** The header both tables share: what a row is, then opt-ins, opt-outs and net. */
function FiguresHead({ first }: { first: string }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
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
  );
}

/** One row of figures: its label, opt-ins, opt-outs and net. */
function FiguresRow({ label, f, testId }: { label: string; f: { opt_ins: number; opt_outs: number; net: number }; testId?: string }) {
  return (
    <tr data-testid={testId}>
      <th scope="row">{label}</th>
      <td className="num">{formatCount(f.opt_ins)}</td>
      <td className="num">{formatCount(f.opt_outs)}</td>
      <td className="num">{formatNet(f.net)}</td>
    </tr>
  );
}
