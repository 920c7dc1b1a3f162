import type { ScheduleDraft } from './broadcast-schedule';

const CHOICES: { type: ScheduleDraft['type']; label: string }[] = [
  { type: 'now', label: 'Now, when started' },
  { type: 'at', label: 'At a set time' },
  { type: 'local', label: "At a local time in each recipient's zone" },
  { type: 'best_hour', label: "At each recipient's best hour" },
];

/** When the broadcast goes out: now, at a time, or at a wall-clock time in each recipient's zone. */
export function ScheduleFields({ draft, onChange }: { draft: ScheduleDraft; onChange: (d: ScheduleDraft) => void }) {
  const set = (patch: Partial<ScheduleDraft>) => onChange({ ...draft, ...patch });
  return (
    <fieldset className="builder">
      <legend>When</legend>
      <div className="row" role="radiogroup" aria-label="When">
        {CHOICES.map((c) => (
          <label key={c.type} className="choice">
            <input type="radio" name="schedule" checked={draft.type === c.type} onChange={() => set({ type: c.type })} />
            {c.label}
          </label>
        ))}
      </div>
      {draft.type === 'at' && (
        <div className="field">
          <label htmlFor="schedule-at">Send at (your time)</label>
          <input id="schedule-at" type="datetime-local" value={draft.at} onChange={(e) => set({ at: e.target.value })} />
        </div>
      )}
      {draft.type === 'best_hour' && (
        <p className="muted small">
          Sends on the date at the hour people read most on that weekday (the Overview's Best send time, last 30 days: the audience segment's, else everyone's), in each recipient's own
          time zone. Quiet hours still apply.
        </p>
      )}
      {(draft.type === 'local' || draft.type === 'best_hour') && (
        <div className="row">
          <div className="field">
            <label htmlFor="schedule-date">Date</label>
            <input id="schedule-date" type="date" value={draft.date} onChange={(e) => set({ date: e.target.value })} />
          </div>
          {draft.type === 'local' ? (
            <div className="field">
              <label htmlFor="schedule-time">Local time</label>
              <input id="schedule-time" type="time" value={draft.time} onChange={(e) => set({ time: e.target.value })} />
            </div>
          ) : (
            <div className="field">
              <label htmlFor="schedule-fallback-time">Local time if there is too little history</label>
              <input id="schedule-fallback-time" type="time" value={draft.fallbackTime || '10:00'} onChange={(e) => set({ fallbackTime: e.target.value })} />
            </div>
          )}
          <div className="field">
            <label htmlFor="schedule-zone">Zone when a contact has none</label>
            <input id="schedule-zone" value={draft.fallbackZone} onChange={(e) => set({ fallbackZone: e.target.value })} placeholder="workspace time zone" maxLength={64} />
          </div>
          <label className="choice">
            <input type="checkbox" checked={draft.sendLate ?? false} onChange={(e) => set({ sendLate: e.target.checked })} />
            Send at once to those whose local time has already passed (otherwise starting is refused)
          </label>
        </div>
      )}
    </fieldset>
  );
}
