import type { AutomationStep } from './automations-api';

type WaitStep = Extract<AutomationStep, { type: 'wait' }>;
type Unit = 'days' | 'hours' | 'minutes';
const UNITS: { unit: Unit; label: string }[] = [
  { unit: 'days', label: 'Days' },
  { unit: 'hours', label: 'Hours' },
  { unit: 'minutes', label: 'Minutes' },
];

/** How long a wait lasts (days, hours, minutes) and, optionally, the local time of day it waits for after that. */
export function AutomationWaitFields({ id, step, onChange }: { id: string; step: WaitStep; onChange: (s: WaitStep) => void }) {
  function setUnit(unit: Unit, text: string) {
    const duration = { ...step.duration };
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n === 0) delete duration[unit];
    else duration[unit] = Math.max(0, Math.trunc(n));
    const { duration: _old, ...rest } = step;
    onChange(Object.keys(duration).length > 0 ? { ...rest, duration } : rest);
  }
  function setUntil(text: string) {
    const { until_time: _old, ...rest } = step;
    onChange(text ? { ...rest, until_time: text } : rest);
  }
  return (
    <div className="row wait-fields">
      {UNITS.map(({ unit, label }) => (
        <div className="field narrow" key={unit}>
          <label htmlFor={`${id}-${unit}`}>{label}</label>
          <input id={`${id}-${unit}`} type="number" min={0} value={step.duration?.[unit] ?? ''} onChange={(e) => setUnit(unit, e.target.value)} />
        </div>
      ))}
      <div className="field">
        <label htmlFor={`${id}-until`}>Then until (their time, optional)</label>
        <input id={`${id}-until`} type="time" value={step.until_time ?? ''} onChange={(e) => setUntil(e.target.value)} />
      </div>
    </div>
  );
}
