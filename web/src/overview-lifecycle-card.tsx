import { lazy, Suspense } from 'react';
import type { DayRange } from './analytics-api';
import { getLifecycleReport, lifecycleCsvUrl, type LifecycleReport } from './lifecycle-api';
import { CsvLink, OverviewCard } from './overview-card';
import { formatCount, formatDay, formatRate } from './overview-format';
import { STAGE_LOOK } from './overview-lifecycle-stages';
import { useResource } from './use-resource';
import './overview-lifecycle.css';

// Chart.js in its own chunk, as the growth chart: fetched when the first chart draws.
const LifecycleChart = lazy(() => import('./overview-lifecycle-chart').then((m) => ({ default: m.LifecycleChart })));

/** The latest day of the range that has a count. */
function latestDay(r: LifecycleReport): LifecycleReport['days'][number] | undefined {
  return [...r.days].reverse().find((d) => d.counts !== null);
}

/** The latest day's contacts per stage with their share of all contacts. */
function LatestTable({ day, stages }: { day: LifecycleReport['days'][number]; stages: LifecycleReport['stages'] }) {
  const total = day.total ?? 0;
  return (
    <div className="table-scroll">
      <table className="compact" aria-label={`Contacts per stage on ${formatDay(day.date, true)}`} data-testid="lifecycle-latest">
        <thead>
          <tr>
            <th scope="col">Stage on {formatDay(day.date)}</th>
            <th scope="col" className="num">Contacts</th>
            <th scope="col" className="num">Share</th>
          </tr>
        </thead>
        <tbody>
          {stages.map((s) => (
            <tr key={s} data-testid="lifecycle-stage">
              <th scope="row">
                <span className={`stage-swatch stage-${s.replace('_', '-')}`} aria-hidden="true" /> {STAGE_LOOK[s].label}
              </th>
              <td className="num">{formatCount(day.counts?.[s] ?? 0)}</td>
              <td className="num">{formatRate(total === 0 ? null : (day.counts?.[s] ?? 0) / total)}</td>
            </tr>
          ))}
          <tr className="total">
            <th scope="row">All contacts</th>
            <td className="num">{formatCount(total)}</td>
            <td className="num" />
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** How many contacts were in each lifecycle stage, day by day over the range (from the daily count). */
export function LifecycleCard({ range }: { range: DayRange }) {
  const report = useResource(() => getLifecycleReport(range), `${range.from}|${range.to}`);
  const r = report.data;
  const latest = r && latestDay(r);
  return (
    <OverviewCard
      id="lifecycle"
      title="Lifecycle stages"
      actions={<CsvLink href={lifecycleCsvUrl(range)} label="Download contacts per lifecycle stage per day as CSV" />}
      loading={report.loading}
      error={report.error}
      onRetry={report.reload}
      empty={r && (!latest || latest.total === 0) ? 'No contacts yet — stages appear once people join your list.' : undefined}
    >
      {r && latest && (
        <>
          <p className="muted small" data-testid="lifecycle-period">
            Contacts per stage, counted once a day ({r.timezone}), from {formatDay(r.from, true)} to {formatDay(r.to, true)}. Days before the first count stay blank.
          </p>
          <Suspense fallback={<div className="chart-box muted">Drawing the chart…</div>}>
            <LifecycleChart report={r} />
          </Suspense>
          <LatestTable day={latest} stages={r.stages} />
        </>
      )}
    </OverviewCard>
  );
}
