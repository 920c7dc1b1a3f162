import { cssToken, rejectionText, templateText } from './template-format';
import type { Template } from './templates-api';

/** Templates: name and language (opens the preview), category, status, quality, parameters and lint findings. */
export function TemplatesTable({ rows, openId, onOpen }: { rows: Template[]; openId: string | undefined; onOpen: (t: Template) => void }) {
  return (
    <table aria-label="Templates">
      <thead>
        <tr>
          <th>Name</th>
          <th>Category</th>
          <th>Status</th>
          <th>Quality</th>
          <th>Parameters</th>
          <th>Lint</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((t) => (
          <tr key={t.id} data-testid="template-row" aria-current={t.id === openId ? 'true' : undefined}>
            <td>
              <button type="button" className="link" onClick={() => onOpen(t)} title={templateText(t)}>
                {t.name}
              </button>{' '}
              <span className="muted small">{t.language}</span>
            </td>
            <td>
              <span className={`badge category-${cssToken(t.category)}`}>{t.category.toLowerCase()}</span>
            </td>
            <td>
              <span className={`badge status-${cssToken(t.status)}`}>{t.status.toLowerCase()}</span>
              {t.rejection_reason && t.rejection_reason !== 'NONE' && (
                <div className="muted small" data-testid="template-rejection" title={t.rejection_reason}>
                  {rejectionText(t.rejection_reason)}
                </div>
              )}
            </td>
            <td>
              <span className={`quality quality-${cssToken(t.quality_score)}`}>{t.quality_score.toLowerCase()}</span>
            </td>
            <td>{t.params.length === 0 ? '—' : t.params.map((p) => <code key={p.key} className="param">{p.key}</code>)}</td>
            <td data-testid="template-lint">
              {t.lint.errors.length === 0 && t.lint.warnings.length === 0 && <span className="muted">ok</span>}
              <ul className="lint">
                {t.lint.errors.map((i) => (
                  <li key={`e-${i.code}-${i.path}`} className="lint-error" title={i.path}>
                    {i.message}
                  </li>
                ))}
                {t.lint.warnings.map((i) => (
                  <li key={`w-${i.code}-${i.path}`} className="lint-warning" title={i.path}>
                    {i.message}
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
