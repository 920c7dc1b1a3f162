import { listAuditLog, type AuditEntry } from './api-client';
import { formatTime } from './format';
import { useResource } from './use-resource';

const LIMIT = 50;

function actorOf(e: AuditEntry): string {
  return e.actor_id ? `${e.actor_type} ${e.actor_id.slice(0, 8)}` : e.actor_type;
}

function targetOf(e: AuditEntry): string {
  return e.target_id ? `${e.target_type} ${e.target_id.slice(0, 8)}` : e.target_type;
}

/** The latest 50 audit entries, newest first. */
export function AuditLogSection() {
  const log = useResource(() => listAuditLog(LIMIT));
  const rows = log.data?.data ?? [];
  return (
    <section aria-labelledby="audit-log-title">
      <div className="section-head">
        <h2 id="audit-log-title">Audit log</h2>
        <button type="button" className="secondary" onClick={log.reload}>
          Refresh
        </button>
      </div>
      <p className="muted">The latest {LIMIT} entries, newest first.</p>
      {log.error && (
        <p className="error" role="alert">
          {log.error}
        </p>
      )}
      {log.data && rows.length === 0 && <p className="muted">Nothing recorded yet.</p>}
      {rows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id}>
                <td className="nowrap">{formatTime(e.created_at)}</td>
                <td>{actorOf(e)}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{targetOf(e)}</td>
                <td className="details">{Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
