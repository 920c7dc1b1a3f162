import { useState } from 'react';
import { listTopics, type Role, type Topic } from './api-client';
import { TopicCreateForm, TopicEditForm } from './topic-forms';
import { canEditTopics } from './topics-api';
import { useResource } from './use-resource';
import './topics-numbers.css';

/** The topics people subscribe to, with the category and the frequency promised; owners, admins and marketers create and edit them. */
export function TopicsSection({ role }: { role: Role }) {
  const topics = useResource(listTopics);
  const rows = topics.data?.data ?? [];
  const canEdit = canEditTopics(role);
  const [editing, setEditing] = useState<Topic>();
  const [notice, setNotice] = useState<string>();

  function created(t: Topic) {
    setNotice(`Topic "${t.name}" created.`);
    topics.reload();
  }

  function saved(t: Topic) {
    setNotice(`Topic "${t.name}" saved.`);
    setEditing(undefined);
    topics.reload();
  }

  return (
    <section aria-labelledby="topics-title">
      <div className="section-head">
        <h2 id="topics-title">Topics</h2>
        <button type="button" className="secondary" onClick={topics.reload}>
          Refresh
        </button>
      </div>
      <p className="muted">
        People say yes or no to each topic separately. You can rename a topic or change its description and the frequency you promise at any time; its key and category are fixed once people
        consent, because their consent was given to exactly that.
      </p>
      {topics.error && (
        <p className="error" role="alert">
          {topics.error}
        </p>
      )}
      {notice && (
        <p role="status" className="notice-line">
          {notice}
        </p>
      )}
      {topics.data && rows.length === 0 && <p className="muted">No topics yet.</p>}
      {rows.length > 0 && (
        <table aria-label="Topics" className="topics-table">
          <thead>
            <tr>
              <th>Key</th>
              <th>Name</th>
              <th>Category</th>
              <th>Frequency</th>
              {canEdit && <th>Change</th>}
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
                {canEdit && (
                  <td>
                    <button type="button" className="secondary" aria-label={`Edit ${t.key}`} onClick={() => (setNotice(undefined), setEditing(t))}>
                      Edit
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && (
        <div className="topics-forms">
          {editing && <TopicEditForm key={editing.id} topic={editing} onSaved={saved} onClose={() => setEditing(undefined)} />}
          <TopicCreateForm onCreated={created} />
        </div>
      )}
    </section>
  );
}
