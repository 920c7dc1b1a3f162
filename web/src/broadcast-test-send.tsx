import { useEffect, useState, type FormEvent } from 'react';
import { listTestSends, testBroadcast, type TestSend, type TestSendResult } from './broadcasts-api';
import { statusLabel } from './broadcast-format';

/** Statuses after which a test send does not change any more. */
const FINAL = new Set(['rejected', 'delivered', 'read', 'failed']);
const POLL_MS = 1_500;
/** How long to follow a test send for its final status (WhatsApp's async failures come within seconds). */
const FOLLOW_MS = 60_000;

/** What the status badge does not say: the error code of a failure, or that the final status is still to come. */
function detailOf(t: TestSend): string {
  if (t.status === 'rejected') return t.error ?? '';
  if (t.status === 'failed') return t.error_code !== null ? `error ${t.error_code}` : '';
  if (t.status === 'accepted' || t.status === 'sent') return 'waiting for delivery…';
  return '';
}

/**
 * Sends the message to the team's own numbers first (comma-separated; empty: the workspace's test
 * numbers), then follows each send to its final status: "accepted" is not "delivered", and a number
 * that is not on WhatsApp fails seconds later (131026).
 */
export function BroadcastTestSend({ broadcastId }: { broadcastId: string }) {
  const [to, setTo] = useState('');
  const [result, setResult] = useState<TestSendResult>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [sentAt, setSentAt] = useState(0);

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
      setSentAt(Date.now());
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  // Follow the sends of the last test until each has a final status (or a minute has passed).
  const pending = result?.results.some((r) => !FINAL.has(r.status)) ?? false;
  useEffect(() => {
    if (!pending) return;
    const ids = new Set(result!.results.map((r) => r.id));
    const timer = setInterval(() => {
      if (Date.now() - sentAt > FOLLOW_MS) return clearInterval(timer);
      listTestSends(broadcastId)
        .then((page) => {
          const latest = new Map(page.data.filter((t) => ids.has(t.id)).map((t) => [t.id, t]));
          setResult((cur) => (cur ? { ...cur, results: cur.results.map((r) => latest.get(r.id) ?? r) } : cur));
        })
        .catch(() => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [pending, broadcastId, sentAt, result]);

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
              <li key={r.id} className={r.status === 'failed' || r.status === 'rejected' ? 'error' : undefined} data-testid="test-send-status">
                {`${r.to}: `}
                <span className={`badge tstatus-${r.status}`}>{statusLabel(r.status)}</span>
                {detailOf(r) && <span className="muted">{` ${detailOf(r)}`}</span>}
              </li>
            ))}
          </ul>
          <p className="message-text bubble">{result.text}</p>
        </div>
      )}
    </form>
  );
}
