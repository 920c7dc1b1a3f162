import { formatTime } from './format';
import { rejectedRowsCsvUrl, type ImportRecord } from './imports-api';

const n = (x: number) => x.toLocaleString('en');

/** How far a running import is: bytes of the file read when the server knows them, else rows so far. */
export function ImportProgressBar({ record: r }: { record: ImportRecord }) {
  const total = r.progress?.bytes_total ?? null;
  const done = r.status === 'completed' || r.status === 'failed';
  const read = done ? (total ?? 1) : (r.progress?.bytes_read ?? 0);
  const pct = total ? Math.min(100, Math.floor((read / total) * 100)) : done ? 100 : undefined;
  return (
    <div className="progress-line">
      <progress max={total ?? 1} value={done ? (total ?? 1) : total ? read : undefined} aria-label="Import progress" />
      <span data-testid="import-progress-text">{`${n(r.rows_total)} rows read${pct !== undefined ? ` (${pct}%)` : ''}${r.status === 'queued' ? ', waiting to start' : ''}`}</span>
    </div>
  );
}

/** An import's counts (every row accounted for), its row errors and the rejected-rows download. */
export function ImportResult({ record: r }: { record: ImportRecord }) {
  const would = r.dry_run ? 'would be ' : '';
  const counts: [string, number][] = [
    ['Rows read', r.rows_total],
    [`${r.dry_run ? 'Would be created' : 'Created'}`, r.created],
    [`${r.dry_run ? 'Would be updated' : 'Updated'}`, r.updated],
    ['Unchanged', r.unchanged],
    ['Merged (same number)', r.merged],
    [`Rejected (${would}skipped)`, r.skipped],
    [`Consent ${r.dry_run ? 'that would be ' : ''}recorded`, r.consent_granted],
    ['Consent refused (opted out)', r.consent_refused.opted_out],
  ];
  return (
    <div className="import-result" data-testid={r.dry_run ? 'dry-run-result' : 'import-result'}>
      <p>
        <span className={`badge istatus-${r.status}`}>{r.status}</span> {r.dry_run ? 'Dry run: nothing was written.' : ''} {r.finished_at && <span className="muted small">{`Finished ${formatTime(r.finished_at)}`}</span>}
      </p>
      {r.failure && (
        <p className="error" role="alert">
          {r.failure}
        </p>
      )}
      <dl className="fields import-counts">
        {counts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd data-testid={`count-${label.split(' ')[0]!.toLowerCase()}`}>
              {n(value)}
            </dd>
          </div>
        ))}
      </dl>
      {r.error_count > 0 && (
        <>
          <h4>{r.error_count > r.errors.length ? `Rejected rows (the first ${n(r.errors.length)} of ${n(r.error_count)})` : 'Rejected rows'}</h4>
          <div className="table-scroll row-errors">
            <table aria-label={r.dry_run ? 'Rows the dry run rejected' : 'Rejected rows'}>
              <thead>
                <tr>
                  <th className="num">Line</th>
                  <th>Problem</th>
                </tr>
              </thead>
              <tbody>
                {r.errors.map((e) => (
                  <tr key={`${e.row}-${e.code}`} data-testid="row-error">
                    <td className="num">{e.row}</td>
                    <td>
                      {e.message} <code className="muted">{e.code}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <a className="button-link secondary" href={rejectedRowsCsvUrl(r.id)} download data-testid="rejected-csv">
            Download rejected rows (CSV)
          </a>
        </>
      )}
    </div>
  );
}
