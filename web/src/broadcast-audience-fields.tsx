import type { Segment, Topic } from './api-client';

/** The audience choice: '' is every contact; otherwise a segment id. */
export interface AudienceDraft {
  topic: string;
  segment: string;
  exclude: string;
}

/** Topic, included segment (or all contacts) and one optional segment to leave out. */
export function BroadcastAudienceFields({
  draft,
  topics,
  segments,
  templateCategory,
  onChange,
}: {
  draft: AudienceDraft;
  topics: Topic[];
  segments: Segment[];
  templateCategory: string | undefined;
  onChange: (d: AudienceDraft) => void;
}) {
  const set = (patch: Partial<AudienceDraft>) => onChange({ ...draft, ...patch });
  const topic = topics.find((t) => t.key === draft.topic);
  const mismatch = templateCategory === 'MARKETING' && topic?.category === 'utility';
  return (
    <fieldset className="builder">
      <legend>Audience</legend>
      <div className="row">
        <div className="field">
          <label htmlFor="broadcast-topic">Topic</label>
          <select id="broadcast-topic" value={draft.topic} onChange={(e) => set({ topic: e.target.value })} aria-invalid={mismatch ? true : undefined} aria-describedby="broadcast-topic-hint">
            <option value="">Choose a topic</option>
            {topics.map((t) => (
              <option key={t.id} value={t.key}>
                {`${t.name} (${t.key}) · ${t.category}`}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="broadcast-segment">Send to</label>
          <select id="broadcast-segment" value={draft.segment} onChange={(e) => set({ segment: e.target.value })}>
            <option value="">All contacts</option>
            {segments.map((s) => (
              <option key={s.id} value={s.id}>
                {`Segment: ${s.name}`}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="broadcast-exclude">Leave out</label>
          <select id="broadcast-exclude" value={draft.exclude} onChange={(e) => set({ exclude: e.target.value })}>
            <option value="">Nobody</option>
            {segments.map((s) => (
              <option key={s.id} value={s.id}>
                {`Segment: ${s.name}`}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p id="broadcast-topic-hint" className={mismatch ? 'error small' : 'muted small'}>
        {mismatch
          ? 'A marketing template may only go to people who agreed to marketing: choose a marketing topic.'
          : 'Only contacts who gave consent to the topic get the message; the audience check shows everyone else by reason.'}
      </p>
    </fieldset>
  );
}
