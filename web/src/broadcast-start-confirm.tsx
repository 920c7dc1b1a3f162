import { listPhoneNumbers } from './api-client';
import { formatCount } from './broadcast-format';
import type { Broadcast, BroadcastEstimate } from './broadcasts-api';
import { ConfirmBar } from './confirm-bar';
import { formatInstant } from './overview-format';
import { useResource } from './use-resource';
import './broadcast-start-confirm.css';

/** Who the audience check leaves out, by reason, in words ("2 without consent to the topic, …"); empty when nobody. */
export function skippedParts(plan: BroadcastEstimate): string[] {
  const parts: [number, string][] = [
    [plan.excluded, 'left out by the excluded segment'],
    [plan.no_consent, 'without consent to the topic'],
    [plan.consent_withdrawn, 'who withdrew consent'],
    [plan.unreachable, 'unreachable (not on WhatsApp)'],
    [plan.suppressed, 'on the suppression list'],
  ];
  return parts.filter(([n]) => n > 0).map(([n, why]) => `${formatCount(n)} ${why}`);
}

/** When it goes out, in the workspace's zone for a fixed time. */
export function whenText(b: Broadcast, timeZone: string): string {
  const s = b.schedule;
  if (s.type === 'now') return 'now';
  if (s.type === 'at') return `at ${formatInstant(b.start_at ?? s.at, timeZone)} (${timeZone})`;
  if (s.type === 'best_hour') return `on ${s.date} at the best send time's hour for that weekday (chosen when it starts; ${s.fallback_time ?? '10:00'} if there is too little history), in each recipient's own time zone`;
  return `on ${s.date} at ${s.time} in each recipient's own time zone`;
}

/** The confirmation before Start or Schedule: the template, who gets it (and who is skipped, why), the sending number and when. */
export function BroadcastStartConfirm({ broadcast: b, plan, timeZone, busy, onConfirm, onCancel }: { broadcast: Broadcast; plan: BroadcastEstimate; timeZone: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const numbers = useResource(listPhoneNumbers);
  const number = numbers.data?.data.find((n) => n.id === b.number_id);
  const from = number ? `${number.display_number}${number.verified_name ? ` (${number.verified_name})` : ''}` : numbers.loading ? '…' : 'the connected number';
  const skipped = skippedParts(plan);
  const later = b.schedule.type !== 'now';
  return (
    <div className="start-confirm" data-testid="start-confirm">
      <ConfirmBar label={later ? 'Confirm scheduling' : 'Confirm starting'} yes={later ? 'Yes, schedule it' : 'Yes, start sending'} no="Not yet" busy={busy} onYes={onConfirm} onNo={onCancel}>
        <span>
          <strong>{later ? 'Schedule this broadcast?' : 'Start sending now?'}</strong>
          <ul className="plain">
            <li data-testid="confirm-template">{`Template: ${b.template.name} (${b.template.language})`}</li>
            <li data-testid="confirm-audience">{`Sends to ${formatCount(plan.sendable)} of ${formatCount(plan.matched)} in the audience`}</li>
            <li data-testid="confirm-skipped">{skipped.length > 0 ? `Skipped: ${skipped.join(', ')}` : 'Nobody is skipped'}</li>
            {plan.paused_by_contact > 0 && <li>{`${formatCount(plan.paused_by_contact)} of them paused offers: skipped while the pause lasts`}</li>}
            {plan.frequency_capped > 0 && <li data-testid="confirm-capped">{`${formatCount(plan.frequency_capped)} at the frequency cap wait until it frees up`}</li>}
            <li data-testid="confirm-from">{`From: ${from}`}</li>
            <li data-testid="confirm-when">{`When: ${whenText(b, timeZone)}`}</li>
          </ul>
        </span>
      </ConfirmBar>
    </div>
  );
}
