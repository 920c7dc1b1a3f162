import type { Contact, ConsentEvent } from './api-client';
import { searchConversations } from './contacts-api';
import type { TimelineKind } from './contact-timeline-items';
import { EvidenceList } from './evidence-list';
import { formatTime } from './format';
import { useResource } from './use-resource';
import { useTimelinePages } from './use-timeline-pages';

const KIND_LABELS: Record<TimelineKind, string> = { message: 'message', consent: 'consent', event: 'event', lifecycle: 'lifecycle', automation: 'automation' };

/** The contact's Inbox conversation, when there is one. */
async function conversationOf(contact: Contact): Promise<string | undefined> {
  if (!contact.phone) return undefined;
  const found = await searchConversations(contact.phone);
  return found.data.find((c) => c.contact.id === contact.id)?.id;
}

/**
 * The contact's history in one list, newest first: messages (with a link to the Inbox conversation), consent with its proof,
 * customer events, lifecycle changes and automation runs; a page at a time, "Show older" reads the next one from the API.
 */
export function ContactTimeline({ contact, consent, onOpenConversation }: { contact: Contact; consent: ConsentEvent[] | undefined; onOpenConversation?: (id: string) => void }) {
  const pages = useTimelinePages(contact, consent);
  const conversation = useResource(() => conversationOf(contact), contact.id);
  const items = pages.items;
  return (
    <div className="contact-timeline" aria-busy={pages.loading}>
      <h4>Timeline</h4>
      {conversation.data && onOpenConversation && (
        <p>
          <button type="button" className="link" onClick={() => onOpenConversation(conversation.data!)}>
            Open the conversation in the Inbox
          </button>
        </p>
      )}
      {pages.failed.length > 0 && <p className="muted small">Some history could not be loaded: {pages.failed.join('; ')}</p>}
      {!pages.loading && items.length === 0 && !pages.hasOlder && <p className="muted">Nothing has happened with this contact yet.</p>}
      {items.length > 0 && (
        <ol className="timeline" aria-label="Timeline">
          {items.map((it) => (
            <li key={it.key} className={`timeline-item kind-${it.kind}`} data-testid="timeline-item" data-kind={it.kind}>
              <p className="timeline-head">
                <span className={`badge timeline-kind kind-${it.kind}`}>{KIND_LABELS[it.kind]}</span> <strong>{it.title}</strong> <span className="muted small">{formatTime(it.at)}</span>
              </p>
              {it.detail && <p className="muted small timeline-detail">{it.detail}</p>}
              {it.consent && (
                <details>
                  <summary>Proof</summary>
                  <EvidenceList evidence={it.consent.evidence} textHash={it.consent.text_hash} />
                </details>
              )}
            </li>
          ))}
        </ol>
      )}
      {pages.hasOlder && (
        <button type="button" className="secondary" disabled={pages.loading} onClick={pages.showOlder}>
          {pages.loading ? 'Loading…' : 'Show older'}
        </button>
      )}
      {!pages.hasOlder && items.length > 0 && <p className="muted small">That is everything: {items.length} entries.</p>}
    </div>
  );
}
