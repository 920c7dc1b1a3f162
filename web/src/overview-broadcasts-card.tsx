import { broadcastRecipientsCsvUrl, broadcastsCsvUrl, getBroadcastFunnels, type DayRange } from './analytics-api';
import { statusLabel } from './broadcast-format';
import { CsvLink, OverviewCard } from './overview-card';
import { formatCount, formatInstant } from './overview-format';
import { CompactFunnel } from './overview-funnel';
import { useResource } from './use-resource';

/** The range's latest broadcasts with their funnels; a name opens the broadcast in the Broadcasts tab. */
export function BroadcastsCard({ range, timeZone, onOpenBroadcast }: { range: DayRange; timeZone: string; onOpenBroadcast: (id: string) => void }) {
  const list = useResource(() => getBroadcastFunnels(range), `${range.from}|${range.to}`);
  const rows = list.data?.data;
  return (
    <OverviewCard
      id="broadcast-funnels"
      title="Recent broadcasts"
      wide
      loading={list.loading}
      error={list.error}
      onRetry={list.reload}
      empty={rows && rows.length === 0 ? 'No broadcasts went out in this period. Start one in the Broadcasts tab.' : undefined}
      actions={<CsvLink href={broadcastsCsvUrl(range)} label="Download broadcasts as CSV" />}
    >
      {rows && (
        <div className="table-scroll">
          <table className="funnels" aria-label="Recent broadcasts">
            <thead>
              <tr>
                <th scope="col">Broadcast</th>
                <th scope="col" className="num">
                  Sent
                </th>
                <th scope="col">Of those sent</th>
                <th scope="col">
                  <span className="visually-hidden">Per recipient</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((b) => (
                <tr key={b.id} data-testid="funnel-row">
                  <th scope="row">
                    <a
                      href={`#broadcasts/${encodeURIComponent(b.id)}`}
                      onClick={(e) => {
                        e.preventDefault();
                        onOpenBroadcast(b.id);
                      }}
                    >
                      {b.name}
                    </a>
                    <div className="muted small">
                      <span className={`badge bstatus-${b.status}`}>{statusLabel(b.status)}</span> <code>{b.template_name}</code>
                    </div>
                    <div className="muted small">{formatInstant(b.started_at, timeZone)}</div>
                  </th>
                  <td className="num" data-testid="funnel-sent">
                    {formatCount(b.funnel.sent)}
                    <div className="muted small">of {formatCount(b.funnel.planned)}</div>
                  </td>
                  <td>
                    <CompactFunnel row={b} />
                  </td>
                  <td>
                    <CsvLink href={broadcastRecipientsCsvUrl(b.id)} label={`Recipients CSV of ${b.name}`} text="Recipients CSV" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </OverviewCard>
  );
}
