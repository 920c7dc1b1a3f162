import { useState, type FormEvent } from 'react';
import { createApiKey, ROLES, type CreatedApiKey, type Role } from './api-client';

/** Form that creates an API key with a name and role; hands the created key (shown once) to `onCreated`. */
export function ApiKeyCreateForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('admin');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await createApiKey({ name, role }));
      setName('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form" onSubmit={submit} aria-label="Create an API key">
      <label htmlFor="key-name">Key name</label>
      <input id="key-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="e.g. shop backend" />
      <label htmlFor="key-role">Role</label>
      <select id="key-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <button type="submit" disabled={busy}>
        Create key
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** Shows a just-created key once, with a copy button; the API never returns it again. */
export function NewApiKeyNotice({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const [copied, setCopied] = useState<string>();
  // The API leaves the key out only of an idempotent replay, which the UI never makes.
  const key = created.key ?? '';
  async function copy() {
    try {
      await navigator.clipboard.writeText(key);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('Copying was blocked: select the key and copy it by hand.');
    }
  }
  return (
    <div className="notice" role="status" data-testid="new-api-key">
      <p>
        <strong>Copy this key now.</strong> It is shown only this once; Greenlist keeps only a hash of it.
      </p>
      <code className="secret">{key}</code>
      <div className="row">
        <button type="button" onClick={copy}>
          Copy
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Done
        </button>
        {copied && <span className="muted">{copied}</span>}
      </div>
    </div>
  );
}
