import { useEffect, useRef, useState } from 'react';
import { getContact, getContactConsent, type AttributeDefinition } from './api-client';
import { ConsentEventsList } from './consent-events-list';
import { ConsentStateTable } from './consent-state-table';
import { ContactFields } from './contact-fields';
import { ContactForm } from './contact-form';
import { ContactPrivacyActions } from './contact-privacy-actions';
import { ContactTimeline } from './contact-timeline';
import { PreferenceState } from './preference-state';
import { useResource } from './use-resource';
import { useCan } from './permissions';

/** What the panel needs from the Contacts tab: the workspace's country and attributes (for editing) and what to do after a change. */
export interface ContactPanelContext {
  defaultCountry: string | undefined;
  attributeDefs: AttributeDefinition[];
  onChanged: () => void;
  /** A new attribute was defined from the edit form: reload the catalogue. */
  onAttributeDefined?: () => void;
  onErased: () => void;
  onOpenConversation?: (id: string) => void;
}

/** One contact: its fields (editable), a "suppressed" badge, consent per topic, the proof-of-consent ledger, a timeline, and export / erase. */
export function ContactDetailPanel({ contactId, onClose, ctx }: { contactId: string; onClose: () => void; ctx: ContactPanelContext }) {
  const contact = useResource(() => getContact(contactId), contactId);
  const consent = useResource(() => getContactConsent(contactId), contactId);
  const [editing, setEditing] = useState(false);
  const canWrite = useCan('contacts:write');
  const [notice, setNotice] = useState<string>();
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
          {c && !editing && canWrite && (
            <button type="button" onClick={() => (setEditing(true), setNotice(undefined))}>
              Edit
            </button>
          )}
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
      {notice && (
        <p className="ok-line" role="status">
          {notice}
        </p>
      )}
      {c && editing && (
        <ContactForm
          contact={c}
          defaultCountry={ctx.defaultCountry}
          attributeDefs={ctx.attributeDefs}
          onAttributeDefined={ctx.onAttributeDefined}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            setNotice('Saved.');
            contact.reload();
            ctx.onChanged();
          }}
        />
      )}
      {c && !editing && <ContactFields contact={c} />}
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
      {c && <ContactTimeline contact={c} consent={consent.data?.events} onOpenConversation={ctx.onOpenConversation} />}
      {c && <ContactPrivacyActions contact={c} onErased={ctx.onErased} />}
    </section>
  );
}
