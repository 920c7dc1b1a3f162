import type { AutomationStep } from './automations-api';
import { AutomationWaitWays } from './automation-wait-ways';

type ClickWaitStep = Extract<AutomationStep, { type: 'wait_for_click' }>;

/** Waiting for a click on one of the automation's tracked links: how long, and where to go when they click and when they do not. */
export function AutomationClickWaitFields({ id, index, step, steps, onChange }: { id: string; index: number; step: ClickWaitStep; steps: readonly AutomationStep[]; onChange: (s: ClickWaitStep) => void }) {
  return (
    <div className="step-reply-fields">
      <p className="hint">Counts a click on a tracked link this automation sent the person (a template variable or “{'{{link:0}}'}” in a message, from the links in the JSON view).</p>
      <AutomationWaitWays id={id} index={index} step={step} steps={steps} happened="on_click" labels={{ happened: 'When they click, go to', timeout: 'When they do not click in time, go to' }} onChange={onChange} />
    </div>
  );
}
