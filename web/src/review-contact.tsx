import { getContact } from './api-client';
import { useResource } from './use-resource';

/** Who a review item is about: the contact's name and phone, loaded by id. */
export function ReviewContact({ contactId }: { contactId: string | null }) {
  const contact = useResource(() => (contactId ? getContact(contactId) : Promise.resolve(null)), contactId);
  if (!contactId) return <span className="muted">unknown contact</span>;
  const c = contact.data;
  if (contact.error) return <span className="muted">contact {contactId.slice(0, 8)}</span>;
  if (!c) return <span className="muted">…</span>;
  return (
    <span>
      {c.name ?? c.profile_name ?? '—'} <span className="nowrap">{c.phone}</span>
    </span>
  );
}
