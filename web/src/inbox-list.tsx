import type { Conversation } from './inbox-api';
import { contactLabel, formatRelative, STATE_LABELS } from './inbox-format';

/** The conversation list: who, the last message, when, unread count and state. */
export function InboxList({ rows, selectedId, now, onOpen }: { rows: Conversation[]; selectedId: string | undefined; now: number; onOpen: (id: string) => void }) {
  return (
    <ul className="inbox-list plain" aria-label="Conversations">
      {rows.map((c) => {
        const who = contactLabel(c.contact);
        return (
          <li key={c.id}>
            <button
              type="button"
              className={`inbox-row${c.unread > 0 ? ' unread' : ''}`}
              aria-current={selectedId === c.id ? 'true' : undefined}
              data-testid="conversation-row"
              onClick={() => onOpen(c.id)}
            >
              <span className="inbox-row-head">
                <strong className="inbox-who">{who}</strong>
                <span className="muted small nowrap" title={new Date(c.last_message_at).toLocaleString()}>
                  {formatRelative(c.last_message_at, now)}
                </span>
              </span>
              {(c.contact.name ?? c.contact.profile_name) && c.contact.phone && <span className="muted small">{c.contact.phone}</span>}
              <span className="inbox-row-foot">
                <span className="inbox-preview">{c.preview ?? '—'}</span>
                {c.unread > 0 && (
                  <span className="badge unread-count" data-testid="unread" aria-label={`${c.unread} unread`}>
                    {c.unread}
                  </span>
                )}
                <span className={`badge cstate-${c.state}`} data-testid="conversation-state">
                  {STATE_LABELS[c.state]}
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
