import { useState, type FormEvent } from 'react';
import { BulkBarFeedback } from './bulk-bar-feedback';
import { bulkTagContacts } from './contacts-api';
import { errorAt, fieldErrorsOf, wordsOf } from './settings-api';

/** Adds or removes a tag on the selected contacts (POST /contacts/bulk-tag), then reports how many changed. */
export function ContactBulkTagBar({ selected, onDone, onClear }: { selected: string[]; onDone: () => void; onClear: () => void }) {
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  function run(action: 'add' | 'remove') {
    const tags = wordsOf(tag);
    if (tags.length === 0) return setError('Tag: type the tag to add or remove.');
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    bulkTagContacts(selected, action === 'add' ? tags : [], action === 'remove' ? tags : []).then(
      (r) => {
        setBusy(false);
        setNotice(`${action === 'add' ? 'Added' : 'Removed'} “${tags.join(', ')}” ${action === 'add' ? 'to' : 'from'} ${r.updated} of ${selected.length} selected contact${selected.length === 1 ? '' : 's'}.`);
        onDone();
      },
      (err: unknown) => {
        const e = fieldErrorsOf(err);
        setError(errorAt(e, 'add') ?? errorAt(e, 'remove') ?? e.general ?? Object.values(e.byField)[0]);
        setBusy(false);
      },
    );
  }

  const submit = (e: FormEvent) => (e.preventDefault(), run('add'));
  return (
    <form className="bulk-bar" aria-label="Tag the selected contacts" onSubmit={submit}>
      <strong>{selected.length} selected</strong>
      <label htmlFor="bulk-tag">Tag</label>
      <input id="bulk-tag" value={tag} onChange={(e) => setTag(e.target.value)} maxLength={64} placeholder="e.g. vip" aria-invalid={error ? true : undefined} aria-describedby={error ? 'bulk-tag-error' : undefined} />
      <button type="submit" disabled={busy || selected.length === 0}>
        Add tag
      </button>
      <button type="button" className="secondary" onClick={() => run('remove')} disabled={busy || selected.length === 0}>
        Remove tag
      </button>
      <button type="button" className="link" onClick={onClear}>
        Clear selection
      </button>
      <BulkBarFeedback errorId="bulk-tag-error" error={error} notice={notice} />
    </form>
  );
}
