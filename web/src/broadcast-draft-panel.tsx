import { useState } from 'react';
import type { Segment } from './api-client';
import { BroadcastEstimateView } from './broadcast-estimate';
import { formatCount } from './broadcast-format';
import { BroadcastStartConfirm } from './broadcast-start-confirm';
import { BroadcastSummary } from './broadcast-summary';
import { BroadcastTestSend } from './broadcast-test-send';
import { changeBroadcast, deleteBroadcast, estimateBroadcast, type Broadcast, type BroadcastEstimate } from './broadcasts-api';
import { useWorkspaceZone } from './use-workspace-zone';

/** A draft: what it sends (and Edit), the audience check, a test send, then Start or Schedule after a confirmation with the figures (or Delete, after one too). */
export function BroadcastDraftPanel({
  broadcast: b,
  segments,
  onStarted,
  onDeleted,
  onEdit,
}: {
  broadcast: Broadcast;
  segments: Segment[];
  onStarted: (b: Broadcast) => void;
  onDeleted: (b: Broadcast) => void;
  onEdit: (b: Broadcast) => void;
}) {
  const timeZone = useWorkspaceZone();
  const [confirmStart, setConfirmStart] = useState(false);
  const [plan, setPlan] = useState<BroadcastEstimate>();
  const [checking, setChecking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<string>();

  async function run<T>(action: () => Promise<T>, done: (v: T) => void, setFlag: (v: boolean) => void) {
    setFlag(true);
    setError(undefined);
    try {
      done(await action());
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setFlag(false);
    }
  }

  const check = () => run(() => estimateBroadcast(b.id), setPlan, setChecking);
  // The figures in the confirmation are the plan as it is now, not as it was when last checked.
  const askStart = () => run(() => estimateBroadcast(b.id), (p) => (setPlan(p), setConfirmStart(p.sendable > 0)), setChecking);
  const start = () => run(() => changeBroadcast(b.id, 'start'), onStarted, setBusy);
  const remove = () => run(() => deleteBroadcast(b.id), () => onDeleted(b), setBusy);
  const later = b.schedule.type !== 'now';

  return (
    <div className="draft">
      <BroadcastSummary broadcast={b} segments={segments} />
      <button type="button" className="secondary" onClick={() => onEdit(b)}>
        Edit draft
      </button>
      <section className="step" aria-labelledby="step-audience">
        <h4 id="step-audience">1. Check the audience</h4>
        <button type="button" className={plan ? 'secondary' : undefined} onClick={check} disabled={checking}>
          {checking ? 'Checking…' : plan ? 'Check again' : 'Check audience'}
        </button>
        {plan && <BroadcastEstimateView plan={plan} />}
      </section>
      <section className="step" aria-labelledby="step-test">
        <h4 id="step-test">2. Send a test (optional)</h4>
        <BroadcastTestSend broadcastId={b.id} />
      </section>
      <section className="step" aria-labelledby="step-start">
        <h4 id="step-start">3. Start</h4>
        {!plan && <p className="muted small">Check the audience first.</p>}
        {plan && plan.sendable === 0 && <p className="error small">Nobody in this audience can be sent to.</p>}
        {confirmStart && plan && timeZone && <BroadcastStartConfirm broadcast={b} plan={plan} timeZone={timeZone} busy={busy} onConfirm={start} onCancel={() => setConfirmStart(false)} />}
        <div className="row">
          {!confirmStart && (
            <button type="button" onClick={askStart} disabled={!plan || plan.sendable === 0 || busy || checking}>
              {later ? 'Schedule…' : plan ? `Start sending to ${formatCount(plan.sendable)}…` : 'Start sending…'}
            </button>
          )}
          {!confirmDelete ? (
            <button type="button" className="secondary" onClick={() => setConfirmDelete(true)} disabled={busy}>
              Delete draft
            </button>
          ) : (
            <>
              <span>Delete this draft?</span>
              <button type="button" className="danger" onClick={remove} disabled={busy}>
                Yes, delete
              </button>
              <button type="button" className="secondary" onClick={() => setConfirmDelete(false)}>
                Keep it
              </button>
            </>
          )}
        </div>
      </section>
      {error && (
        <p className="error" role="alert" data-testid="draft-error">
          {error}
        </p>
      )}
    </div>
  );
}
