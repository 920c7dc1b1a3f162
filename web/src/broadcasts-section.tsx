import { useState } from 'react';
import { listSegments } from './api-client';
import { BroadcastComposer } from './broadcast-composer';
import { BroadcastView } from './broadcast-view';
import { listBroadcasts, type Broadcast } from './broadcasts-api';
import { BroadcastsTable } from './broadcasts-table';
import { usePagedList } from './use-paged-list';
import { useResource } from './use-resource';
import { useCan } from './permissions';

/** Broadcasts: the list with status and progress, a composer for a new one, and one opened (draft steps or live progress); `openId` opens that one first. */
export function BroadcastsSection({ openId }: { openId?: string | undefined } = {}) {
  const canManage = useCan('broadcasts:manage');
  const list = usePagedList((cursor) => listBroadcasts(cursor));
  const segments = useResource(listSegments);
  const [composing, setComposing] = useState(false);
  // The draft being edited in the composer (its view is closed meanwhile).
  const [editing, setEditing] = useState<Broadcast>();
  // The opened broadcast: its id, and the list's copy when it was opened from the list.
  const [open, setOpen] = useState<{ id: string; initial?: Broadcast } | undefined>(openId ? { id: openId } : undefined);
  const [done, setDone] = useState<string>();

  function created(b: Broadcast) {
    setComposing(false);
    setOpen({ id: b.id, initial: b });
    setDone(editing ? `Saved the changes to “${b.name}”. Check the audience again, then start it.` : `Saved the draft “${b.name}”. Check the audience, then start it.`);
    setEditing(undefined);
    list.reload();
  }

  function edit(b: Broadcast) {
    setDone(undefined);
    setOpen(undefined);
    setEditing(b);
    setComposing(true);
  }

  function cancelCompose() {
    setComposing(false);
    // Back to the draft that was being edited.
    if (editing) setOpen({ id: editing.id, initial: editing });
    setEditing(undefined);
  }

  function duplicated(copy: Broadcast) {
    setOpen({ id: copy.id, initial: copy });
    setDone(`Duplicated as the new draft “${copy.name}”. Change what differs, check the audience, then start it.`);
    list.reload();
  }

  function changed() {
    setDone(undefined);
    list.reload();
  }

  function deleted(b: Broadcast) {
    setOpen(undefined);
    setDone(`Deleted the draft “${b.name}”.`);
    list.reload();
  }

  function compose() {
    setDone(undefined);
    setOpen(undefined);
    setEditing(undefined);
    setComposing(true);
  }

  function openOne(b: Broadcast) {
    setComposing(false);
    setEditing(undefined);
    setDone(undefined);
    setOpen({ id: b.id, initial: b });
  }

  return (
    <section aria-labelledby="broadcasts-title">
      <div className="section-head">
        <h2 id="broadcasts-title">Broadcasts</h2>
        <span className="row">
          {!composing && canManage && (
            <button type="button" onClick={compose}>
              New broadcast
            </button>
          )}
          <button type="button" className="secondary" onClick={list.reload}>
            Refresh
          </button>
        </span>
      </div>
      <p className="muted">A broadcast sends an approved template to the contacts of a segment who agreed to its topic. Check the audience before you start.</p>
      {(list.error ?? segments.error) && (
        <p className="error" role="alert">
          {list.error ?? segments.error}
        </p>
      )}
      <p className="status-line" role="status">
        {done}
      </p>
      {composing && <BroadcastComposer key={editing?.id ?? 'new'} {...(editing ? { editing } : {})} onCreated={created} onCancel={cancelCompose} />}
      {open && (
        <BroadcastView key={open.id} id={open.id} {...(open.initial ? { initial: open.initial } : {})} segments={segments.data?.data ?? []} onChanged={changed} onDeleted={deleted}
          onClose={() => setOpen(undefined)}
          onEdit={edit}
          onDuplicated={duplicated}
        />
      )}
      {list.loaded && list.rows.length === 0 && !list.error && <p className="muted">No broadcasts yet.</p>}
      {list.rows.length > 0 && <BroadcastsTable rows={list.rows} openId={open?.id} onOpen={openOne} />}
      {list.hasMore && (
        <button type="button" className="secondary" onClick={list.loadMore} disabled={list.loading}>
          Load more
        </button>
      )}
    </section>
  );
}
