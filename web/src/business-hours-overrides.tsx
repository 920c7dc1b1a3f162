import { listPhoneNumbers } from './api-client';
import { formatHolidays, formatIntervals, parseHolidays, parseIntervals, WEEKDAYS, type BusinessHours, type BusinessHoursBody } from './auto-replies-api';
import { useResource } from './use-resource';

type Day = (typeof WEEKDAYS)[number][0];
/** A number's own hours as the form edits them: each weekday as text, and its own holidays (null: the workspace's). */
export type OverrideDraft = { number_id: string; days: Record<Day, string>; holidays: string | null };

/** The stored overrides as drafts (a number without its own weekly hours starts from the workspace's). */
export function overrideDrafts(hours: BusinessHours): OverrideDraft[] {
  return hours.overrides.map((o) => ({
    number_id: o.number_id,
    days: Object.fromEntries(WEEKDAYS.map(([d]) => [d, formatIntervals((o.weekly ?? hours.weekly)[d])])) as Record<Day, string>,
    holidays: o.holidays ? formatHolidays(o.holidays) : null,
  }));
}

/** The drafts as the API takes them. */
export function overridesBody(drafts: OverrideDraft[]): NonNullable<BusinessHoursBody['overrides']> {
  return drafts.map((o) => ({
    number_id: o.number_id,
    weekly: Object.fromEntries(WEEKDAYS.map(([d]) => [d, parseIntervals(o.days[d])])),
    ...(o.holidays === null ? {} : { holidays: parseHolidays(o.holidays) }),
  }));
}

/** Per-number hours: a business number that keeps other hours (and optionally other holidays) than the workspace. */
export function OverridesFields({ drafts, onChange, problems }: { drafts: OverrideDraft[]; onChange: (d: OverrideDraft[]) => void; problems: string[] }) {
  const numbers = useResource(listPhoneNumbers);
  const all = numbers.data?.data ?? [];
  const free = all.filter((n) => !drafts.some((d) => d.number_id === n.id));
  const set = (i: number, d: OverrideDraft) => onChange(drafts.map((x, j) => (j === i ? d : x)));
  const empty = Object.fromEntries(WEEKDAYS.map(([d]) => [d, ''])) as Record<Day, string>;
  return (
    <fieldset className="reply-box">
      <legend>Per-number hours</legend>
      {drafts.map((o, i) => {
        const label = all.find((n) => n.id === o.number_id)?.display_number ?? o.number_id;
        return (
          <div key={o.number_id} className="override" aria-label={`Hours of ${label}`} role="group">
            <strong>{label}</strong>
            <div className="week-grid">
              {WEEKDAYS.map(([d, dayLabel]) => (
                <div className="field" key={d}>
                  <label htmlFor={`ov-${i}-${d}`}>{dayLabel}</label>
                  <input id={`ov-${i}-${d}`} value={o.days[d]} placeholder="closed" aria-invalid={problems.some((p) => p.startsWith(`overrides.${i}.weekly.${d}.`)) || undefined} onChange={(e) => set(i, { ...o, days: { ...o.days, [d]: e.target.value } })} />
                </div>
              ))}
            </div>
            <label className="choice">
              <input type="checkbox" checked={o.holidays !== null} onChange={(e) => set(i, { ...o, holidays: e.target.checked ? '' : null })} /> Own holidays
            </label>
            {o.holidays !== null && <textarea aria-label={`Holidays of ${label}`} rows={2} value={o.holidays} onChange={(e) => set(i, { ...o, holidays: e.target.value })} />}
            <button type="button" className="secondary" onClick={() => onChange(drafts.filter((_, j) => j !== i))}>
              Use the workspace hours
            </button>
          </div>
        );
      })}
      {free.length > 0 ? (
        <select aria-label="Give a number its own hours" value="" onChange={(e) => e.target.value && onChange([...drafts, { number_id: e.target.value, days: empty, holidays: null }])}>
          <option value="">Give a number its own hours…</option>
          {free.map((n) => (
            <option key={n.id} value={n.id}>
              {n.display_number}
            </option>
          ))}
        </select>
      ) : (
        drafts.length === 0 && <p className="muted">Every number keeps the hours above.</p>
      )}
    </fieldset>
  );
}
