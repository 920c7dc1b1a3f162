import { useState } from 'react';
import { listApiKeys, revokeApiKey, type ApiKey, type CreatedApiKey } from './api-client';
import { ApiKeyCreateForm, NewApiKeyNotice } from './api-key-create-form';
import { formatTime } from './format';
import { useResource } from './use-resource';

/** API keys: list, create (the key is shown once) and revoke after an in-page confirmation. */
export function ApiKeysSection() {
  const keys = useResource(listApiKeys);
  const [created, setCreated] = useState<CreatedApiKey>();
  const [confirming, setConfirming] = useState<string>();
  const [error, setError] = useState<string>();

  async function revoke(key: ApiKey) {
    setError(undefined);
    try {
      await revokeApiKey(key.id);
      setConfirming(undefined);
      keys.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  const rows = keys.data?.data ?? [];
  const problem = error ?? keys.error;
  return (
    <section aria-labelledby="api-keys-title">
      <div className="section-head">
        <h2 id="api-keys-title">API keys</h2>
      </div>
      <ApiKeyCreateForm
        onCreated={(k) => {
          setCreated(k);
          keys.reload();
        }}
      />
      {created && <NewApiKeyNotice created={created} onDone={() => setCreated(undefined)} />}
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {keys.data && rows.length === 0 && <p className="muted">No API keys yet.</p>}
      {rows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Role</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((k) => (
              <tr key={k.id} data-testid="api-key-row">
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.role}</td>
                <td className="nowrap">{formatTime(k.created_at)}</td>
                <td className="nowrap">{formatTime(k.last_used_at)}</td>
                <td>
                  {k.revoked_at ? (
                    <span className="badge revoked">revoked</span>
                  ) : confirming === k.id ? (
                    <span className="row">
                      <span>Revoke? Apps using it stop at once.</span>
                      <button type="button" className="danger" onClick={() => revoke(k)}>
                        Yes, revoke
                      </button>
                      <button type="button" className="secondary" onClick={() => setConfirming(undefined)}>
                        Cancel
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="secondary" onClick={() => setConfirming(k.id)} aria-label={`Revoke ${k.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
