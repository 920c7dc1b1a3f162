import type { Contact } from './api-client';
import { TagList } from './tag-list';
import type { PreviewState } from './use-segment-preview';

/** "1 contact matches" / "12 contacts match". */
export const formatMatchCount = (n: number): string => `${n.toLocaleString('en')} ${n === 1 ? 'contact matches' : 'contacts match'}`;

/** A short table of contacts: phone, name, country and tags. */
export function ContactSampleTable({ rows, label, rowTestId }: { rows: Contact[]; label: string; rowTestId: string }) {
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th>Phone</th>
          <th>Name</th>
          <th>Country</th>
          <th>Tags</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.id} data-testid={rowTestId}>
            <td className="nowrap">{c.phone}</td>
            <td>{c.name ?? c.profile_name ?? '—'}</td>
            <td>{c.country ?? '—'}</td>
            <td>
              <TagList tags={c.tags} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The live count and sample of the rules being edited (rule problems are shown by the editor). */
export function SegmentPreviewPanel({ preview }: { preview: PreviewState }) {
  if (preview.status === 'off') return null;
  return (
    <div className="preview" aria-busy={preview.status === 'pending'}>
      <p className="preview-count" role="status" data-testid="preview-count">
        {preview.status === 'pending' && <span className="muted">Counting…</span>}
        {preview.status === 'ok' && <strong>{formatMatchCount(preview.count)}</strong>}
        {preview.status === 'invalid' && <span className="muted">No count until the rules are fixed.</span>}
      </p>
      {preview.status === 'failed' && (
        <p className="error" role="alert">
          {preview.message}
        </p>
      )}
      {preview.status === 'ok' && preview.sample.length > 0 && (
        <>
          <p className="muted small">{preview.sample.length < preview.count ? `A sample of ${preview.sample.length}:` : 'All of them:'}</p>
          <ContactSampleTable rows={preview.sample} label="Sample of matching contacts" rowTestId="preview-sample-row" />
        </>
      )}
    </div>
  );
}
