import type { AutomationStep } from './automations-api';
import { AutomationEventFields } from './automation-event-fields';
import { AutomationWaitWays } from './automation-wait-ways';

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
      <AutomationWaitWays id={id} index={index} step={step} steps={steps} happened="on_event" labels={{ happened: 'When it happens, go to', timeout: 'When it does not happen in time, go to' }} onChange={onChange} />
    </div>
  );
}
