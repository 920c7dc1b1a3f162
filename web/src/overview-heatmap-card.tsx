import { useState } from 'react';
import { listSegments } from './api-client';
import { getEngagementHeatmap, heatmapCsvUrl, type DayRange, type EngagementHeatmap, type HeatmapCell } from './analytics-api';
import { CsvLink, OverviewCard } from './overview-card';
import { formatCount, formatRate } from './overview-format';
import { useResource } from './use-resource';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const HOURS = Array.from({ length: 24 }, (_, h) => h);
type Measure = 'read' | 'reply';

const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;
const rateOf = (c: HeatmapCell, m: Measure) => (m === 'read' ? c.read_rate : c.reply_rate);
/** What a cell says on hover and to a screen reader: when, the rates and the counts behind them. */
const describe = (c: HeatmapCell) =>
  `${DAY_NAMES[c.weekday]} ${hourLabel(c.hour)}: ${formatCount(c.sent)} sent, ${formatCount(c.read)} read (${formatRate(c.read_rate)}), ${formatCount(c.replied)} replied (${formatRate(c.reply_rate)})`;
/** Green, stronger with the rate; a cell with no sends stays neutral. */
const shade = (rate: number | null) => (rate === null ? undefined : `rgba(22, 128, 61, ${(0.08 + 0.92 * rate).toFixed(3)})`);

/** The 7 × 24 grid, coloured by the chosen rate; cells with sends take focus and show their counts. */
function HeatmapGrid({ report, measure }: { report: EngagementHeatmap; measure: Measure }) {
  return (
    <div className="heatmap-scroll" data-testid="heatmap-scroll">
      <table className="heatmap" aria-label={`${measure === 'read' ? 'Read' : 'Reply'} rate by local weekday and hour`} data-testid="heatmap-grid">
        <thead>
          <tr>
            <td />
            {HOURS.map((h) => (
              <th key={h} scope="col" abbr={hourLabel(h)}>
                {h % 3 === 0 ? h : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {DAYS.map((d, weekday) => (
            <tr key={d}>
              <th scope="row" abbr={DAY_NAMES[weekday]}>
                {d}
              </th>
              {HOURS.map((hour) => {
                const c = report.cells[weekday * 24 + hour]!;
                const rate = rateOf(c, measure);
                return (
                  <td
                    key={hour}
                    className={c.sent ? 'cell' : 'cell none'}
                    style={{ background: shade(rate) }}
                    title={c.sent ? describe(c) : `${DAY_NAMES[weekday]} ${hourLabel(hour)}: nothing sent`}
                    tabIndex={c.sent ? 0 : undefined}
                    aria-label={c.sent ? describe(c) : undefined}
                    data-testid={`heat-${weekday}-${hour}`}
                    data-rate={rate ?? ''}
                  />
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The cells with sends as a plain table: the grid's figures for screen readers and for reading exact counts. */
function HeatmapTable({ report }: { report: EngagementHeatmap }) {
  const rows = report.cells.filter((c) => c.sent > 0);
  return (
    <details>
      <summary>Figures as a table</summary>
      <div className="table-scroll">
        <table className="compact figures" aria-label="Engagement by local weekday and hour" data-testid="heatmap-table">
          <thead>
            <tr>
              <th scope="col">Weekday</th>
              <th scope="col">Hour</th>
              <th scope="col" className="num">Sent</th>
              <th scope="col" className="num">Read</th>
              <th scope="col" className="num">Replied</th>
              <th scope="col" className="num">Read rate</th>
              <th scope="col" className="num">Reply rate</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={`${c.weekday}-${c.hour}`} data-testid="heatmap-row">
                <th scope="row">{DAY_NAMES[c.weekday]}</th>
                <td>{hourLabel(c.hour)}</td>
                <td className="num">{formatCount(c.sent)}</td>
                <td className="num">{formatCount(c.read)}</td>
                <td className="num">{formatCount(c.replied)}</td>
                <td className="num">{formatRate(c.read_rate)}</td>
                <td className="num">{formatRate(c.reply_rate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** Each weekday's best hour (highest read rate with enough sends), or why there is none. */
function BestHours({ report }: { report: EngagementHeatmap }) {
  const found = report.best_hours.filter((b) => b.hour !== null);
  if (found.length === 0) return <p className="muted small">No best hour yet: a weekday needs an hour with at least {report.min_sends} sends.</p>;
  return (
    <p className="small" data-testid="best-hours">
      Best hour to send (highest read rate, at least {report.min_sends} sends):{' '}
      {found.map((b, i) => (
        <span key={b.weekday}>
          {i > 0 && ', '}
          {DAYS[b.weekday]} {hourLabel(b.hour!)} ({formatRate(b.read_rate)})
        </span>
      ))}
    </p>
  );
}

/** Best send time: read or reply rate by the recipient's local weekday × hour over the range, for everyone or a segment. */
export function HeatmapCard({ range }: { range: DayRange }) {
  const [measure, setMeasure] = useState<Measure>('read');
  const [segmentId, setSegmentId] = useState('');
  const segments = useResource(listSegments);
  const heat = useResource(() => getEngagementHeatmap(range, segmentId), `${range.from}|${range.to}|${segmentId}`);
  const r = heat.data;
  return (
    <OverviewCard
      id="heatmap"
      title="Best send time"
      wide
      loading={heat.loading}
      error={heat.error}
      onRetry={heat.reload}
      empty={r && r.totals.sent === 0 ? 'Nothing sent in this period yet — the heatmap fills in as broadcasts and automations send.' : undefined}
      actions={
        <>
          <label className="inline">
            Segment{' '}
            <select value={segmentId} onChange={(e) => setSegmentId(e.target.value)} aria-label="Segment">
              <option value="">Everyone</option>
              {(segments.data?.data ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            Colour by{' '}
            <select value={measure} onChange={(e) => setMeasure(e.target.value as Measure)} aria-label="Colour by">
              <option value="read">Read rate</option>
              <option value="reply">Reply rate</option>
            </select>
          </label>
          <CsvLink href={heatmapCsvUrl(range, segmentId)} label="Download the engagement heatmap as CSV" />
        </>
      }
    >
      {r && (
        <>
          <p className="muted small">
            {formatCount(r.totals.sent)} messages sent, by each person&rsquo;s local weekday and hour (their time zone, else {r.timezone}). Darker: a higher {measure} rate.
          </p>
          <HeatmapGrid report={r} measure={measure} />
          <BestHours report={r} />
          <HeatmapTable report={r} />
        </>
      )}
    </OverviewCard>
  );
}
