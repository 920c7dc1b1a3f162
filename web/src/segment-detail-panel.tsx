import { useState } from 'react';
import { countSegment, deleteSegment, listSegmentContacts, type Segment } from './api-client';
import { formatTime } from './format';
import { ContactSampleTable } from './segment-preview-panel';
import { useResource } from './use-resource';
import { useCan } from './permissions';

const PAGE_SIZE = 50;

/** One saved segment: its rules, how many contacts it holds now, the first page of them, and Delete (after a confirmation). */
export function SegmentDetailPanel({ segment, onDeleted, onClose }: { segment: Segment; onDeleted: (s: Segment) => void; onClose: () => void }) {
  const canWrite = useCan('contacts:write');
  const count = useResource(() => countSegment(segment.id), segment.id);
  const contacts = useResource(() => listSegmentContacts(segment.id, undefined, PAGE_SIZE), segment.id);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string>();

  async function remove() {
    setBusy(true);
    setDeleteError(undefined);
    try {
      await deleteSegment(segment.id);
      onDeleted(segment);
    } catch (err) {
      setDeleteError(err instanceof Error ? err.message : String(err));
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  }

  function refresh() {
    count.reload();
    contacts.reload();
  }

  const rows = contacts.data?.data ?? [];
  const problem = count.error ?? contacts.error;
  return (
    <section className="card detail" aria-labelledby="segment-detail-title" data-testid="segment-detail" aria-busy={count.loading || contacts.loading}>
      <div className="section-head">
        <h3 id="segment-detail-title">
          {segment.name} <span className={`badge kind-${segment.kind}`}>{segment.kind}</span>
        </h3>
        <span className="row">
          <button type="button" className="secondary" onClick={refresh}>
            Refresh
          </button>
          <button type="button" className="secondary" onClick={onClose} aria-label="Close the segment">
            Close
          </button>
        </span>
      </div>
      {segment.description && <p className="prewrap">{segment.description}</p>}
      <p className="muted small">Created {formatTime(segment.created_at)}</p>
      <p className="preview-count" data-testid="segment-count">
        {count.data ? <strong>{`${count.data.count.toLocaleString('en')} ${count.data.count === 1 ? 'contact' : 'contacts'} now`}</strong> : <span className="muted">Counting…</span>}
      </p>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {segment.rules && (
        <details>
          <summary>Rules</summary>
          <pre className="rules-json">{JSON.stringify(segment.rules, null, 2)}</pre>
        </details>
      )}
      {contacts.data && rows.length === 0 && <p className="muted">Nobody is in this segment now.</p>}
      {rows.length > 0 && <ContactSampleTable rows={rows} label="Contacts in the segment" rowTestId="segment-contact-row" />}
      {contacts.data?.next_cursor && <p className="muted small">{`The first ${rows.length} are shown.`}</p>}
      {canWrite && (
      <div className="row danger-zone">
        {!confirming ? (
          <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={busy}>
            Delete
          </button>
        ) : (
          <>
            <span>{segment.kind === 'dynamic' ? 'Delete this segment? Contacts are not touched.' : 'Delete this list? Its contacts are not touched.'}</span>
            <button type="button" className="danger" onClick={remove} disabled={busy}>
              Yes, delete
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        )}
      </div>
      )}
      {deleteError && (
        <p className="error" role="alert" data-testid="delete-error">
          {deleteError}
        </p>
      )}
    </section>
  );
}
