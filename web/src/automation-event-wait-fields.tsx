import type { AutomationStep } from './automations-api';
import { AutomationDurationFields } from './automation-duration-fields';
import { AutomationEventFields } from './automation-event-fields';
import { AutomationTargetSelect } from './automation-target-select';
import { withTarget } from './automation-steps';

type EventWaitStep = Extract<AutomationStep, { type: 'wait_for_event' }>;

/** Waiting for a customer event: which event (and details), how long, and where to go when it happens and when it does not. */
export function AutomationEventWaitFields({ id, index, step, steps, onChange }: { id: string; index: number; step: EventWaitStep; steps: readonly AutomationStep[]; onChange: (s: EventWaitStep) => void }) {
  function setEvent(event: string, where: EventWaitStep['where']) {
    const { where: _old, ...rest } = step;
    onChange(where ? { ...rest, event, where } : { ...rest, event });
  }
  return (
    <div className="step-reply-fields">
      <AutomationEventFields id={id} event={step.event} where={step.where} onChange={setEvent} />
      <div className="field wide" role="group" aria-labelledby={`${id}-timeout-label`}>
        <span className="label" id={`${id}-timeout-label`}>
          Wait up to
        </span>
        <span className="row">
          <AutomationDurationFields id={`${id}-timeout`} value={step.timeout} onChange={(timeout) => onChange({ ...step, timeout: timeout ?? {} })} />
        </span>
      </div>
      <div className="row">
        <AutomationTargetSelect id={`${id}-on-event`} label="When it happens, go to" value={step.on_event} steps={steps} self={index} defaultLabel="The next step" onChange={(t) => onChange(withTarget(step, 'on_event', t))} />
        <AutomationTargetSelect id={`${id}-on-timeout`} label="When it does not happen in time, go to" value={step.on_timeout} steps={steps} self={index} defaultLabel="The next step" onChange={(t) => onChange(withTarget(step, 'on_timeout', t))} />
      </div>
    </div>
  );
}
