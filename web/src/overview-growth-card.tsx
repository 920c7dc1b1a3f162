import { lazy, Suspense, useState } from 'react';
import { getGrowth, growthCsvUrl, type DayRange, type GrowthGroupBy } from './analytics-api';
import { CsvLink, OverviewCard } from './overview-card';
import { formatDay } from './overview-format';
import { GrowthDaysTable, GrowthTotalsTable } from './overview-growth-table';
import { useResource } from './use-resource';

// Chart.js is most of the Overview's weight: its own chunk, fetched when the first chart draws, keeps the app's first load small.
const GrowthChart = lazy(() => import('./overview-growth-chart').then((m) => ({ default: m.GrowthChart })));

const GROUPS: { value: GrowthGroupBy; label: string }[] = [
  { value: 'source', label: 'Source' },
  { value: 'topic', label: 'Topic' },
  { value: 'number', label: 'Number' },
];

/** List growth over the range: opt-ins against opt-outs per day with the net, and totals by source, topic or number. */
export function GrowthCard({ range }: { range: DayRange }) {
  const [by, setBy] = useState<GrowthGroupBy>('source');
  const growth = useResource(() => getGrowth(range, by), `${range.from}|${range.to}|${by}`);
  const r = growth.data;
  const nothing = r && r.totals.opt_ins === 0 && r.totals.opt_outs === 0;
  return (
    <OverviewCard
      id="growth"
      title="List growth"
      wide
      loading={growth.loading}
      error={growth.error}
      onRetry={growth.reload}
      empty={nothing ? 'No opt-ins yet in this period — share your opt-in page or add an opt-in keyword to grow your list.' : undefined}
      actions={
        <>
          <label className="inline">
            By{' '}
            <select value={by} onChange={(e) => setBy(e.target.value as GrowthGroupBy)} aria-label="Group by">
              {GROUPS.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </select>
          </label>
          <CsvLink href={growthCsvUrl(range, by)} label="Download growth as CSV" />
        </>
      }
    >
      {r && (
        <>
          <p className="muted small" data-testid="growth-period">
            Per day from {formatDay(r.from, true)} to {formatDay(r.to, true)} ({r.timezone}): opt-ins above the line, opt-outs below, and the net.
          </p>
          <Suspense fallback={<div className="chart-box muted">Drawing the chart…</div>}>
            <GrowthChart report={r} />
          </Suspense>
          <GrowthTotalsTable report={r} />
          <GrowthDaysTable report={r} />
        </>
      )}
    </OverviewCard>
  );
}
