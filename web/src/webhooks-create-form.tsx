import { useState, type FormEvent } from 'react';
import { ApiError } from './api-client';
import { createWebhookEndpoint, WEBHOOK_EVENTS, type CreatedWebhookEndpoint, type WebhookEndpointBody } from './webhooks-api';

/** Adds an endpoint: URL and the events it receives; hands the created endpoint (secret shown once) to `onCreated`. */
export function WebhookCreateForm({ onCreated }: { onCreated: (e: CreatedWebhookEndpoint) => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['*']);
  const [error, setError] = useState<{ message: string; field?: string }>();
  const [busy, setBusy] = useState(false);

  function toggle(ev: string) {
    if (ev === '*') return setEvents(events.includes('*') ? [] : ['*']);
    const rest = events.filter((e) => e !== '*');
    setEvents(rest.includes(ev) ? rest.filter((e) => e !== ev) : [...rest, ev]);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await createWebhookEndpoint({ url, events: events as WebhookEndpointBody['events'] }));
      setUrl('');
    } catch (err) {
      const field = err instanceof ApiError ? (err.details.fields as { field: string }[] | undefined)?.[0]?.field : undefined;
      setError({ message: err instanceof Error ? err.message : String(err), ...(field ? { field } : {}) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form webhooks-form" onSubmit={submit} aria-label="Add a webhook endpoint">
      <label htmlFor="hook-url">Endpoint URL</label>
      <input id="hook-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} required maxLength={2000} placeholder="https://crm.example.com/hooks/greenlist" aria-invalid={error?.field === 'url' ? true : undefined} />
      <fieldset>
        <legend>Events</legend>
        {['*', ...WEBHOOK_EVENTS].map((ev) => (
          <label key={ev} className="checkbox">
            <input type="checkbox" checked={events.includes(ev)} onChange={() => toggle(ev)} />
            {ev === '*' ? 'All events' : ev}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={busy}>
        Add endpoint
      </button>
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
    </form>
  );
}

/** Shows a new endpoint's signing secret once; the API never returns it again. */
export function NewWebhookSecretNotice({ created, onDone }: { created: CreatedWebhookEndpoint; onDone: () => void }) {
  return (
    <div className="notice" role="status" data-testid="new-webhook-secret">
      <p>
        <strong>Copy this signing secret now.</strong> It is shown only this once; your receiver checks each request's <code>webhook-signature</code> with it (see the README).
      </p>
      <code className="secret">{created.secret ?? ''}</code>
      <div className="row">
        <button type="button" className="secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
