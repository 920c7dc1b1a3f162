import { useState, type FormEvent } from 'react';
import type { Segment } from './api-client';
import { enrolInAutomation, type EnrolInput, type EnrolResult } from './automations-api';
import { formatCount } from './broadcast-format';

type Source = 'segment' | 'phones';

/** Enrols the people of a saved segment, or pasted phone numbers, in the live version; says how many were enrolled, skipped and unknown. */
export function AutomationEnrolForm({ automationId, segments, onEnrolled }: { automationId: string; segments: Segment[]; onEnrolled: () => void }) {
  const [source, setSource] = useState<Source>('segment');
  const [segment, setSegment] = useState('');
  const [phones, setPhones] = useState('');
  const [result, setResult] = useState<EnrolResult>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function enrol(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    const list = phones
      .split(/[\s,;]+/)
      .map((p) => p.trim())
      .filter((p) => p !== '');
    let input: EnrolInput;
    if (source === 'segment') {
      if (!segment) return setError('Choose a segment.');
      input = { segment_id: segment };
    } else {
      if (list.length === 0) return setError('Paste at least one phone number.');
      input = { phones: list };
    }
    setBusy(true);
    try {
      setResult(await enrolInAutomation(automationId, input));
      onEnrolled();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="enrol-form" onSubmit={enrol} aria-label="Enrol people" noValidate>
      <div className="row" role="radiogroup" aria-label="Who">
        <label className="choice">
          <input type="radio" name="enrol-source" checked={source === 'segment'} onChange={() => setSource('segment')} />
          People in a saved segment
        </label>
        <label className="choice">
          <input type="radio" name="enrol-source" checked={source === 'phones'} onChange={() => setSource('phones')} />
          Phone numbers
        </label>
      </div>
      {source === 'segment' ? (
        <div className="field">
          <label htmlFor="enrol-segment">Segment</label>
          <select id="enrol-segment" value={segment} onChange={(e) => setSegment(e.target.value)}>
            <option value="">Choose a segment</option>
            {segments.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <div className="field">
          <label htmlFor="enrol-phones">Phone numbers (one per line)</label>
          <textarea id="enrol-phones" rows={3} value={phones} onChange={(e) => setPhones(e.target.value)} placeholder="+2348030000001" />
        </div>
      )}
      <p className="muted small">Only your contacts are enrolled, each once; the topic’s consent is checked before every message.</p>
      <div className="row">
        <button type="submit" disabled={busy}>
          Enrol
        </button>
        {result && (
          <span role="status" data-testid="enrol-result">
            {`Enrolled ${formatCount(result.enrolled)} · skipped ${formatCount(result.skipped)} (already in it) · unknown ${formatCount(result.unknown)} (not your contacts)`}
          </span>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
