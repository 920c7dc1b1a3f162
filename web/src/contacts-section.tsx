import { useState } from 'react';
import { listContacts, listTopics, type ContactFilter } from './api-client';
import { ContactDetailPanel } from './contact-detail-panel';
import { ContactFilterForm } from './contact-filter-form';
import { ContactsTable } from './contacts-table';
import { usePagedList } from './use-paged-list';
import { useResource } from './use-resource';

const PAGE_SIZE = 50;

/** Contacts: search by name or phone, filter by consent to a topic, page with "Load more", open one for its proof of consent. */
export function ContactsSection() {
  const topics = useResource(listTopics);
  const [filter, setFilter] = useState<ContactFilter>({});
  const contacts = usePagedList((cursor) => listContacts(filter, cursor, PAGE_SIZE), JSON.stringify(filter));
  const [openId, setOpenId] = useState<string>();

  const problem = contacts.error ?? topics.error;
  return (
    <section aria-labelledby="contacts-title">
      <div className="section-head">
        <h2 id="contacts-title">Contacts</h2>
        <button type="button" className="secondary" onClick={contacts.reload}>
          Refresh
        </button>
      </div>
      <ContactFilterForm topics={topics.data?.data ?? []} onApply={setFilter} />
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <div className={openId ? 'split' : undefined}>
        <div>
          {contacts.loaded && contacts.rows.length === 0 && !contacts.error && <p className="muted">No contact matches.</p>}
          {contacts.rows.length > 0 && (
            <>
              <p id="contact-open-hint" className="muted small">
                Select a phone number to see the contact and its proof of consent.
              </p>
              <ContactsTable rows={contacts.rows} selectedId={openId} onOpen={setOpenId} />
            </>
          )}
          {contacts.hasMore && (
            <p>
              <button type="button" className="secondary" onClick={contacts.loadMore} disabled={contacts.loading}>
                {contacts.loading ? 'Loading…' : 'Load more'}
              </button>
            </p>
          )}
          <p className="muted small" role="status">
            {contacts.loading ? 'Loading…' : contacts.loaded ? `${contacts.rows.length} shown${contacts.hasMore ? ', more available' : ''}.` : ''}
          </p>
        </div>
        {openId && <ContactDetailPanel key={openId} contactId={openId} onClose={() => setOpenId(undefined)} />}
      </div>
    </section>
  );
}
