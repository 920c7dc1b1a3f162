import { BroadcastControls } from './broadcast-controls';
import { BroadcastCountsView } from './broadcast-counts';
import { doneCount, formatCount } from './broadcast-format';
import { BroadcastRecipients } from './broadcast-recipients';
import { BroadcastResend } from './broadcast-resend';
import type { Broadcast } from './broadcasts-api';
import { formatTime } from './format';
import { useCan } from './permissions';

/** Progress bar and "n of m done": sent, failed, skipped or cancelled out of everyone planned. */
function ProgressBar({ broadcast: b }: { broadcast: Broadcast }) {
  const planned = b.counts.planned;
  const done = doneCount(b.counts);
  const pct = planned === 0 ? 100 : Math.floor((done / planned) * 100);
  return (
    <>
      <div className="progress-line">
        <progress max={Math.max(planned, 1)} value={planned === 0 ? 1 : done} aria-label="Progress" />
        <span data-testid="progress-text">{`${formatCount(done)} of ${formatCount(planned)} done (${pct}%)`}</span>
      </div>
      <p className="muted small">
        {b.started_at && `Started ${formatTime(b.started_at)}`}
        {b.finished_at && ` · finished ${formatTime(b.finished_at)}`}
      </p>
    </>
  );
}

/** Why the broadcast is paused: a banner when the engine paused it, a note when a person did. */
function PauseNotice({ broadcast: b }: { broadcast: Broadcast }) {
  if (b.status !== 'paused') return null;
  if (b.pause_code !== 'MANUAL') {
    return (
      <div className="banner" role="alert" data-testid="pause-banner">
        <strong>Paused automatically{b.pause_code ? ` (${b.pause_code})` : ''}:</strong> {b.pause_reason ?? 'no reason was given; check the number and the template, then resume.'}
      </div>
    );
  }
  return (
    <p className="notice-line" data-testid="pause-note">
      {b.pause_reason ? `Paused: ${b.pause_reason}.` : 'Paused.'} Resume to go on.
    </p>
  );
}

/** A broadcast past its draft: pause notice, progress bar, counts, controls (and Resend to failed) and the recipients (once sending began). */
export function BroadcastProgress({ broadcast: b, onChanged, onReload }: { broadcast: Broadcast; onChanged: (b: Broadcast) => void; onReload?: () => void }) {
  const canManage = useCan('broadcasts:manage');
  // Recipients are chosen when sending begins; before that there is nothing to count.
  const begun = b.started_at !== null || b.counts.planned > 0;
  return (
    <div className="progress-view">
      <PauseNotice broadcast={b} />
      {b.status === 'scheduled' && <p className="muted" data-testid="scheduled-note">{`Scheduled for ${formatTime(b.start_at)}. Recipients are chosen when it starts.`}</p>}
      {!begun && b.status === 'paused' && <p className="muted">It has not started yet: recipients are chosen when it does.</p>}
      {!begun && b.status === 'cancelled' && <p className="muted">It was cancelled before it started; nobody got it.</p>}
      {begun && <ProgressBar broadcast={b} />}
      {begun && <BroadcastCountsView broadcast={b} />}
      {canManage && <BroadcastControls broadcast={b} onChanged={onChanged} />}
      {begun && canManage && <BroadcastResend broadcast={b} onResent={() => onReload?.()} />}
      {begun && <BroadcastRecipients broadcastId={b.id} version={`${b.status}|${JSON.stringify(b.counts)}|${b.next_attempt_at ?? ''}`} />}
    </div>
  );
}
