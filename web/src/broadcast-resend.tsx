import { useState } from 'react';
import { formatCount } from './broadcast-format';
import { resendFailed, type Broadcast, type ResendResult } from './broadcasts-api';
import { ConfirmBar } from './confirm-bar';
import { formatTime } from './format';

/** The result of a resend in words: queued again, then who was not and why. */
function resultText(r: ResendResult): string {
  const n = r.not_eligible;
  const parts = [
    n.permanent_error > 0 && `${formatCount(n.permanent_error)} failed for good (e.g. not on WhatsApp, stopped marketing)`,
    n.already_resent > 0 && `${formatCount(n.already_resent)} already resent once`,
    n.marketing_limit_wait > 0 && `${formatCount(n.marketing_limit_wait)} held back by WhatsApp's per-user marketing limit${r.next_resend_at ? ` (resend after ${formatTime(r.next_resend_at)})` : ''}`,
  ].filter(Boolean);
  return `${formatCount(r.requeued)} queued again.${parts.length > 0 ? ` Not resent: ${parts.join('; ')}.` : ''}`;
}

/** "Resend to failed (N)" on a finished broadcast with failures: a confirmation, then the result. */
export function BroadcastResend({ broadcast: b, onResent }: { broadcast: Broadcast; onResent: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ResendResult>();
  const [error, setError] = useState<string>();
  if (b.status !== 'completed' || (b.counts.failed === 0 && !result)) return null;

  async function resend() {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await resendFailed(b.id));
      setConfirming(false);
      onResent();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="controls" data-testid="resend-failed">
      <div className="row">
        {!confirming && b.counts.failed > 0 && (
          <button type="button" className="secondary" onClick={() => setConfirming(true)} disabled={busy}>
            {`Resend to failed (${formatCount(b.counts.failed)})`}
          </button>
        )}
        {confirming && (
          <ConfirmBar label="Confirm resending" yes="Yes, resend" no="Not now" busy={busy} onYes={resend} onNo={() => setConfirming(false)}>
            Resend to failed recipients? Only temporary errors are resent, each person at most once, and consent is checked again.
          </ConfirmBar>
        )}
      </div>
      {result && (
        <p className="notice-line" role="status" data-testid="resend-result">
          {resultText(result)}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
