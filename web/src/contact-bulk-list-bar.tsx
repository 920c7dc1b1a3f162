import { useState, type FormEvent } from 'react';
import { BulkBarFeedback } from './bulk-bar-feedback';
import { addListMembers, listSegments, removeListMembers } from './api-client';
import { fieldErrorsOf } from './settings-api';
import { useResource } from './use-resource';

const plural = (n: number) => `${n} contact${n === 1 ? '' : 's'}`;

/** Adds the selected contacts to a static list, or removes them from it (POST /segments/:id/members[/remove]), then says how many changed. */
export function ContactBulkListBar({ selected }: { selected: string[] }) {
  const segments = useResource(listSegments);
  const lists = (segments.data?.data ?? []).filter((s) => s.kind === 'static');
  const [listId, setListId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const chosen = lists.find((l) => l.id === listId) ?? lists[0];

  async function run(action: 'add' | 'remove') {
    if (!chosen) return;
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const r = action === 'add' ? await addListMembers(chosen.id, selected) : await removeListMembers(chosen.id, selected);
      setNotice(action === 'add' ? `Added ${plural(r.added)} to “${chosen.name}” (${r.member_count} in the list now).` : `Removed ${plural(r.removed)} from “${chosen.name}” (${r.member_count} left).`);
    } catch (err) {
      const e = fieldErrorsOf(err);
      setError(e.general ?? Object.values(e.byField)[0]);
    } finally {
      setBusy(false);
    }
  }

  if (segments.data && lists.length === 0) return <p className="muted small bulk-notice">No static list yet: create one in Segments (kind “Static list”) to add contacts to it.</p>;
  const submit = (e: FormEvent) => (e.preventDefault(), void run('add'));
  return (
    <form className="bulk-bar" aria-label="Add the selected contacts to a list" onSubmit={submit}>
      <label htmlFor="bulk-list">List</label>
      <select id="bulk-list" value={chosen?.id ?? ''} onChange={(e) => setListId(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? 'bulk-list-error' : undefined}>
        {lists.map((l) => (
          <option key={l.id} value={l.id}>
            {l.name}
          </option>
        ))}
      </select>
      <button type="submit" disabled={busy || !chosen || selected.length === 0}>
        Add to list
      </button>
      <button type="button" className="secondary" onClick={() => void run('remove')} disabled={busy || !chosen || selected.length === 0}>
        Remove from list
      </button>
      <BulkBarFeedback errorId="bulk-list-error" error={error} notice={notice} />
    </form>
  );
}
