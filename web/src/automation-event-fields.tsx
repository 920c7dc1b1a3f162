import { useState } from 'react';
import { parseWhere, whereText, type Where } from './automation-where';

/** A customer event type and, optionally, the properties it must have (`product = shoes, paid = true`); for event starts and "wait for a customer event" steps. */
export function AutomationEventFields({ id, event, where, onChange }: { id: string; event: string; where: Where | undefined; onChange: (event: string, where: Where | undefined) => void }) {
  // The filter as typed (a half-written pair stays while typing); the definition gets the parsed pairs.
  const [text, setText] = useState(() => whereText(where));
  const [problem, setProblem] = useState<string>();
  function setWhere(next: string) {
    setText(next);
    const parsed = parseWhere(next);
    setProblem(parsed.problem);
    onChange(event, parsed.where);
  }
  return (
    <div className="row">
      <div className="field">
        <label htmlFor={`${id}-event`}>Event type</label>
        <input id={`${id}-event`} value={event} onChange={(e) => onChange(e.target.value, where)} maxLength={64} placeholder="e.g. purchase" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-where`}>Only with these details (optional)</label>
        <input id={`${id}-where`} value={text} onChange={(e) => setWhere(e.target.value)} placeholder="e.g. product = shoes" aria-invalid={problem ? true : undefined} aria-describedby={problem ? `${id}-where-problem` : undefined} />
        {problem && (
          <p className="error small" id={`${id}-where-problem`}>
            {problem}
          </p>
        )}
      </div>
    </div>
  );
}
