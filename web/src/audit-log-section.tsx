import { useMemo, useState } from 'react';
import { listApiKeys, listContacts, listTopics, type AuditEntry } from './api-client';
import { AuditFilters, filterQuery, NO_FILTER, type AuditFilterDraft } from './audit-filters';
import { auditSentence, clockTime, type AuditNames } from './audit-format';
import { listAudit, listUsers } from './settings-api';
import { usePagedList } from './use-paged-list';
import { useResource } from './use-resource';

// Contact filter by name or phone: the best match's id (the API filters by id), or none found.
async function contactIdFor(text: string): Promise<{ id?: string; label?: string; missing?: boolean }> {
  const q = text.trim();
  if (!q) return {};
  const found = (await listContacts({ q }, undefined, 1)).data[0];
  return found ? { id: found.id, label: found.name ?? found.phone ?? q } : { missing: true };
}

function AuditItem({ e, names, onContact }: { e: AuditEntry; names: AuditNames; onContact: (id: string, name: string) => void }) {
  const when = new Date(e.created_at);
  return (
    <li className="audit-entry" data-testid="audit-entry" data-action={e.action}>
      <p className="audit-sentence">
        {auditSentence(e, names)} at <time dateTime={e.created_at}>{clockTime(e.created_at)}</time>
        <span className="muted small"> · {when.toLocaleDateString()}</span>
      </p>
      <div className="row small">
        {e.target_type === 'contact' && e.target_name && (
          <button type="button" className="secondary small-button" onClick={() => onContact(e.target_id!, e.target_name!)}>
            Only {e.target_name}
          </button>
        )}
        <details className="audit-raw">
          <summary>Details</summary>
          <pre>{JSON.stringify({ action: e.action, actor: { type: e.actor_type, id: e.actor_id }, target: { type: e.target_type, id: e.target_id }, details: e.details, request_id: e.request_id, at: e.created_at }, null, 2)}</pre>
        </details>
      </div>
    </li>
  );
}

/** The audit log as sentences, newest first, filtered by who, what, contact and days; each entry's raw record behind "Details". */
export function AuditLogSection() {
  const [filter, setFilter] = useState<AuditFilterDraft>(NO_FILTER);
  const [contact, setContact] = useState<{ id?: string; label?: string; missing?: boolean }>({});
  const users = useResource(listUsers);
  const keys = useResource(listApiKeys);
  const topics = useResource(listTopics);
  const names = useMemo<AuditNames>(() => ({ topics: new Map((topics.data?.data ?? []).map((t) => [t.key, t.name])) }), [topics.data]);
  const key = JSON.stringify([filter, contact.id]);
  const log = usePagedList((cursor) => listAudit(filterQuery(filter, contact.id), cursor), key);

  async function apply(next: AuditFilterDraft) {
    const found = await contactIdFor(next.contact).catch(() => ({ missing: true }));
    setContact(found);
    setFilter(next);
  }
  function onlyContact(id: string, name: string) {
    setContact({ id, label: name });
    setFilter({ ...filter, contact: name });
  }
  const rows = contact.missing ? [] : log.rows;
  const empty = contact.missing ? 'No contact matches that name or phone.' : 'Nothing recorded that matches.';

  return (
    <section aria-labelledby="audit-log-title" className="audit-log">
      <div className="section-head">
        <h2 id="audit-log-title">Audit log</h2>
        <button type="button" className="secondary" onClick={log.reload}>
          Refresh
        </button>
      </div>
      <AuditFilters key={JSON.stringify(filter)} value={filter} users={users.data?.data ?? []} keys={keys.data?.data ?? []} onApply={(f) => void apply(f)} />
      {contact.label && <p className="muted">Entries about {contact.label}.</p>}
      {log.error && (
        <p className="error" role="alert">
          {log.error}
        </p>
      )}
      {log.loaded && rows.length === 0 && !log.error && <p className="muted">{contact.missing || filter !== NO_FILTER ? empty : 'Nothing recorded yet.'}</p>}
      <ol className="audit-list" aria-label="Audit entries">
        {rows.map((e) => (
          <AuditItem key={e.id} e={e} names={names} onContact={onlyContact} />
        ))}
      </ol>
      {log.hasMore && !contact.missing && (
        <button type="button" className="secondary" disabled={log.loading} onClick={log.loadMore}>
          Show older entries
        </button>
      )}
    </section>
  );
}
