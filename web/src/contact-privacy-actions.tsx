import { useState } from 'react';
import type { Contact } from './api-client';
import { eraseContact, exportContact } from './contacts-api';
import { useCan } from './permissions';

/** Saves `data` as a JSON file named `name` through a temporary download link. */
function downloadJson(name: string, data: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Data-subject requests for one contact: download everything held (access request) and erase, after a confirmation that says what erasure does. */
export function ContactPrivacyActions({ contact, onErased }: { contact: Contact; onErased: () => void }) {
  const canWrite = useCan('contacts:write');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const who = contact.name ?? contact.profile_name ?? contact.phone ?? 'this contact';

  function download() {
    setError(undefined);
    exportContact(contact.id).then(
      (data) => (downloadJson(`contact-${contact.id}.json`, data), setNotice('Downloaded everything held about this contact (JSON).')),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }

  function erase() {
    setBusy(true);
    setError(undefined);
    eraseContact(contact.id).then(
      () => onErased(),
      (err: unknown) => (setError(err instanceof Error ? err.message : String(err)), setBusy(false)),
    );
  }

  return (
    <div className="contact-privacy">
      <h4>Privacy requests</h4>
      <p className="row">
        <button type="button" className="secondary" onClick={download}>
          Export data (JSON)
        </button>
        {canWrite && (
          <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={confirming}>
            Erase contact…
          </button>
        )}
      </p>
      {notice && (
        <p className="muted small" role="status">
          {notice}
        </p>
      )}
      {confirming && (
        <div className="confirm-box" role="alertdialog" aria-labelledby="erase-title" aria-describedby="erase-what">
          <p id="erase-title">
            <strong>Erase {who}?</strong>
          </p>
          <ul id="erase-what" className="small">
            <li>The contact (name, number, tags, attributes, notes) and the traces of the number in delivery records, webhooks and opt-in forms are deleted. This cannot be undone.</li>
            <li>The consent history keeps only that events happened: their evidence and the link to this person are removed.</li>
            <li>The number stays suppressed (kept only as a one-way hash): Greenlist will never message it again, even if it is imported later.</li>
          </ul>
          <p className="row">
            <button type="button" className="danger" onClick={erase} disabled={busy}>
              {busy ? 'Erasing…' : 'Yes, erase'}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)} disabled={busy}>
              Keep the contact
            </button>
          </p>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
