import type { AutomationStep } from './automations-api';
import { AutomationDurationFields } from './automation-duration-fields';
import { AutomationTargetSelect } from './automation-target-select';
import { withTarget } from './automation-steps';

type WaitStep = Extract<AutomationStep, { type: 'wait_for_event' | 'wait_for_click' }>;

/** A wait's timeout ("Wait up to") and its two ways out: where to go when it happens (`happened`) and when it does not in time. */
export function AutomationWaitWays<S extends WaitStep>(props: {
  id: string;
  index: number;
  step: S;
  steps: readonly AutomationStep[];
  happened: 'on_event' | 'on_click';
  labels: { happened: string; timeout: string };
  onChange: (s: S) => void;
}) {
  const { id, index, step, steps, happened, labels, onChange } = props;
  const value = (step as Partial<Record<'on_event' | 'on_click', string>>)[happened];
  return (
    <>
      <div className="field wide" role="group" aria-labelledby={`${id}-timeout-label`}>
        <span className="label" id={`${id}-timeout-label`}>
          Wait up to
        </span>
        <span className="row">
          <AutomationDurationFields id={`${id}-timeout`} value={step.timeout} onChange={(timeout) => onChange({ ...step, timeout: timeout ?? {} })} />
        </span>
      </div>
      <div className="row">
        <AutomationTargetSelect id={`${id}-${happened.replace('_', '-')}`} label={labels.happened} value={value} steps={steps} self={index} defaultLabel="The next step" onChange={(t) => onChange(withTarget(step, happened, t))} />
        <AutomationTargetSelect id={`${id}-on-timeout`} label={labels.timeout} value={step.on_timeout} steps={steps} self={index} defaultLabel="The next step" onChange={(t) => onChange(withTarget(step, 'on_timeout', t))} />
      </div>
    </>
  );
}
