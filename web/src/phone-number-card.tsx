import { useState } from 'react';
import type { PhoneNumber } from './api-client';
import { formatTier, formatTime } from './format';
import { disconnectNumber, testNumberConnection, updateNumber } from './phone-numbers-api';
import { fieldErrorsOf } from './settings-api';
import { SettingInput, SettingsCard, useSave } from './settings-form-parts';

/** The outcome of the last Test connection: what the Cloud API said, or why it refused. */
type TestOutcome = { ok: true; number: PhoneNumber } | { ok: false; message: string };

/** Replaces a number's access token (write-only: the old one is never shown). */
function TokenForm({ number, onSaved }: { number: PhoneNumber; onSaved: (n: PhoneNumber) => void }) {
  const [token, setToken] = useState('');
  const state = useSave(async () => {
    onSaved(await updateNumber(number.id, { access_token: token.trim() }));
    setToken('');
  });
  return (
    <SettingsCard title="Replace access token" submitLabel="Save new token" canEdit state={state} claimed={['access_token']} description="When Meta says the token expired or was revoked, paste a new system-user token here.">
      <SettingInput id={`pn-new-token-${number.id}`} type="password" label="New access token" field="access_token" errors={state.errors} value={token} onChange={setToken} autoComplete="new-password" />
    </SettingsCard>
  );
}

/** One connected number: its rating and tier, Test connection, and (for owners and admins) a new token or disconnecting. */
export function PhoneNumberCard({ number, canManage, onChanged, onRemoved }: { number: PhoneNumber; canManage: boolean; onChanged: (n: PhoneNumber) => void; onRemoved: () => void }) {
  const [test, setTest] = useState<TestOutcome>();
  const [busy, setBusy] = useState(false);
  const [tokenOpen, setTokenOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();

  async function runTest() {
    setBusy(true);
    setTest(undefined);
    try {
      const n = await testNumberConnection(number.id);
      setTest({ ok: true, number: n });
      onChanged(n);
    } catch (err) {
      setTest({ ok: false, message: fieldErrorsOf(err).general ?? String(err) });
    } finally {
      setBusy(false);
    }
  }

  async function disconnect() {
    setBusy(true);
    setError(undefined);
    try {
      await disconnectNumber(number.id);
      onRemoved();
    } catch (err) {
      setError(fieldErrorsOf(err).general ?? String(err));
      setBusy(false);
    }
  }

  const quality = number.quality_rating.toLowerCase();
  return (
    <article className="card number-card" data-testid="number-card" aria-label={`Number ${number.display_number}`}>
      <h3>
        {number.display_number} {number.is_sandbox && <span className="badge sandbox">sandbox</span>}
      </h3>
      <dl className="fields">
        <div>
          <dt>Name</dt>
          <dd>{number.verified_name ?? '—'}</dd>
        </div>
        <div>
          <dt>Quality</dt>
          <dd>
            <span className={`quality quality-${quality}`}>{quality}</span>
          </dd>
        </div>
        <div>
          <dt>Messaging limit</dt>
          <dd>{formatTier(number.messaging_limit_tier)}</dd>
        </div>
        <div>
          <dt>Throughput</dt>
          <dd>{number.throughput_mps} msg/s</dd>
        </div>
        <div>
          <dt>Phone number ID</dt>
          <dd>
            <code>{number.phone_number_id}</code>
          </dd>
        </div>
        <div>
          <dt>Last checked</dt>
          <dd>{formatTime(number.health_checked_at)}</dd>
        </div>
      </dl>
      {canManage && (
        <div className="row">
          <button type="button" onClick={() => void runTest()} disabled={busy}>
            Test connection
          </button>
          <button type="button" className="secondary" aria-expanded={tokenOpen} onClick={() => setTokenOpen(!tokenOpen)}>
            Replace access token
          </button>
          <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={busy || confirming}>
            Disconnect
          </button>
        </div>
      )}
      {test?.ok && (
        <p role="status" className="test-ok" data-testid="connection-ok">
          Connected: the Cloud API answered. Quality <strong>{test.number.quality_rating.toLowerCase()}</strong>, messaging limit <strong>{formatTier(test.number.messaging_limit_tier)}</strong>,{' '}
          {test.number.throughput_mps} msg/s.
        </p>
      )}
      {test && !test.ok && (
        <p role="alert" className="error" data-testid="connection-failed">
          Connection test failed: {test.message}.
        </p>
      )}
      {canManage && tokenOpen && <TokenForm number={number} onSaved={(n) => (setTokenOpen(false), onChanged(n))} />}
      {confirming && (
        <div className="notice-line confirm" role="group" aria-label="Confirm disconnecting">
          <p>
            Disconnect {number.display_number}? Greenlist stops sending from it and no longer accepts its webhooks. Contacts and their consent are kept. You can connect it again later.
          </p>
          <div className="row">
            <button type="button" className="danger" onClick={() => void disconnect()} disabled={busy}>
              Yes, disconnect
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </article>
  );
}
