import { useState, type FormEvent } from 'react';
import { ApiError } from './api-client';
import { createCannedReply, deleteCannedReply, listCannedReplies } from './inbox-api';
import { useResource } from './use-resource';

const VARIABLES = ['{{first_name}}', '{{name}}', '{{phone}}', '{{business_name}}', '{{agent_name}}'];
const messageOf = (err: unknown) => (err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err));

/** The workspace's canned replies: add one (variables checked by the API), or delete one. */
export function InboxCannedManager({ onClose, onChanged }: { onClose: () => void; onChanged: () => void }) {
  const replies = useResource(listCannedReplies);
  const [shortcut, setShortcut] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function run(action: () => Promise<unknown>, after?: () => void) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      after?.();
      replies.reload();
      onChanged();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  function save(e: FormEvent) {
    e.preventDefault();
    void run(
      () => createCannedReply({ shortcut: shortcut.trim(), text }),
      () => {
        setShortcut('');
        setText('');
      },
    );
  }

  return (
    <section className="card inbox-canned-manager" aria-labelledby="canned-title" data-testid="canned-manager">
      <div className="section-head">
        <h3 id="canned-title">Canned replies</h3>
        <button type="button" className="secondary" onClick={onClose}>
          Done
        </button>
      </div>
      <p className="muted small">Saved answers for the reply box. Variables filled in for each conversation: {VARIABLES.join(', ')}; a fallback after a bar, e.g. {'{{first_name|there}}'}.</p>
      <ul className="plain inbox-contact-list">
        {(replies.data?.data ?? []).map((r) => (
          <li key={r.id} data-testid="canned-row">
            <code>/{r.shortcut}</code> <span className="prewrap">{r.text}</span>{' '}
            <button type="button" className="secondary small" disabled={busy} onClick={() => void run(() => deleteCannedReply(r.id))} aria-label={`Delete /${r.shortcut}`}>
              Delete
            </button>
          </li>
        ))}
        {replies.data && replies.data.data.length === 0 && <li className="muted">None yet.</li>}
      </ul>
      <form className="inbox-canned-form" onSubmit={save}>
        <input aria-label="Shortcut" placeholder="Shortcut, e.g. hours" value={shortcut} onChange={(e) => setShortcut(e.target.value)} />
        <textarea aria-label="Canned text" rows={2} placeholder="Hi {{first_name|there}}, …" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit" disabled={busy || !shortcut.trim() || !text.trim()}>
          Save canned reply
        </button>
      </form>
      {error && (
        <p className="error" role="alert" data-testid="canned-error">
          {error}
        </p>
      )}
    </section>
  );
}
