import type { ConsentEvent } from './api-client';
import { EvidenceList } from './evidence-list';
import { formatActor, formatTime } from './format';

/** True when the event was recorded more than a minute after it happened (a backdated API call, an import). */
function recordedLater(e: ConsentEvent): boolean {
  return Date.parse(e.recorded_at) - Date.parse(e.occurred_at) > 60_000;
}

/** What an event is about: a topic, every topic, or (pause / resume / frequency) the person's preferences. */
function topicLabel(e: ConsentEvent): string {
  if (e.action === 'pause') return `preferences: paused until ${formatTime(typeof e.evidence.paused_until === 'string' ? e.evidence.paused_until : null)}`;
  if (e.action === 'resume') return 'preferences: resumed';
  if (e.action === 'frequency') return `preferences: ${String(e.evidence.frequency ?? '')} frequency`;
  return e.topic === null || e.topic === '*' ? 'all topics' : e.topic;
}

/** The proof of consent: every ledger event, oldest first, with who recorded it and its evidence. */
export function ConsentEventsList({ events }: { events: ConsentEvent[] }) {
  if (events.length === 0) return <p className="muted">No consent was ever recorded for this contact.</p>;
  return (
    <ol className="events">
      {events.map((e) => (
        <li key={e.id} className="event" data-testid="consent-event">
          <p className="event-head">
            <span className={`badge action-${e.action}`}>{e.action}</span> <strong>{topicLabel(e)}</strong>
            <span className="muted">
              {' '}
              via <code>{e.source}</code> · {formatTime(e.occurred_at)} · by {formatActor(e.actor)}
            </span>
          </p>
          {recordedLater(e) && <p className="muted small">Recorded {formatTime(e.recorded_at)}</p>}
          <EvidenceList evidence={e.evidence} textHash={e.text_hash} />
        </li>
      ))}
    </ol>
  );
}
