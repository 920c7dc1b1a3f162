import { doneCount, formatCount, statusLabel } from './broadcast-format';
import type { Broadcast } from './broadcasts-api';
import { formatTime } from './format';

/** Broadcasts, newest first: name (opens it), status, progress, template, topic and when created. */
export function BroadcastsTable({ rows, openId, onOpen }: { rows: Broadcast[]; openId: string | undefined; onOpen: (b: Broadcast) => void }) {
  return (
    <div className="table-scroll">
      <table aria-label="Broadcasts">
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th>Progress</th>
            <th>Template</th>
            <th>Topic</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((b) => {
            const c = b.counts;
            return (
              <tr key={b.id} data-testid="broadcast-row" aria-current={b.id === openId ? 'true' : undefined}>
                <td>
                  <button type="button" className="link" onClick={() => onOpen(b)}>
                    {b.name}
                  </button>
                </td>
                <td>
                  <span className={`badge bstatus-${b.status}`}>{statusLabel(b.status)}</span>
                </td>
                <td className="nowrap">
                  {c.planned === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <>
                      <progress max={c.planned} value={doneCount(c)} aria-label={`Progress of ${b.name}`} />{' '}
                      <span className="small">{`${formatCount(c.sent)} sent of ${formatCount(c.planned)}`}</span>
                    </>
                  )}
                </td>
                <td>
                  <code>{b.template.name}</code>
                </td>
                <td>{b.topic ?? '—'}</td>
                <td className="nowrap">{formatTime(b.created_at)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
