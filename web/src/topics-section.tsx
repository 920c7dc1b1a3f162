import { listTopics } from './api-client';
import { useResource } from './use-resource';

/** Read-only list of the topics people subscribe to, with the category and the frequency promised. */
export function TopicsSection() {
  const topics = useResource(listTopics);
  const rows = topics.data?.data ?? [];
  return (
    <section aria-labelledby="topics-title">
      <div className="section-head">
        <h2 id="topics-title">Topics</h2>
        <button type="button" className="secondary" onClick={topics.reload}>
          Refresh
        </button>
      </div>
      <p className="muted">Create and change topics through the API (POST /api/v1/topics); a topic's key and category are fixed once people consent to it.</p>
      {topics.error && (
        <p className="error" role="alert">
          {topics.error}
        </p>
      )}
      {topics.data && rows.length === 0 && <p className="muted">No topics yet.</p>}
      {rows.length > 0 && (
        <table aria-label="Topics">
          <thead>
            <tr>
              <th>Key</th>
              <th>Name</th>
              <th>Category</th>
              <th>Frequency</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.id} data-testid="topic-row">
                <td>
                  <code>{t.key}</code>
                </td>
                <td>
                  {t.name}
                  {t.description && <div className="muted small">{t.description}</div>}
                </td>
                <td>
                  <span className={`badge category-${t.category}`}>{t.category}</span>
                </td>
                <td>{t.frequency ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
