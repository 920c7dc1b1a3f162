import type { AutomationStep } from './automations-api';
import { AutomationDurationFields } from './automation-duration-fields';

type WaitStep = Extract<AutomationStep, { type: 'wait' }>;
type Day = NonNullable<WaitStep['on_days']>[number];
const DAYS: readonly { day: Day; label: string }[] = [
  { day: 'mon', label: 'Mon' },
  { day: 'tue', label: 'Tue' },
  { day: 'wed', label: 'Wed' },
  { day: 'thu', label: 'Thu' },
  { day: 'fri', label: 'Fri' },
  { day: 'sat', label: 'Sat' },
  { day: 'sun', label: 'Sun' },
];

/** How long a wait lasts (days, hours, minutes) and, optionally, the local time of day and the days of the week it waits for after that. */
export function AutomationWaitFields({ id, step, onChange }: { id: string; step: WaitStep; onChange: (s: WaitStep) => void }) {
  function setDuration(duration: WaitStep['duration']) {
    const { duration: _old, ...rest } = step;
    onChange(duration ? { ...rest, duration } : rest);
  }
  function setUntil(text: string) {
    const { until_time: _old, ...rest } = step;
    onChange(text ? { ...rest, until_time: text } : rest);
  }
  function toggleDay(day: Day, on: boolean) {
    const { on_days: old, ...rest } = step;
    const days = DAYS.map((d) => d.day).filter((d) => (d === day ? on : (old ?? []).includes(d)));
    onChange(days.length > 0 ? { ...rest, on_days: days } : rest);
  }
  return (
    <div className="row wait-fields">
      <AutomationDurationFields id={id} value={step.duration} onChange={setDuration} />
      <div className="field">
        <label htmlFor={`${id}-until`}>Then until (their time, optional)</label>
        <input id={`${id}-until`} type="time" value={step.until_time ?? ''} onChange={(e) => setUntil(e.target.value)} />
      </div>
      <fieldset className="field">
        <legend>Only on (their days, optional)</legend>
        <span className="row">
          {DAYS.map((d) => (
            <label key={d.day} className="inline">
              <input type="checkbox" checked={(step.on_days ?? []).includes(d.day)} onChange={(e) => toggleDay(d.day, e.target.checked)} /> {d.label}
            </label>
          ))}
        </span>
      </fieldset>
    </div>
  );
}
