import { getContact, getContactConsent, type ConsentEvent, type ConsentView } from './api-client';
import { formatTime } from './format';
import { listContactEvents, listContactRuns, type ContactRun } from './inbox-api';
import { TagList } from './tag-list';
import { useResource } from './use-resource';

/** Runs still going (the rest finished). */
const RUNNING = new Set(['active', 'waiting']);

/** The newest grant per topic still granted: the proof shown next to the status. */
function proofOf(view: ConsentView, topic: string): ConsentEvent | undefined {
  return [...view.events].reverse().find((e) => e.action === 'grant' && (e.topic === topic || e.topic === '*' || e.topic === null));
}

const evidenceText = (e: ConsentEvent) => (typeof e.evidence.text === 'string' ? e.evidence.text : null);

/** The contact beside a conversation: lifecycle stage, tags, consent with its proof, recent events and automations running. */
export function InboxContactPanel({ contactId, onBack }: { contactId: string; onBack: () => void }) {
  const contact = useResource(() => getContact(contactId), contactId);
  const consent = useResource(() => getContactConsent(contactId), contactId);
  const events = useResource(() => listContactEvents(contactId), contactId);
  const runs = useResource(() => listContactRuns(contactId), contactId);
  const problem = contact.error ?? consent.error ?? events.error ?? runs.error;
  const c = contact.data;
  const running = (runs.data?.data ?? []).filter((r) => RUNNING.has(r.state));
  return (
    <aside className="inbox-contact card" aria-labelledby="inbox-contact-title" data-testid="contact-panel">
      <div className="inbox-contact-head">
        <button type="button" className="secondary inbox-back" onClick={onBack}>
          ← Conversation
        </button>
        <h3 id="inbox-contact-title">Contact</h3>
      </div>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {c && (
        <dl className="inbox-contact-facts">
          <dt>Name</dt>
          <dd>{c.name ?? c.profile_name ?? '—'}</dd>
          <dt>Phone</dt>
          <dd>{c.phone ?? '—'}</dd>
          <dt>Lifecycle</dt>
          <dd>
            <span className="badge" data-testid="contact-stage">
              {c.lifecycle_stage}
            </span>
          </dd>
          <dt>Tags</dt>
          <dd data-testid="contact-tags">
            <TagList tags={c.tags} />
          </dd>
        </dl>
      )}
      {consent.data && (
        <section aria-label="Consent">
          <h4>
            Consent{' '}
            {consent.data.suppressed && <span className="badge suppressed">suppressed</span>}
          </h4>
          <ul className="plain inbox-contact-list">
            {consent.data.state.map((s) => {
              const proof = s.status === 'granted' ? proofOf(consent.data!, s.topic) : undefined;
              return (
                <li key={s.topic} data-testid="consent-proof">
                  <span className={`badge consent-${s.status}`}>{s.status}</span> <code>{s.topic}</code> <span className="muted small">{s.category}</span>
                  {proof && (
                    <span className="muted small inbox-proof">
                      {evidenceText(proof) ? `“${evidenceText(proof)}” · ` : ''}
                      via {proof.source} · {formatTime(proof.occurred_at)}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <section aria-label="Recent events">
        <h4>Recent events</h4>
        {events.data && events.data.data.length === 0 && <p className="muted small">None yet.</p>}
        <ul className="plain inbox-contact-list">
          {(events.data?.data ?? []).map((e) => (
            <li key={e.id} data-testid="contact-event">
              <code>{e.type}</code>
              {e.amount ? ` · ${e.amount} ${e.currency ?? ''}` : ''} <span className="muted small">{formatTime(e.occurred_at)}</span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-label="Automations running">
        <h4>Automations running</h4>
        {runs.data && running.length === 0 && <p className="muted small">None.</p>}
        <ul className="plain inbox-contact-list">
          {running.map((r: ContactRun) => (
            <li key={r.id} data-testid="automation-run">
              <strong>{r.automation_name}</strong> <span className="muted small">{r.state === 'waiting' ? `waiting${r.step_id ? ` at ${r.step_id}` : ''}` : 'running'}</span>
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}
