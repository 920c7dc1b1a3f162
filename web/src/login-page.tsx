import { useState, type FormEvent } from 'react';
import { getSetupStatus, logIn, type Me } from './api-client';
import { useResource } from './use-resource';

/** Login form: workspace slug (default "default"), email and password; shows the API's error message. */
export function LoginPage({ onLoggedIn }: { onLoggedIn: (me: Me) => void }) {
  const [workspace, setWorkspace] = useState('default');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const setup = useResource(getSetupStatus);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onLoggedIn(await logIn({ workspace: workspace.trim(), email: email.trim(), password }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit}>
        <h1>Greenlist</h1>
        <p className="muted">Sign in to manage your workspace.</p>
        {setup.data?.setup_needed && (
          <p className="notice" role="status">
            No one can log in yet. Open the one-time setup link that <code>greenlist start</code> printed in its console to create the owner.
          </p>
        )}
        <label htmlFor="login-workspace">Workspace</label>
        <input id="login-workspace" value={workspace} onChange={(e) => setWorkspace(e.target.value)} required autoComplete="organization" />
        <label htmlFor="login-email">Email</label>
        <input id="login-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" autoFocus />
        <label htmlFor="login-password">Password</label>
        <input id="login-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
