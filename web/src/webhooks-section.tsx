import { useState } from 'react';
import { formatTime } from './format';
import { useResource } from './use-resource';
import { deleteWebhookEndpoint, listWebhookEndpoints, sendWebhookTest, setWebhookEndpointEnabled, type CreatedWebhookEndpoint, type WebhookEndpoint } from './webhooks-api';
import { NewWebhookSecretNotice, WebhookCreateForm } from './webhooks-create-form';
import { WebhookDeliveries } from './webhooks-deliveries';
import { ShopsSection } from './shops-section';

/** Outbound webhooks: endpoints (add one, its secret shown once; test, enable, disable, delete), a banner for endpoints disabled after 24 h of failures, and the delivery log with replay. */
export function WebhooksSection() {
  const endpoints = useResource(listWebhookEndpoints);
  const [created, setCreated] = useState<CreatedWebhookEndpoint>();
  const [selected, setSelected] = useState<string>();
  const [version, setVersion] = useState(0);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();

  async function act(work: () => Promise<unknown>, done: string) {
    setError(undefined);
    setMessage(undefined);
    try {
      await work();
      setMessage(done);
      endpoints.reload();
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  const rows = endpoints.data?.data ?? [];
  const disabled = rows.filter((e) => !e.enabled && e.disabled_reason && e.disabled_reason !== 'disabled by a user');
  const shown = rows.find((e) => e.id === selected);
  return (
    <section aria-labelledby="webhooks-title" className="webhooks">
      <div className="section-head">
        <h2 id="webhooks-title">Webhooks</h2>
      </div>
      <p className="muted">Greenlist POSTs signed events (contacts, consent, messages, broadcasts, automations, conversations, imports) to your systems. Delivery is retried for 3 days.</p>
      {disabled.map((e) => (
        <p key={e.id} className="error" role="alert" data-testid="webhook-disabled-banner">
          {e.url} was disabled: {e.disabled_reason}
        </p>
      ))}
      <WebhookCreateForm
        onCreated={(e) => {
          setCreated(e);
          endpoints.reload();
        }}
      />
      {created && <NewWebhookSecretNotice created={created} onDone={() => setCreated(undefined)} />}
      {(error ?? endpoints.error) && (
        <p className="error" role="alert">
          {error ?? endpoints.error}
        </p>
      )}
      {message && <p role="status">{message}</p>}
      {endpoints.data && rows.length === 0 && <p className="muted">No endpoints yet.</p>}
      {rows.length > 0 && <EndpointTable rows={rows} act={act} onShow={setSelected} />}
      {shown && <WebhookDeliveries endpoint={shown} version={version} />}
      <ShopsSection />
    </section>
  );
}

function EndpointTable({ rows, act, onShow }: { rows: WebhookEndpoint[]; act: (work: () => Promise<unknown>, done: string) => Promise<void>; onShow: (id: string) => void }) {
  return (
    <table>
      <thead>
        <tr>
          <th>URL</th>
          <th>Events</th>
          <th>Status</th>
          <th>Created</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((e) => (
          <tr key={e.id} data-testid="webhook-endpoint-row">
            <td className="wrap">{e.url}</td>
            <td>{e.events.includes('*') ? 'all' : e.events.join(', ')}</td>
            <td>{e.enabled ? <span className="badge">enabled</span> : <span className="badge revoked">disabled</span>}</td>
            <td className="nowrap">{formatTime(e.created_at)}</td>
            <td>
              <span className="row">
                <button type="button" className="secondary" onClick={() => onShow(e.id)}>
                  Deliveries
                </button>
                <button type="button" className="secondary" onClick={() => act(() => sendWebhookTest(e.id), 'Test event sent; see the deliveries.').then(() => onShow(e.id))}>
                  Send test
                </button>
                <button type="button" className="secondary" onClick={() => act(() => setWebhookEndpointEnabled(e.id, !e.enabled), e.enabled ? 'Endpoint disabled.' : 'Endpoint enabled.')}>
                  {e.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" className="danger" onClick={() => act(() => deleteWebhookEndpoint(e.id), 'Endpoint deleted.')}>
                  Delete
                </button>
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
