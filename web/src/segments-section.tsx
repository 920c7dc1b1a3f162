import { useState } from 'react';
import { getSegmentCatalog, listAttributes, listSegments, type Segment } from './api-client';
import { SegmentDetailPanel } from './segment-detail-panel';
import { SegmentEditor } from './segment-editor';
import { SegmentsTable } from './segments-table';
import { useResource } from './use-resource';
import { useCan } from './permissions';

/** Segments and lists: the saved ones, a rule editor with a live count for a new one, and one opened with its contacts. */
export function SegmentsSection() {
  const canWrite = useCan('contacts:write');
  const segments = useResource(listSegments);
  const attributes = useResource(listAttributes);
  // The rule language's fields and operators: the editor opens once they are here.
  const catalog = useResource(getSegmentCatalog);
  const [isEditing, setEditing] = useState(false);
  const [open, setOpen] = useState<Segment>();
  const [done, setDone] = useState<string>();

  function saved(s: Segment) {
    setEditing(false);
    setOpen(s);
    setDone(`Saved “${s.name}”.`);
    segments.reload();
  }

  function deleted(s: Segment) {
    setOpen(undefined);
    setDone(`Deleted “${s.name}”.`);
    segments.reload();
  }

  function startEditing() {
    setDone(undefined);
    setOpen(undefined);
    setEditing(true);
  }

  const rows = segments.data?.data ?? [];
  const problem = segments.error ?? attributes.error ?? catalog.error;
  return (
    <section aria-labelledby="segments-title">
      <div className="section-head">
        <h2 id="segments-title">Segments</h2>
        <span className="row">
          {!isEditing && canWrite && <button type="button" onClick={startEditing}>New segment</button>}
          <button type="button" className="secondary" onClick={segments.reload}>
            Refresh
          </button>
        </span>
      </div>
      <p className="muted">Dynamic segments are rules, evaluated each time they are used; static lists hold the contacts added to them.</p>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <p className="status-line" role="status">
        {done}
      </p>
      {isEditing && catalog.data && <SegmentEditor catalog={catalog.data} attributes={attributes.data?.data ?? []} onSaved={saved} onCancel={() => setEditing(false)} />}
      <div className={open ? 'split' : undefined}>
        <div>
          {segments.data && rows.length === 0 && <p className="muted">No segments yet.</p>}
          {rows.length > 0 && <SegmentsTable rows={rows} openId={open?.id} onOpen={setOpen} />}
        </div>
        {open && <SegmentDetailPanel key={open.id} segment={open} onDeleted={deleted} onClose={() => setOpen(undefined)} />}
      </div>
    </section>
  );
}
