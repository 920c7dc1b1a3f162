import { formatTime } from './format';
import { rejectedRowsCsvUrl, type ImportRecord } from './imports-api';

/** Past imports, newest first: when, file, status, and what each did. */
export function ImportsTable({ imports }: { imports: ImportRecord[] }) {
  if (imports.length === 0) return <p className="muted">No imports yet.</p>;
  return (
    <div className="table-scroll">
      <table aria-label="Past imports">
        <thead>
          <tr>
            <th>Started</th>
            <th>File</th>
            <th>Status</th>
            <th className="num">Rows</th>
            <th className="num">Created</th>
            <th className="num">Updated</th>
            <th className="num">Rejected</th>
            <th className="num">Consent</th>
            <th>
              <span className="visually-hidden">Rejected rows</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {imports.map((i) => (
            <tr key={i.id} data-testid="import-row">
              <td className="nowrap">{formatTime(i.created_at)}</td>
              <td>{i.filename ?? '—'}</td>
              <td className="nowrap">
                <span className={`badge istatus-${i.status}`}>{i.status}</span>
                {i.dry_run && <span className="badge kind-static">dry run</span>}
              </td>
              <td className="num">{i.rows_total}</td>
              <td className="num">{i.created}</td>
              <td className="num">{i.updated}</td>
              <td className="num">{i.skipped}</td>
              <td className="num">{i.consent_granted}</td>
              <td>
                {i.error_count > 0 && (
                  <a className="button-link secondary" href={rejectedRowsCsvUrl(i.id)} download aria-label={`Rejected rows of ${i.filename ?? 'this import'} as CSV`}>
                    Rejected rows
                  </a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
