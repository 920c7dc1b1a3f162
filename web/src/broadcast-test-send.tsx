import { useState, type FormEvent } from 'react';
import { testBroadcast, type TestSendResult } from './broadcasts-api';

/** Sends the message to the team's own numbers first (comma-separated; empty: the workspace's test numbers). */
export function BroadcastTestSend({ broadcastId }: { broadcastId: string }) {
  const [to, setTo] = useState('');
  const [result, setResult] = useState<TestSendResult>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function send(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    const numbers = to
      .split(/[,\s]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    try {
      setResult(await testBroadcast(broadcastId, numbers.length ? numbers : undefined));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="test-send" onSubmit={send} aria-label="Test send" data-testid="test-send">
      <div className="inline-form">
        <label htmlFor="test-numbers">Test numbers</label>
        <input id="test-numbers" value={to} onChange={(e) => setTo(e.target.value)} placeholder="+447700900123, +2348030000000" size={34} />
        <button type="submit" className="secondary" disabled={busy}>
          {busy ? 'Sending…' : 'Send test'}
        </button>
      </div>
      <p className="muted small">Up to 5 numbers in international format; leave it empty to use the workspace's test numbers. The variables take sample values.</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <div role="status" data-testid="test-send-result">
          <ul className="plain">
            {result.results.map((r) => (
              <li key={r.to} className={r.error ? 'error' : undefined}>
                {r.error ? `${r.to}: not sent (${r.error})` : `${r.to}: sent`}
              </li>
            ))}
          </ul>
          <p className="message-text bubble">{result.text}</p>
        </div>
      )}
    </form>
  );
}
