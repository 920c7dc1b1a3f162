import { useState } from 'react';
import { listRecipients, RECIPIENT_FILTERS, type Recipient, type RecipientFilter } from './broadcasts-api';
import { formatTime } from './format';
import { reasonLabel, statusLabel } from './broadcast-format';
import { waitReasonShort } from './broadcast-waiting';
import { formatInstant } from './overview-format';
import { usePagedList } from './use-paged-list';
import { useWorkspaceZone } from './use-workspace-zone';

const PAGE_SIZE = 50;

/** The reason cell: why not sent, or until when and why a queued recipient waits (in the workspace's zone). */
function reasonText(r: Recipient, timeZone: string | undefined): string {
  // The rest of an A/B test waits for the winner, not for a time (its not_before is in year 9999).
  if (r.status === 'queued' && new Date(r.not_before).getUTCFullYear() >= 9999) return r.reason ?? 'waiting for the A/B test winner';
  if (r.status === 'queued' && timeZone && new Date(r.not_before).getTime() > Date.now()) return `until ${formatInstant(r.not_before, timeZone)} (${waitReasonShort(r.reason)})`;
  return r.reason ? reasonLabel(r.reason) : r.error_code !== null ? `error ${r.error_code}` : '—';
}

/**
 * Everyone the audience matched, page by page, with a state filter: who got it, and for the others
 * why not (left out at start with the reason, skipped, failed with the code). `version` changes reload it.
 */
export function BroadcastRecipients({ broadcastId, version }: { broadcastId: string; version: string }) {
  const timeZone = useWorkspaceZone();
  const [filter, setFilter] = useState<RecipientFilter | ''>('');
  const list = usePagedList<Recipient>((cursor) => listRecipients(broadcastId, filter, cursor, PAGE_SIZE), `${broadcastId}|${filter}|${version}`);
  return (
    <section aria-labelledby="recipients-title" className="recipients" aria-busy={list.loading}>
      <div className="section-head">
        <h4 id="recipients-title">Recipients</h4>
        <span className="inline-form">
          <label htmlFor="recipient-filter">Show</label>
          <select id="recipient-filter" value={filter} onChange={(e) => setFilter(e.target.value as RecipientFilter | '')}>
            <option value="">everyone</option>
            {RECIPIENT_FILTERS.map((f) => (
              <option key={f} value={f}>
                {f.replace('_', ' ')}
              </option>
            ))}
          </select>
        </span>
      </div>
      {list.error && (
        <p className="error" role="alert">
          {list.error}
        </p>
      )}
      {list.loaded && list.rows.length === 0 && !list.error && <p className="muted" data-testid="no-recipients">Nobody here.</p>}
      {list.rows.length > 0 && (
        <div className="table-scroll">
          <table aria-label="Recipients">
            <thead>
              <tr>
                <th>Phone</th>
                <th>Status</th>
                <th>Reason</th>
                <th>Attempts</th>
                <th>Sent</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((r) => (
                <tr key={r.contact_id} data-testid="recipient-row">
                  <td className="nowrap">{r.phone ?? '(erased)'}</td>
                  <td>
                    <span className={`badge rstatus-${r.status}`}>{statusLabel(r.status)}</span>
                    {r.replied_at && <span className="badge rstatus-replied">replied</span>}
                    {r.clicked_at && <span className="badge rstatus-clicked">clicked</span>}
                    {r.opted_out_at && <span className="badge rstatus-opted_out">opted out</span>}
                  </td>
                  <td>{reasonText(r, timeZone)}</td>
                  <td className="num">{r.attempts}</td>
                  <td className="nowrap">{formatTime(r.sent_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasMore && (
        <button type="button" className="secondary" onClick={list.loadMore} disabled={list.loading}>
          Load more
        </button>
      )}
    </section>
  );
}
