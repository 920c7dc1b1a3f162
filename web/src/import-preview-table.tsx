import type { PreviewRow } from './imports-api';

/** The first rows as they will be imported: normalised phone, joined name, language, tags, the topic granted, or the row's error. */
export function ImportPreviewTable({ rows }: { rows: PreviewRow[] }) {
  if (rows.length === 0) return <p className="muted">The file has no rows after its header.</p>;
  return (
    <div className="table-scroll">
      <table aria-label="Preview of the first rows">
        <thead>
          <tr>
            <th className="num">Line</th>
            <th>Phone</th>
            <th>Name</th>
            <th>Country</th>
            <th>Language</th>
            <th>Time zone</th>
            <th>Tags</th>
            <th>Consent</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.line} data-testid="preview-row" className={r.error ? 'row-error' : undefined}>
              <td className="num">{r.line}</td>
              {r.contact ? (
                <>
                  <td className="nowrap">{r.contact.phone}</td>
                  <td>{r.contact.name ?? '—'}</td>
                  <td>{r.contact.country ?? '—'}</td>
                  <td>{r.contact.language ?? '—'}</td>
                  <td>{r.contact.timezone ?? '—'}</td>
                  <td>{r.contact.tags.join(', ') || '—'}</td>
                  <td>{r.contact.topics.length > 0 ? <span className="badge consent-granted">{`grants ${r.contact.topics.join(', ')}`}</span> : <span className="badge consent-none">no consent</span>}</td>
                </>
              ) : (
                <td colSpan={7} className={r.error ? 'error' : 'muted'}>
                  {r.error ? `Not imported: ${r.error.message} (${r.error.code})` : r.cells.join(' · ')}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
