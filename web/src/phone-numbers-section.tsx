import { useState } from 'react';
import { listPhoneNumbers, type PhoneNumber, type Role } from './api-client';
import { CopyField } from './copy-field';
import { PhoneNumberCard } from './phone-number-card';
import { PhoneNumberConnectForm } from './phone-number-connect-form';
import { webhookUrl } from './phone-numbers-api';
import { canManageWorkspace } from './settings-api';
import { useResource } from './use-resource';
import './topics-numbers.css';

/** What Meta's webhook settings need: the callback URL, and the verify token just chosen (shown only from what was typed, never from the API). */
function WebhookSetup({ verifyToken, onDone }: { verifyToken?: string; onDone?: () => void }) {
  return (
    <div className={verifyToken ? 'notice webhook-setup' : 'card webhook-setup'} data-testid="webhook-setup">
      <h3>{verifyToken ? 'Number connected: now point Meta at Greenlist' : 'Webhook for Meta'}</h3>
      <p>
        In your Meta app, open WhatsApp → Configuration → Webhook, paste this callback URL{verifyToken ? ' and the verify token' : ' and the verify token you chose when connecting'}, click “Verify and save”, then subscribe to the{' '}
        <code>messages</code> field. Replies, delivery receipts and opt-outs arrive this way.
      </p>
      <CopyField id="webhook-url" label="Callback URL" value={webhookUrl()} />
      {verifyToken && <CopyField id="webhook-verify-token" label="Verify token" value={verifyToken} />}
      {verifyToken && (
        <p className="muted small">
          Copy the verify token now: Greenlist stores it encrypted and does not show it again.
        </p>
      )}
      {onDone && (
        <button type="button" className="secondary" onClick={onDone}>
          Done
        </button>
      )}
    </div>
  );
}

/** Connected WhatsApp numbers (rating, tier, Test connection), the webhook address for Meta, and for owners and admins a form to connect one. */
export function PhoneNumbersSection({ role }: { role: Role }) {
  const numbers = useResource(listPhoneNumbers);
  const rows = numbers.data?.data ?? [];
  const canManage = canManageWorkspace(role);
  const [justConnected, setJustConnected] = useState<{ number: PhoneNumber; verifyToken: string }>();
  const [notice, setNotice] = useState<string>();
  return (
    <section aria-labelledby="phone-numbers-title" className="phone-numbers">
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
      {notice && (
        <p role="status" className="notice-line">
          {notice}
        </p>
      )}
      {justConnected && <WebhookSetup verifyToken={justConnected.verifyToken} onDone={() => setJustConnected(undefined)} />}
      {numbers.data && rows.length === 0 && <p className="muted">No number is connected yet.{canManage ? ' Connect your WhatsApp Business number below.' : ' An owner or admin can connect one.'}</p>}
      <div className="number-list">
        {rows.map((n) => (
          <PhoneNumberCard
            key={n.id}
            number={n}
            canManage={canManage}
            onChanged={numbers.reload}
            onRemoved={() => (setNotice(`${n.display_number} disconnected.`), setJustConnected(undefined), numbers.reload())}
          />
        ))}
      </div>
      {canManage && !justConnected && <WebhookSetup />}
      {canManage && <PhoneNumberConnectForm onConnected={(n, verifyToken) => (setNotice(undefined), setJustConnected({ number: n, verifyToken }), numbers.reload())} />}
    </section>
  );
}
