import { useState } from 'react';
import { ConfirmBar } from './confirm-bar';
import { changeAutomation, type Automation, type AutomationAction } from './automations-api';

/** Publish (the draft as a new version), Pause, Resume and Archive (after a confirmation): only the ones its status allows. */
export function AutomationControls({ automation: a, onChanged }: { automation: Automation; onChanged: (a: Automation) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function act(action: AutomationAction) {
    setBusy(true);
    setError(undefined);
    try {
      onChanged(await changeAutomation(a.id, action));
      setConfirming(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  if (a.status === 'archived') return <p className="muted small">Archived: it enrols nobody and sends nothing more.</p>;
  return (
    <div className="controls">
      <div className="row">
        {/* Once live, publishing again is for a changed draft: not the first thing to press. */}
        <button type="button" className={a.version === null ? undefined : 'secondary'} onClick={() => act('publish')} disabled={busy}>
          {a.version === null ? 'Publish' : `Publish the draft as version ${a.version + 1}`}
        </button>
        {a.status === 'published' && (
          <button type="button" className="secondary" onClick={() => act('pause')} disabled={busy}>
            Pause
          </button>
        )}
        {a.status === 'paused' && (
          <button type="button" onClick={() => act('resume')} disabled={busy}>
            Resume
          </button>
        )}
        {!confirming && (
          <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={busy}>
            Archive
          </button>
        )}
        {confirming && (
          <ConfirmBar label="Confirm archiving" yes="Yes, archive it" no="Keep it" danger busy={busy} onYes={() => act('archive')} onNo={() => setConfirming(false)}>
            Archive it? Everyone still in it leaves now; this cannot be undone.
          </ConfirmBar>
        )}
      </div>
      <p className="muted small">
        {a.status === 'draft' && 'Publishing checks the steps and starts it: from then on it enrols people.'}
        {a.status === 'published' && 'Pausing holds everyone where they are and enrols nobody new. Publishing again moves nobody already in it: they finish the version they started.'}
        {a.status === 'paused' && 'Paused: nobody moves on and nobody new is enrolled until you resume.'}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
