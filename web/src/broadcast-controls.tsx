import { useState } from 'react';
import { ConfirmBar } from './confirm-bar';
import { changeBroadcast, type Broadcast, type BroadcastAction } from './broadcasts-api';

/** Pause (sending or scheduled), Resume (paused) and Cancel (after a confirmation in the page). */
export function BroadcastControls({ broadcast: b, onChanged }: { broadcast: Broadcast; onChanged: (b: Broadcast) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function act(action: BroadcastAction) {
    setBusy(true);
    setError(undefined);
    try {
      onChanged(await changeBroadcast(b.id, action));
      setConfirming(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const canPause = b.status === 'sending' || b.status === 'scheduled';
  const canResume = b.status === 'paused';
  const canCancel = b.status === 'sending' || b.status === 'scheduled' || b.status === 'paused';
  if (!canPause && !canResume && !canCancel) return null;
  return (
    <div className="controls">
      <div className="row">
        {canPause && (
          <button type="button" className="secondary" onClick={() => act('pause')} disabled={busy}>
            Pause
          </button>
        )}
        {canResume && (
          <button type="button" onClick={() => act('resume')} disabled={busy}>
            Resume
          </button>
        )}
        {canCancel && !confirming && (
          <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={busy}>
            Cancel broadcast
          </button>
        )}
        {canCancel && confirming && (
          <ConfirmBar label="Confirm cancelling" yes="Yes, cancel it" no="Keep sending" danger busy={busy} onYes={() => act('cancel')} onNo={() => setConfirming(false)}>
            Cancel it? Nobody still waiting gets the message; this cannot be undone.
          </ConfirmBar>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
