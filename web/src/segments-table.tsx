import type { Segment } from './api-client';
import { formatTime } from './format';

/** Saved segments and lists: name (opens it), kind, members of a list, description and last change. */
export function SegmentsTable({ rows, openId, onOpen }: { rows: Segment[]; openId: string | undefined; onOpen: (s: Segment) => void }) {
  return (
    <table aria-label="Segments">
      <thead>
        <tr>
          <th>Name</th>
          <th>Kind</th>
          <th>Members</th>
          <th>Description</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr key={s.id} data-testid="segment-row" aria-current={s.id === openId ? 'true' : undefined}>
            <td>
              <button type="button" className="link" onClick={() => onOpen(s)}>
                {s.name}
              </button>
            </td>
            <td>
              <span className={`badge kind-${s.kind}`}>{s.kind}</span>
            </td>
            <td title={s.member_count === null ? 'Counted when opened: a dynamic segment is evaluated each time' : undefined}>{s.member_count ?? '—'}</td>
            <td>{s.description ?? '—'}</td>
            <td className="nowrap">{formatTime(s.updated_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
