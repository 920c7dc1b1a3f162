import { useState } from 'react';
import type { Segment } from './api-client';
import { BroadcastEstimateView } from './broadcast-estimate';
import { formatCount } from './broadcast-format';
import { BroadcastSummary } from './broadcast-summary';
import { BroadcastTestSend } from './broadcast-test-send';
import { changeBroadcast, deleteBroadcast, estimateBroadcast, type Broadcast, type BroadcastEstimate } from './broadcasts-api';

/** A draft: what it sends, the audience check, a test send, then Start (or Delete, after a confirmation). */
export function BroadcastDraftPanel({ broadcast: b, segments, onStarted, onDeleted }: { broadcast: Broadcast; segments: Segment[]; onStarted: (b: Broadcast) => void; onDeleted: (b: Broadcast) => void }) {
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
  const start = () => run(() => changeBroadcast(b.id, 'start'), onStarted, setBusy);
  const remove = () => run(() => deleteBroadcast(b.id), () => onDeleted(b), setBusy);
  const later = b.schedule.type !== 'now';

  return (
    <div className="draft">
      <BroadcastSummary broadcast={b} segments={segments} />
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
        <div className="row">
          <button type="button" onClick={start} disabled={!plan || plan.sendable === 0 || busy}>
            {later ? 'Schedule' : plan ? `Start sending to ${formatCount(plan.sendable)}` : 'Start sending'}
          </button>
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
