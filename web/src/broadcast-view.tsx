import { useEffect, useRef, useState } from 'react';
import type { Segment } from './api-client';
import { broadcastRecipientsCsvUrl } from './analytics-api';
import { BroadcastDraftPanel } from './broadcast-draft-panel';
import { duplicateInput } from './broadcast-edit';
import { statusLabel } from './broadcast-format';
import { BroadcastProgress } from './broadcast-progress';
import { BroadcastSummary } from './broadcast-summary';
import { createBroadcast, type Broadcast } from './broadcasts-api';
import { useBroadcast } from './use-broadcast';
import { useCan } from './permissions';
import { BroadcastAbResults } from './broadcast-ab-results';

/** One broadcast, kept live: a draft's steps before it starts (Edit opens `onEdit`), its progress after; Duplicate saves a copy as a new draft for `onDuplicated`. `onChanged` hears each new status. */
export function BroadcastView({
  id,
  initial,
  segments,
  onChanged,
  onDeleted,
  onClose,
  onEdit,
  onDuplicated,
}: {
  id: string;
  initial?: Broadcast;
  segments: Segment[];
  onChanged: (b: Broadcast) => void;
  onDeleted: (b: Broadcast) => void;
  onClose: () => void;
  onEdit: (b: Broadcast) => void;
  onDuplicated: (copy: Broadcast) => void;
}) {
  const canManage = useCan('broadcasts:manage');
  const [duplicating, setDuplicating] = useState(false);
  const [dupError, setDupError] = useState<string>();
  const live = useBroadcast(id, initial);
  const b = live.data;
  const status = b?.status;
  const seen = useRef(status);
  useEffect(() => {
    // Tell the list only when the status moves, not on every poll.
    if (b && seen.current !== status) onChanged(b);
    seen.current = status;
  }, [status]);

  async function duplicate(from: Broadcast) {
    setDuplicating(true);
    setDupError(undefined);
    try {
      onDuplicated(await createBroadcast(duplicateInput(from)));
    } catch (err) {
      setDupError(err instanceof Error ? err.message : String(err));
    } finally {
      setDuplicating(false);
    }
  }

  return (
    <section className="card detail" aria-labelledby="broadcast-title" data-testid="broadcast-view">
      <div className="section-head">
        <h3 id="broadcast-title">
          {b?.name ?? 'Broadcast'}{' '}
          {b && (
            <span className={`badge bstatus-${b.status}`} data-testid="broadcast-status">
              {statusLabel(b.status)}
            </span>
          )}
        </h3>
        <span className="row">
          {b && b.status !== 'draft' && (
            <a className="button-link secondary" href={broadcastRecipientsCsvUrl(b.id)} download data-testid="recipients-csv">
              Download recipients (CSV)
            </a>
          )}
          {b && canManage && (
            <button type="button" className="secondary" onClick={() => duplicate(b)} disabled={duplicating}>
              Duplicate
            </button>
          )}
          <button type="button" className="secondary" onClick={live.reload}>
            Refresh
          </button>
          <button type="button" className="secondary" onClick={onClose} aria-label="Close the broadcast">
            Close
          </button>
        </span>
      </div>
      {dupError && (
        <p className="error" role="alert">
          {`Could not duplicate: ${dupError}`}
        </p>
      )}
      {live.error && (
        <p className="error" role="alert">
          {live.error}
        </p>
      )}
      {!b && !live.error && <p className="muted">Loading…</p>}
      {b && b.status === 'draft' && !canManage && <BroadcastSummary broadcast={b} segments={segments} />}
      {b && b.status === 'draft' && canManage && <BroadcastDraftPanel key={b.updated_at} broadcast={b} segments={segments} onStarted={live.replace} onDeleted={onDeleted} onEdit={onEdit} />}
      {b && b.status !== 'draft' && (
        <>
          <details className="summary-details">
            <summary>What it sends, to whom and when</summary>
            <BroadcastSummary broadcast={b} segments={segments} />
          </details>
          <BroadcastAbResults broadcast={b} onChanged={live.reload} />
          <BroadcastProgress broadcast={b} onChanged={live.replace} onReload={live.reload} />
        </>
      )}
    </section>
  );
}
