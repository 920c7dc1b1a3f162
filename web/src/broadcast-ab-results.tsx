import { useState } from 'react';
import { formatCount } from './broadcast-format';
import { pickAbWinner, type AbTest, type Broadcast } from './broadcasts-api';
import { ConfirmBar } from './confirm-bar';
import { formatTime } from './format';
import { useCan } from './permissions';

const STATUS: Record<AbTest['status'], string> = {
  not_started: 'Not started',
  testing: 'Testing',
  waiting_for_pick: 'Waiting for a winner to be confirmed',
  rest_sending: 'Sending the winner to the rest',
  done: 'Done',
};

const METRIC: Record<string, string> = { read: 'read rate', reply: 'reply rate', click: 'click rate', conversion: 'conversion rate' };

const pct = (r: number) => `${(r * 100).toFixed(1)} %`;

/** The group's name as a person reads it. */
function groupLabel(key: string): string {
  return key === 'holdout' ? 'Holdout (control)' : key === 'rest' ? 'Rest' : `Variant ${key}`;
}

/** The A/B results of a started broadcast: a row per variant (and holdout, rest), the leader's confidence, and "Send the winner to the rest" for managers. */
export function BroadcastAbResults({ broadcast: b, onChanged }: { broadcast: Broadcast; onChanged: () => void }) {
  const canManage = useCan('broadcasts:manage');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const ab = b.ab_test;
  if (!ab) return null;
  const canPick = canManage && (ab.status === 'testing' || ab.status === 'waiting_for_pick') && b.status !== 'cancelled';

  async function pick() {
    setBusy(true);
    setError(undefined);
    try {
      await pickAbWinner(b.id);
      setConfirming(false);
      onChanged();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="ab-results-title" data-testid="ab-results">
      <h4 id="ab-results-title">A/B test</h4>
      <p data-testid="ab-status">
        {`${STATUS[ab.status]} · ${ab.test_percent} % tested, ${ab.holdout_percent} % held out · winner by ${METRIC[ab.metric] ?? ab.metric}`}
        {ab.test_ends_at && ab.status === 'testing' ? ` · window ends ${formatTime(ab.test_ends_at)}` : ''}
      </p>
      <div className="table-scroll">
        <table aria-label="A/B results per variant">
          <thead>
            <tr>
              <th>Group</th>
              <th>Sent</th>
              <th>Delivered</th>
              <th>Read</th>
              <th>Replied</th>
              <th>Clicked</th>
              <th>Converted</th>
            </tr>
          </thead>
          <tbody>
            {ab.variants.map((v) => (
              <tr key={v.key} data-testid={`ab-row-${v.key}`}>
                <th scope="row">
                  {groupLabel(v.key)}
                  {v.key === ab.winner ? ' (winner)' : v.key === ab.leader && !ab.winner ? ' (leading)' : ''}
                  {v.template && <span className="muted small">{` · ${v.template.name}`}</span>}
                </th>
                <td>{v.key === 'holdout' ? `${formatCount(v.recipients)} held out` : formatCount(v.sent)}</td>
                <td>{`${formatCount(v.delivered)} (${pct(v.rates.delivered)})`}</td>
                <td>{`${formatCount(v.read)} (${pct(v.rates.read)})`}</td>
                <td>{`${formatCount(v.replied)} (${pct(v.rates.replied)})`}</td>
                <td>{`${formatCount(v.clicked)} (${pct(v.rates.clicked)})`}</td>
                <td>{`${formatCount(v.converted)} (${pct(v.rates.converted)})`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {ab.comparison && ab.leader && ab.runner_up && (
        <p data-testid="ab-confidence">
          {`Variant ${ab.leader} leads variant ${ab.runner_up} with ${pct(ab.comparison.confidence)} confidence (two-proportion z-test: z = ${ab.comparison.z.toFixed(2)}, p = ${ab.comparison.p_value.toFixed(3)}).`}
        </p>
      )}
      {ab.winner && <p className="notice-line" role="status">{`Winner: variant ${ab.winner}${ab.picked_by === 'auto' ? ' (picked automatically)' : ''}${ab.picked_at ? `, ${formatTime(ab.picked_at)}` : ''}.`}</p>}
      {canPick && !confirming && (
        <button type="button" onClick={() => setConfirming(true)} disabled={busy}>
          Send the winner to the rest
        </button>
      )}
      {confirming && (
        <ConfirmBar label="Confirm the winner" yes={`Yes, send variant ${ab.leader ?? 'A'}`} no="Not now" busy={busy} onYes={pick} onNo={() => setConfirming(false)}>
          {`Send variant ${ab.leader ?? 'A'} to the rest of the audience? This happens once; consent, quiet hours and caps are checked again for each person.`}
        </ConfirmBar>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
