import type { AutomationStep } from './automations-api';
import { AutomationDurationFields } from './automation-duration-fields';

type WaitStep = Extract<AutomationStep, { type: 'wait' }>;

/** How long a wait lasts (days, hours, minutes) and, optionally, the local time of day it waits for after that. */
export function AutomationWaitFields({ id, step, onChange }: { id: string; step: WaitStep; onChange: (s: WaitStep) => void }) {
  function setDuration(duration: WaitStep['duration']) {
    const { duration: _old, ...rest } = step;
    onChange(duration ? { ...rest, duration } : rest);
  }
  function setUntil(text: string) {
    const { until_time: _old, ...rest } = step;
    onChange(text ? { ...rest, until_time: text } : rest);
  }
  return (
    <div className="row wait-fields">
      <AutomationDurationFields id={id} value={step.duration} onChange={setDuration} />
      <div className="field">
        <label htmlFor={`${id}-until`}>Then until (their time, optional)</label>
        <input id={`${id}-until`} type="time" value={step.until_time ?? ''} onChange={(e) => setUntil(e.target.value)} />
      </div>
    </div>
  );
}
