import type { AttributeDefinition } from './api-client';
import type { AutomationStep } from './automations-api';
import { AutomationTargetSelect } from './automation-target-select';
import { AutomationListInput } from './automation-list-input';
import { withTarget } from './automation-steps';

type AskStep = Extract<AutomationStep, { type: 'ask' }>;
type ReplyStep = Extract<AutomationStep, { type: 'wait_for_reply' }>;
type BranchStep = Extract<AutomationStep, { type: 'branch' }>;
type WithdrawStep = Extract<AutomationStep, { type: 'withdraw_consent' }>;

/** How long to wait for an answer, in hours (the definition's timeout, shown as hours). */
function TimeoutHours({ id, value, onChange }: { id: string; value: { days?: number; hours?: number; minutes?: number }; onChange: (hours: number) => void }) {
  const hours = (value.days ?? 0) * 24 + (value.hours ?? 0) + Math.round((value.minutes ?? 0) / 60);
  return (
    <div className="field narrow">
      <label htmlFor={`${id}-timeout`}>Wait for an answer (hours)</label>
      <input id={`${id}-timeout`} type="number" min={1} value={hours} onChange={(e) => onChange(Math.max(1, Math.trunc(Number(e.target.value) || 1)))} />
    </div>
  );
}

/** A question: its text, the attribute the answer is stored in, retries, and where to go without an answer. */
export function AutomationAskFields({ id, index, step, steps, attributes, onChange }: { id: string; index: number; step: AskStep; steps: readonly AutomationStep[]; attributes: AttributeDefinition[]; onChange: (s: AskStep) => void }) {
  return (
    <div className="step-reply-fields">
      <div className="field">
        <label htmlFor={`${id}-question`}>Question</label>
        <textarea id={`${id}-question`} rows={2} maxLength={1024} value={step.question} onChange={(e) => onChange({ ...step, question: e.target.value })} />
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-attribute`}>Store the answer in</label>
          <select id={`${id}-attribute`} value={step.attribute} onChange={(e) => onChange({ ...step, attribute: e.target.value })}>
            <option value="">Choose an attribute</option>
            {attributes.map((a) => (
              <option key={a.key} value={a.key}>{`${a.label ?? a.key} (${a.type})`}</option>
            ))}
          </select>
        </div>
        <div className="field narrow">
          <label htmlFor={`${id}-retries`}>Ask again (times)</label>
          <input id={`${id}-retries`} type="number" min={0} max={5} value={step.retries ?? 2} onChange={(e) => onChange({ ...step, retries: Math.min(5, Math.max(0, Math.trunc(Number(e.target.value) || 0))) })} />
        </div>
        <TimeoutHours id={id} value={step.timeout} onChange={(hours) => onChange({ ...step, timeout: { hours } })} />
      </div>
      <AutomationTargetSelect id={`${id}-on-timeout`} label="Without a valid answer, go to" value={step.on_timeout} steps={steps} self={index} defaultLabel="The next step" onChange={(t) => onChange(withTarget(step, 'on_timeout', t))} />
    </div>
  );
}

/** Waiting for a reply: how long, and where to go when they answer and when they do not. */
export function AutomationReplyFields({ id, index, step, steps, onChange }: { id: string; index: number; step: ReplyStep; steps: readonly AutomationStep[]; onChange: (s: ReplyStep) => void }) {
  return (
    <div className="row step-reply-fields">
      <TimeoutHours id={id} value={step.timeout} onChange={(hours) => onChange({ ...step, timeout: { hours } })} />
      <AutomationTargetSelect id={`${id}-on-reply`} label="When they answer, go to" value={step.on_reply} steps={steps} self={index} defaultLabel="The next step" onChange={(t) => onChange(withTarget(step, 'on_reply', t))} />
      <AutomationTargetSelect id={`${id}-on-timeout`} label="Without an answer, go to" value={step.on_timeout} steps={steps} self={index} defaultLabel="The next step" onChange={(t) => onChange(withTarget(step, 'on_timeout', t))} />
    </div>
  );
}

/** A branch on the last reply: words it is (or contains) and button ids, then the two ways. */
export function AutomationReplyBranchFields({ id, index, step, steps, onChange }: { id: string; index: number; step: BranchStep; steps: readonly AutomationStep[]; onChange: (s: BranchStep) => void }) {
  const reply = step.reply ?? {};
  const set = (key: 'equals' | 'contains' | 'payload', list: string[]) => onChange({ ...step, reply: { ...reply, [key]: list } });
  return (
    <div className="step-reply-fields">
      <div className="row">
        {(
          [
            ['equals', 'Their reply is one of (words, commas between)'],
            ['contains', 'or contains one of'],
            ['payload', 'or they tapped the button with id'],
          ] as const
        ).map(([key, label]) => (
          <div className="field" key={key}>
            <label htmlFor={`${id}-${key}`}>{label}</label>
            <AutomationListInput id={`${id}-${key}`} value={reply[key] ?? []} onChange={(list) => set(key, list)} />
          </div>
        ))}
      </div>
      <div className="row">
        <AutomationTargetSelect id={`${id}-then`} label="If so, go to" value={step.then} steps={steps} self={index} onChange={(t) => t && onChange({ ...step, then: t })} />
        <AutomationTargetSelect id={`${id}-else`} label="Otherwise, go to" value={step.else} steps={steps} self={index} onChange={(t) => t && onChange({ ...step, else: t })} />
      </div>
    </div>
  );
}

/** Withdrawing consent: the reason kept in the consent ledger. */
export function AutomationWithdrawFields({ id, step, onChange }: { id: string; step: WithdrawStep; onChange: (s: WithdrawStep) => void }) {
  return (
    <div className="field">
      <label htmlFor={`${id}-reason`}>Reason (kept in the consent ledger)</label>
      <input id={`${id}-reason`} maxLength={200} value={step.reason} onChange={(e) => onChange({ ...step, reason: e.target.value })} />
    </div>
  );
}
