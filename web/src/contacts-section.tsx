import { useCallback, useState } from 'react';
import { getWorkspace, listAttributes, listContacts, listTopics, type ContactFilter } from './api-client';
import { ContactBulkListBar } from './contact-bulk-list-bar';
import { ContactCountLine } from './contact-count';
import { ContactBulkTagBar } from './contact-bulk-tag-bar';
import { ContactDetailPanel, type ContactPanelContext } from './contact-detail-panel';
import { ContactFilterForm } from './contact-filter-form';
import { ContactForm } from './contact-form';
import { ContactsTable } from './contacts-table';
import { usePagedList } from './use-paged-list';
import { useResource } from './use-resource';
import './contacts-styles.css';
import { useCan } from './permissions';

const PAGE_SIZE = 50;

/** The workspace's country for numbers written without +code, from its settings. */
function defaultCountryOf(settings: Record<string, unknown> | undefined): string | undefined {
  const c = settings?.default_country;
  return typeof c === 'string' ? c : undefined;
}

/** Contacts: search, add, open one to edit it, see its timeline, export or erase it; select rows to add or remove a tag on many. */
export function ContactsSection({ onOpenConversation }: { onOpenConversation?: (id: string) => void } = {}) {
  const canWrite = useCan('contacts:write');
  const topics = useResource(listTopics);
  const attributes = useResource(listAttributes);
  const workspace = useResource(getWorkspace);
  const [filter, setFilter] = useState<ContactFilter>({});
  const contacts = usePagedList((cursor) => listContacts(filter, cursor, PAGE_SIZE), JSON.stringify(filter));
  const [openId, setOpenId] = useState<string>();
  const [adding, setAdding] = useState(false);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string>();

  // Stable callbacks: the table's rows are memoised, so a new function each render would draw every row again.
  const check = useCallback((ids: string[], on: boolean) => {
    setChecked((prev) => {
      const next = new Set(prev);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  }, []);

  const open = useCallback((id: string | undefined) => {
    setOpenId(id);
    setNotice(undefined);
  }, []);

  const panelCtx: ContactPanelContext = {
    defaultCountry: defaultCountryOf(workspace.data?.settings),
    attributeDefs: attributes.data?.data ?? [],
    onChanged: contacts.reload,
    onAttributeDefined: attributes.reload,
    onErased: () => {
      setOpenId(undefined);
      setNotice('The contact was erased. Its number stays suppressed.');
      check(openId ? [openId] : [], false);
      contacts.reload();
    },
    onOpenConversation,
  };
  const problem = contacts.error ?? topics.error;
  return (
    <section aria-labelledby="contacts-title" className="contacts-section">
      <div className="section-head">
        <h2 id="contacts-title">Contacts</h2>
        <span className="row">
          {!adding && canWrite && (
            <button type="button" onClick={() => (setAdding(true), setNotice(undefined))}>
              Add contact
            </button>
          )}
          <button type="button" className="secondary" onClick={contacts.reload}>
            Refresh
          </button>
        </span>
      </div>
      {adding && (
        <ContactForm
          defaultCountry={panelCtx.defaultCountry}
          attributeDefs={panelCtx.attributeDefs}
          onAttributeDefined={attributes.reload}
          onCancel={() => setAdding(false)}
          onSaved={(c) => {
            setAdding(false);
            setNotice(`Added ${c.name ?? c.phone ?? 'the contact'}. No consent was recorded.`);
            setOpenId(c.id);
            contacts.reload();
          }}
        />
      )}
      {notice && (
        <p className="ok-line" role="status">
          {notice}
        </p>
      )}
      <ContactFilterForm topics={topics.data?.data ?? []} onApply={setFilter} />
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {checked.size > 0 && canWrite && <ContactBulkTagBar selected={[...checked]} onDone={contacts.reload} onClear={() => setChecked(new Set())} />}
      {checked.size > 0 && canWrite && <ContactBulkListBar selected={[...checked]} />}
      <div className={openId ? 'split' : undefined}>
        <div className="contacts-list">
          {/* Keyed by the list's answers: the count is asked for after each first page (new filter, reload, add, erase), never before it. */}
          {contacts.starts > 0 && <ContactCountLine key={contacts.starts} filter={filter} />}
          {contacts.loaded && contacts.rows.length === 0 && !contacts.error && <p className="muted">No contact matches.</p>}
          {contacts.rows.length > 0 && (
            <>
              <p id="contact-open-hint" className="muted small">
                Select a phone number to see the contact, its timeline and its proof of consent; tick rows to tag several at once or add them to a list.
              </p>
              <div className="table-scroll">
                <ContactsTable rows={contacts.rows} selectedId={openId} onOpen={open} checked={checked} onCheck={check} />
              </div>
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
        {openId && <ContactDetailPanel key={openId} contactId={openId} onClose={() => open(undefined)} ctx={panelCtx} />}
      </div>
    </section>
  );
}
