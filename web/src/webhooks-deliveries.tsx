import { useState } from 'react';
import { formatTime } from './format';
import { useResource } from './use-resource';
import { listWebhookDeliveries, replayWebhookDelivery, type WebhookEndpoint } from './webhooks-api';

/** One endpoint's delivery log, newest first: status, event, attempts, answer, latency; any delivery can be replayed. */
export function WebhookDeliveries({ endpoint, version }: { endpoint: WebhookEndpoint; version: number }) {
  const log = useResource(() => listWebhookDeliveries(endpoint.id), `${endpoint.id}:${version}`);
  const [error, setError] = useState<string>();

  async function replay(id: string) {
    setError(undefined);
    try {
      await replayWebhookDelivery(id);
      log.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  const rows = log.data?.data ?? [];
  return (
    <div className="webhook-deliveries" aria-label={`Deliveries to ${endpoint.url}`} role="region">
      <div className="row">
        <h3>Deliveries to {endpoint.url}</h3>
        <button type="button" className="secondary" onClick={log.reload}>
          Refresh
        </button>
      </div>
      {(error ?? log.error) && (
        <p className="error" role="alert">
          {error ?? log.error}
        </p>
      )}
      {log.data && rows.length === 0 && <p className="muted">No deliveries yet.</p>}
      {rows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Created</th>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Answer</th>
              <th>Latency</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} data-testid="webhook-delivery-row">
                <td className="nowrap">{formatTime(d.created_at)}</td>
                <td>
                  <code>{d.event_type}</code>
                </td>
                <td>
                  <span className={`badge ${d.status}`}>{d.status}</span>
                  {d.status === 'pending' && d.next_attempt_at && <span className="muted"> next {formatTime(d.next_attempt_at)}</span>}
                </td>
                <td>{d.attempts}</td>
                <td title={d.response_snippet ?? undefined}>{d.last_status_code ?? d.last_error ?? '—'}</td>
                <td>{d.latency_ms === null ? '—' : `${d.latency_ms} ms`}</td>
                <td>
                  <button type="button" className="secondary" onClick={() => replay(d.id)} aria-label={`Replay ${d.event_type} ${d.id}`}>
                    Replay
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
