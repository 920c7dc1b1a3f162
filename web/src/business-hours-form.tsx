import { useState, type FormEvent } from 'react';
import { OverridesFields, overrideDrafts, overridesBody } from './business-hours-overrides';
import { formatHolidays, formatIntervals, parseHolidays, parseIntervals, putBusinessHours, problemsOf, WEEKDAYS, type BusinessHours } from './auto-replies-api';
import { useCan } from './permissions';

type Day = (typeof WEEKDAYS)[number][0];

/** The business calendar: the zone, each weekday's hours, holidays; saved as a whole (422 problems listed by field). */
export function BusinessHoursForm({ hours, onSaved }: { hours: BusinessHours; onSaved: (h: BusinessHours) => void }) {
  const canManage = useCan('workspace:manage');
  const [timezone, setTimezone] = useState(hours.timezone);
  const [days, setDays] = useState<Record<Day, string>>(() => Object.fromEntries(WEEKDAYS.map(([d]) => [d, formatIntervals(hours.weekly[d])])) as Record<Day, string>);
  const [holidays, setHolidays] = useState(formatHolidays(hours.holidays));
  const [overrides, setOverrides] = useState(() => overrideDrafts(hours));
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblems([]);
    try {
      const weekly = Object.fromEntries(WEEKDAYS.map(([d]) => [d, parseIntervals(days[d])]));
      onSaved(await putBusinessHours({ timezone: timezone.trim() || null, weekly, holidays: parseHolidays(holidays), overrides: overridesBody(overrides) }));
    } catch (err) {
      setProblems(problemsOf(err));
    } finally {
      setBusy(false);
    }
  }
  const dayError = (d: Day) => problems.some((p) => p.startsWith(`weekly.${d}.`));

  return (
    <form className="settings-form" onSubmit={submit} aria-label="Business hours">
      <div className="section-head">
        <h3>Business hours</h3>
        <span className={`badge ${hours.open_now ? 'open-now' : 'closed-now'}`} data-testid="open-now">
          {hours.configured ? (hours.open_now ? 'Open now' : 'Closed now') : 'Always open (no hours set)'}
        </span>
      </div>
      <p className="muted">Times are local to the zone below, on both sides of a clock change. Write hours as 09:00-13:00, 14:00-18:00; leave a day empty when closed.</p>
      <div className="field">
        <label htmlFor="bh-zone">Time zone</label>
        <input id="bh-zone" value={timezone} onChange={(e) => setTimezone(e.target.value)} placeholder="Europe/London" />
      </div>
      <div className="week-grid">
        {WEEKDAYS.map(([d, label]) => (
          <div className="field" key={d}>
            <label htmlFor={`bh-${d}`}>{label}</label>
            <input id={`bh-${d}`} value={days[d]} aria-invalid={dayError(d) || undefined} onChange={(e) => setDays({ ...days, [d]: e.target.value })} placeholder="closed" />
          </div>
        ))}
      </div>
      <div className="field wide">
        <label htmlFor="bh-holidays">Holidays (one a line: date, optional hours, name)</label>
        <textarea id="bh-holidays" rows={3} value={holidays} onChange={(e) => setHolidays(e.target.value)} placeholder={'2026-12-25 Christmas\n2026-12-24 09:00-12:00 Christmas Eve'} />
      </div>
      <OverridesFields drafts={overrides} onChange={setOverrides} problems={problems} />
      {canManage ? (
        <div className="row">
          <button type="submit" disabled={busy}>
            Save business hours
          </button>
        </div>
      ) : (
        <p className="muted">Only owners and admins can change this.</p>
      )}
      {problems.length > 0 && (
        <ul className="error" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </form>
  );
}
