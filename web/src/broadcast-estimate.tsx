import { formatCount, formatMoney } from './broadcast-format';
import type { BroadcastEstimate } from './broadcasts-api';
import { formatTier } from './format';

/** One line of the audience check; `testId` lets the browser test read the number. */
function Line({ label, value, testId, strong, hint }: { label: string; value: string; testId: string; strong?: boolean; hint?: string }) {
  return (
    <tr className={strong ? 'total' : undefined}>
      <th scope="row">
        {label}
        {hint && <div className="muted small">{hint}</div>}
      </th>
      <td className="num" data-testid={testId}>
        {strong ? <strong>{value}</strong> : value}
      </td>
    </tr>
  );
}

/** The plan before sending: the audience, every exclusion by reason, who can be sent to, the messaging limit, quiet hours and cost. */
export function BroadcastEstimateView({ plan }: { plan: BroadcastEstimate }) {
  const ml = plan.messaging_limit;
  const countries = Object.entries(plan.cost.by_country).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="estimate" data-testid="broadcast-estimate">
      <table aria-label="Audience check" className="compact">
        <tbody>
          <Line label="In the audience" value={formatCount(plan.matched)} testId="estimate-matched" />
          <Line label="Left out by the segment excluded" value={`− ${formatCount(plan.excluded)}`} testId="estimate-excluded" />
          <Line label="No consent to the topic" value={`− ${formatCount(plan.no_consent)}`} testId="estimate-no-consent" />
          <Line label="Consent withdrawn" value={`− ${formatCount(plan.consent_withdrawn)}`} testId="estimate-withdrawn" />
          <Line label="Unreachable (not on WhatsApp)" value={`− ${formatCount(plan.unreachable)}`} testId="estimate-unreachable" />
          <Line label="On the suppression list" value={`− ${formatCount(plan.suppressed)}`} testId="estimate-suppressed" hint="Kept in the plan, skipped when sending." />
          <Line label="Sendable" value={formatCount(plan.sendable)} testId="estimate-sendable" strong />
          <Line label="At the frequency cap" value={formatCount(plan.frequency_capped)} testId="estimate-frequency-capped" hint="Held back until the cap frees up, not dropped." />
          <Line label="Paused by the person" value={formatCount(plan.paused_by_contact)} testId="estimate-paused" hint="They paused offers in the preference centre: skipped while the pause lasts." />
        </tbody>
      </table>
      <h4>Messaging limit</h4>
      <p data-testid="estimate-messaging-limit">
        {ml.limit === null
          ? `Tier ${ml.tier ? formatTier(ml.tier) : 'unknown'}: no daily cap.`
          : `${formatTier(ml.tier ?? '')}: ${formatCount(ml.used_24h)} people reached outside a chat window in the last 24 h, ${formatCount(ml.available_now ?? 0)} more now.`}
      </p>
      <p data-testid="estimate-spill" className={ml.spill > 0 ? 'warning' : 'muted'}>
        {ml.spill > 0
          ? `${formatCount(ml.spill)} over the limit: they wait until the 24-hour window frees up.`
          : 'Everyone fits within the limit (0 over).'}
      </p>
      <h4>Quiet hours</h4>
      <p data-testid="estimate-quiet-hours" className="muted">
        {plan.quiet_hours ? `No marketing from ${plan.quiet_hours.start} to ${plan.quiet_hours.end} in each recipient's zone; those sends wait.` : 'None apply to this broadcast.'}
      </p>
      <h4>Estimated cost</h4>
      <p data-testid="estimate-cost">
        <strong>{formatMoney(plan.cost.total, plan.cost.currency)}</strong> <span className="muted small">(Meta's price per delivered message; an estimate)</span>
      </p>
      {countries.length > 0 && (
        <table aria-label="Cost by country" className="compact">
          <thead>
            <tr>
              <th>Country</th>
              <th className="num">Recipients</th>
              <th className="num">Rate</th>
              <th className="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {countries.map(([country, c]) => (
              <tr key={country} data-testid="cost-row">
                <td>{country === '*' ? 'other' : country}</td>
                <td className="num">{formatCount(c.recipients)}</td>
                <td className="num">{formatMoney(c.rate, plan.cost.currency, 4)}</td>
                <td className="num">{formatMoney(c.cost, plan.cost.currency, 4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
