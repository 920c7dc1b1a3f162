import { getOptOuts, optOutsCsvUrl, type DayRange, type OptOutPreceding } from './analytics-api';
import { CsvLink, OverviewCard } from './overview-card';
import { formatCount, formatRate } from './overview-format';
import { ShareBar } from './overview-share-bar';
import { useResource } from './use-resource';

/** The API's word for an opt-out whose person gave no reason. */
const NO_REASON = 'no reason given';
/** A reason as the person wrote it (lower-cased by the API), quoted; "No reason given" when none. */
const reasonLabel = (r: string) => (r === NO_REASON ? 'No reason given' : `“${r}”`);

/** What came before an opt-out, in words. */
function precedingLabel(p: OptOutPreceding): string {
  if (p.kind === 'none') return 'Nothing we sent in the 72 h before';
  const name = p.name ?? (p.kind === 'broadcast' ? 'A deleted broadcast' : 'A deleted automation');
  return p.kind === 'automation' && p.step_id ? `${name} (step ${p.step_id})` : name;
}

function ShareList({ rows, total, testid }: { rows: { key: string; label: string; kind?: string; count: number }[]; total: number; testid: string }) {
  return (
    <ul className="plain share-list" data-testid={testid}>
      {rows.map((r) => (
        <li key={r.key} data-testid={`${testid}-row`}>
          <span className="share-label">
            {r.kind && <span className={`badge kind-${r.kind}`}>{r.kind}</span>} {r.label}
          </span>
          <span className="num share-count">{formatCount(r.count)}</span>
          <span className="num share-pct muted">{formatRate(total ? r.count / total : null)}</span>
          <ShareBar fraction={total ? r.count / total : 0} tone="red" />
        </li>
      ))}
    </ul>
  );
}

/** Who stopped over the range: how many, their reasons, and the broadcast or automation step sent in the 72 h before. */
export function OptOutsCard({ range }: { range: DayRange }) {
  const optOuts = useResource(() => getOptOuts(range), `${range.from}|${range.to}`);
  const r = optOuts.data;
  return (
    <OverviewCard
      id="opt-outs"
      title="Opt-outs"
      loading={optOuts.loading}
      error={optOuts.error}
      onRetry={optOuts.reload}
      empty={r && r.total === 0 ? 'Nobody opted out in this period.' : undefined}
      actions={<CsvLink href={optOutsCsvUrl(range)} label="Download opt-outs as CSV" />}
    >
      {r && (
        <>
          <p className="big-figure">
            <strong data-testid="opt-outs-total">{formatCount(r.total)}</strong> <span className="muted">opted out</span>
          </p>
          <h4>Why</h4>
          <ShareList testid="opt-out-reasons" total={r.total} rows={r.reasons.map((x) => ({ key: x.reason, label: reasonLabel(x.reason), count: x.count }))} />
          <h4>What came before</h4>
          <ShareList
            testid="opt-out-preceding"
            total={r.total}
            rows={r.preceding.map((p) => ({ key: `${p.kind}:${p.id ?? ''}:${p.step_id ?? ''}`, label: precedingLabel(p), ...(p.kind === 'none' ? {} : { kind: p.kind }), count: p.count }))}
          />
        </>
      )}
    </OverviewCard>
  );
}
