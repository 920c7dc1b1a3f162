import { useState, type FormEvent } from 'react';
import { CONSENT_STATUSES, type ConsentStatus, type ContactFilter, type Topic } from './api-client';

/** Search by name or phone prefix, and optionally by consent status for one topic; applies on submit. */
export function ContactFilterForm({ topics, onApply }: { topics: Topic[]; onApply: (filter: ContactFilter) => void }) {
  const [q, setQ] = useState('');
  const [topic, setTopic] = useState('');
  const [consent, setConsent] = useState<ConsentStatus>('granted');

  function submit(e: FormEvent) {
    e.preventDefault();
    onApply({ q: q.trim() || undefined, ...(topic ? { topic, consent } : {}) });
  }

  return (
    <form className="inline-form" role="search" aria-label="Search contacts" onSubmit={submit}>
      <label htmlFor="contact-q">Name or phone</label>
      <input id="contact-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} maxLength={100} placeholder="e.g. Ana or +4915" />
      <label htmlFor="contact-topic">Consent to</label>
      <select id="contact-topic" value={topic} onChange={(e) => setTopic(e.target.value)}>
        <option value="">any topic (no filter)</option>
        {topics.map((t) => (
          <option key={t.id} value={t.key}>
            {t.name} ({t.key})
          </option>
        ))}
      </select>
      <label htmlFor="contact-consent">Status</label>
      <select id="contact-consent" value={consent} onChange={(e) => setConsent(e.target.value as ConsentStatus)} disabled={!topic} aria-describedby="contact-consent-hint">
        {CONSENT_STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <button type="submit">Search</button>
      <span id="contact-consent-hint" className="muted hint">
        {topic ? 'Only contacts with this status for the topic.' : 'Pick a topic to filter by consent.'}
      </span>
    </form>
  );
}
