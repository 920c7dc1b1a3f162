import { getCohorts, cohortsCsvUrl, type Cohort } from './lifecycle-api';
import { CsvLink, OverviewCard } from './overview-card';
import { formatCount, formatRate } from './overview-format';
import { useResource } from './use-resource';
import './overview-lifecycle.css';

/** Opt-in months shown: the last year. */
const MONTHS = 12;

/** "2026-12" as "Dec 2026". */
function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** A share cell: the percentage with the count in its title; a dash when the month has not come yet or nobody opted in. */
function ShareCell({ at, testId }: { at: Cohort['month_1']; testId: string }) {
  return (
    <td className="num" data-testid={testId} title={at.engaged === null ? 'Not yet' : `${formatCount(at.engaged)} people`}>
      {at.engaged === null ? <span className="muted small">not yet</span> : formatRate(at.share)}
    </td>
  );
}

/** Contacts grouped by the month they first opted in, and the share who read or replied 1, 3 and 6 months later. */
export function CohortsCard() {
  const report = useResource(() => getCohorts(MONTHS), 'cohorts');
  const r = report.data;
  const rows = r?.cohorts.filter((c) => c.contacts > 0).reverse() ?? [];
  return (
    <OverviewCard
      id="cohorts"
      title="Still engaged after opting in"
      actions={<CsvLink href={cohortsCsvUrl(MONTHS)} label="Download engagement by opt-in month as CSV" />}
      loading={report.loading}
      error={report.error}
      onRetry={report.reload}
      empty={r && rows.length === 0 ? 'Nobody opted in during the last 12 months yet.' : undefined}
    >
      {r && rows.length > 0 && (
        <>
          <p className="muted small">
            People grouped by the month they first opted in ({r.timezone}): the share who read one of your messages or wrote to you during the 1st, 3rd and 6th month after it.
          </p>
          {/* Focusable: on a phone the table scrolls sideways in this box, and keyboard users must reach it. */}
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Engagement by opt-in month (scrolls sideways)">
            <table className="compact" aria-label="Engagement by opt-in month" data-testid="cohorts-table">
              <thead>
                <tr>
                  <th scope="col">Opted in</th>
                  <th scope="col" className="num">People</th>
                  <th scope="col" className="num">
                    <abbr title="1st month after">1 mo</abbr>
                  </th>
                  <th scope="col" className="num">
                    <abbr title="3rd month after">3 mo</abbr>
                  </th>
                  <th scope="col" className="num">
                    <abbr title="6th month after">6 mo</abbr>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.month} data-testid="cohort-row">
                    <th scope="row">{monthName(c.month)}</th>
                    <td className="num">{formatCount(c.contacts)}</td>
                    <ShareCell at={c.month_1} testId="cohort-m1" />
                    <ShareCell at={c.month_3} testId="cohort-m3" />
                    <ShareCell at={c.month_6} testId="cohort-m6" />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </OverviewCard>
  );
}
