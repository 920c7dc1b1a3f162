import type { AutomationStep } from './automations-api';
import { AutomationDurationFields } from './automation-duration-fields';
import { AutomationTargetSelect } from './automation-target-select';
import { withTarget } from './automation-steps';

type ClickWaitStep = Extract<AutomationStep, { type: 'wait_for_click' }>;

/** Waiting for a click on one of the automation's tracked links: how long, and where to go when they click and when they do not. */
export function AutomationClickWaitFields({ id, index, step, steps, onChange }: { id: string; index: number; step: ClickWaitStep; steps: readonly AutomationStep[]; onChange: (s: ClickWaitStep) => void }) {
  return (
    <div className="step-reply-fields">
      <p className="hint">Counts a click on a tracked link this automation sent the person (a template variable or “{'{{link:0}}'}” in a message, from the links in the JSON view).</p>
      <div className="field wide" role="group" aria-labelledby={`${id}-timeout-label`}>
        <span className="label" id={`${id}-timeout-label`}>
          Wait up to
        </span>
        <span className="row">
          <AutomationDurationFields id={`${id}-timeout`} value={step.timeout} onChange={(timeout) => onChange({ ...step, timeout: timeout ?? {} })} />
        </span>
      </div>
      <div className="row">
        <AutomationTargetSelect id={`${id}-on-click`} label="When they click, go to" value={step.on_click} steps={steps} self={index} defaultLabel="The next step" onChange={(t) => onChange(withTarget(step, 'on_click', t))} />
        <AutomationTargetSelect id={`${id}-on-timeout`} label="When they do not click in time, go to" value={step.on_timeout} steps={steps} self={index} defaultLabel="The next step" onChange={(t) => onChange(withTarget(step, 'on_timeout', t))} />
      </div>
    </div>
  );
}
