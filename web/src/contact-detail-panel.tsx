import { useEffect, useRef } from 'react';
import { getContact, getContactConsent } from './api-client';
import { ConsentEventsList } from './consent-events-list';
import { ConsentStateTable } from './consent-state-table';
import { ContactFields } from './contact-fields';
import { PreferenceState } from './preference-state';
import { useResource } from './use-resource';

/** One contact: its fields, a "suppressed" badge, consent per topic and the full proof-of-consent ledger. */
export function ContactDetailPanel({ contactId, onClose }: { contactId: string; onClose: () => void }) {
  const contact = useResource(() => getContact(contactId), contactId);
  const consent = useResource(() => getContactConsent(contactId), contactId);
  const heading = useRef<HTMLHeadingElement>(null);
  // Move focus to the panel when another contact opens, so keyboard and screen-reader users land on it.
  useEffect(() => heading.current?.focus(), [contactId]);

  const c = contact.data;
  const problem = contact.error ?? consent.error;
  function refresh() {
    contact.reload();
    consent.reload();
  }

  return (
    <section className="card detail" aria-labelledby="contact-detail-title" data-testid="contact-detail" aria-busy={contact.loading || consent.loading}>
      <div className="section-head">
        <h3 id="contact-detail-title" ref={heading} tabIndex={-1}>
          {c ? (c.name ?? c.profile_name ?? c.phone) : 'Contact'}{' '}
          {consent.data?.suppressed && (
            <span className="badge suppressed" title="Opted out or blocked: Greenlist sends this number nothing">
              suppressed
            </span>
          )}
        </h3>
        <span className="row">
          <button type="button" className="secondary" onClick={refresh}>
            Refresh
          </button>
          <button type="button" className="secondary" onClick={onClose} aria-label="Close the contact">
            Close
          </button>
        </span>
      </div>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {c && <ContactFields contact={c} />}
      {consent.data && (
        <>
          <h4>Consent per topic</h4>
          <ConsentStateTable state={consent.data.state} />
          <PreferenceState prefs={consent.data.preferences} />
          <h4>Proof of consent</h4>
          <p className="muted small">Every grant and withdrawal, oldest first, with the evidence recorded at the time.</p>
          <ConsentEventsList events={consent.data.events} />
        </>
      )}
    </section>
  );
}
