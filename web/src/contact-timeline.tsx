import { useState } from 'react';
import type { Contact, ConsentEvent } from './api-client';
import { getContactLifecycle, listContactCustomerEvents, listContactMessages, listContactRuns, searchConversations } from './contacts-api';
import { timelineOf, type TimelineKind } from './contact-timeline-items';
import { EvidenceList } from './evidence-list';
import { formatTime } from './format';
import { useResource } from './use-resource';

const KIND_LABELS: Record<TimelineKind, string> = { message: 'message', consent: 'consent', event: 'event', lifecycle: 'lifecycle', automation: 'automation' };
const FIRST = 20;

/** Loads every source of the timeline at once; one that fails (e.g. no permission) leaves its entries out and says so. */
async function loadSources(contact: Contact) {
  const settle = <T,>(p: Promise<T>) => p.then((v) => ({ v }), (err: unknown) => ({ err: err instanceof Error ? err.message : String(err) }));
  const [messages, events, lifecycle, runs, conversations] = await Promise.all([
    settle(listContactMessages(contact.id)),
    settle(listContactCustomerEvents(contact.id)),
    settle(getContactLifecycle(contact.id)),
    settle(listContactRuns(contact.id)),
    contact.phone ? settle(searchConversations(contact.phone)) : Promise.resolve({ v: { data: [] } }),
  ]);
  const failed = [messages, events, lifecycle, runs].filter((r): r is { err: string } => 'err' in r).map((r) => r.err);
  const conversation = 'v' in conversations ? conversations.v.data.find((c) => c.contact.id === contact.id) : undefined;
  return {
    messages: 'v' in messages ? messages.v.data : undefined,
    events: 'v' in events ? events.v.data : undefined,
    lifecycle: 'v' in lifecycle ? lifecycle.v : undefined,
    runs: 'v' in runs ? runs.v.data : undefined,
    conversationId: conversation?.id,
    failed,
  };
}

/** The contact's history in one list, newest first: messages (with a link to the Inbox conversation), consent with its proof, customer events, lifecycle changes and automation runs. */
export function ContactTimeline({ contact, consent, onOpenConversation }: { contact: Contact; consent: ConsentEvent[] | undefined; onOpenConversation?: (id: string) => void }) {
  const sources = useResource(() => loadSources(contact), `${contact.id}:${contact.updated_at}`);
  const [showAll, setShowAll] = useState(false);
  const s = sources.data;
  const items = s ? timelineOf({ ...s, consent }) : [];
  const shown = showAll ? items : items.slice(0, FIRST);
  return (
    <div className="contact-timeline" aria-busy={sources.loading}>
      <h4>Timeline</h4>
      {s?.conversationId && onOpenConversation && (
        <p>
          <button type="button" className="link" onClick={() => onOpenConversation(s.conversationId!)}>
            Open the conversation in the Inbox
          </button>
        </p>
      )}
      {sources.error && <p className="error">{sources.error}</p>}
      {s && s.failed.length > 0 && <p className="muted small">Some history could not be loaded: {s.failed.join('; ')}</p>}
      {s && items.length === 0 && <p className="muted">Nothing has happened with this contact yet.</p>}
      {items.length > 0 && (
        <ol className="timeline" aria-label="Timeline">
          {shown.map((it) => (
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
      {items.length > shown.length && (
        <button type="button" className="secondary" onClick={() => setShowAll(true)}>
          Show all {items.length} entries
        </button>
      )}
    </div>
  );
}
