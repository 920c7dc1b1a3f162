import { listPhoneNumbers } from './api-client';
import { formatTier, formatTime } from './format';
import { useResource } from './use-resource';

/** Read-only list of connected WhatsApp numbers: sandbox badge, quality rating and messaging tier. */
export function PhoneNumbersSection() {
  const numbers = useResource(listPhoneNumbers);
  const rows = numbers.data?.data ?? [];
  return (
    <section aria-labelledby="phone-numbers-title">
      <div className="section-head">
        <h2 id="phone-numbers-title">Phone numbers</h2>
        <button type="button" className="secondary" onClick={numbers.reload}>
          Refresh
        </button>
      </div>
      {numbers.error && (
        <p className="error" role="alert">
          {numbers.error}
        </p>
      )}
      {numbers.data && rows.length === 0 && <p className="muted">No number is connected yet. Connect one through POST /api/v1/phone-numbers (see the README).</p>}
      {rows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Number</th>
              <th>Name</th>
              <th>Quality</th>
              <th>Messaging limit</th>
              <th>Throughput</th>
              <th>Checked</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((n) => (
              <tr key={n.id}>
                <td>
                  {n.display_number} {n.is_sandbox && <span className="badge sandbox">sandbox</span>}
                </td>
                <td>{n.verified_name ?? '—'}</td>
                <td>
                  <span className={`quality quality-${n.quality_rating.toLowerCase()}`}>{n.quality_rating.toLowerCase()}</span>
                </td>
                <td>{formatTier(n.messaging_limit_tier)}</td>
                <td>{n.throughput_mps} msg/s</td>
                <td>{formatTime(n.health_checked_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
