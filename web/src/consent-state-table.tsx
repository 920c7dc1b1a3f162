import type { ConsentTopicState } from './api-client';
import { formatTime } from './format';

/** Current consent per topic: status badge, since when, and the source of the last change. */
export function ConsentStateTable({ state }: { state: ConsentTopicState[] }) {
  if (state.length === 0) return <p className="muted">The workspace has no topics yet.</p>;
  return (
    <table aria-label="Consent per topic">
      <thead>
        <tr>
          <th>Topic</th>
          <th>Category</th>
          <th>Status</th>
          <th>Since</th>
          <th>Source</th>
        </tr>
      </thead>
      <tbody>
        {state.map((s) => (
          <tr key={s.topic} data-testid="consent-state-row">
            <td>
              <code>{s.topic}</code>
            </td>
            <td>{s.category}</td>
            <td>
              <span className={`badge consent-${s.status}`}>{s.status}</span>
            </td>
            <td>{formatTime(s.since)}</td>
            <td>{s.source ? <code>{s.source}</code> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
