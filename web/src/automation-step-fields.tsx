import type { AttributeDefinition } from './api-client';
import type { AutomationStep } from './automations-api';
import { AutomationAttributeFields } from './automation-attribute-fields';
import { AutomationBranchFields } from './automation-branch-fields';
import { AutomationEventWaitFields } from './automation-event-wait-fields';
import { AutomationClickWaitFields } from './automation-click-wait-fields';
import { AutomationHandOverFields } from './automation-handover-fields';
import { AutomationMessageFields } from './automation-message-fields';
import { AutomationWebhookFields } from './automation-webhook-fields';
import { AutomationTagFields } from './automation-tag-fields';
import { AutomationTargetSelect } from './automation-target-select';
import { AutomationTemplateFields, type TemplateRef } from './automation-template-fields';
import { AutomationWaitFields } from './automation-wait-fields';
import { AutomationAskFields, AutomationReplyBranchFields, AutomationReplyFields, AutomationWithdrawFields } from './automation-reply-fields';
import type { Subject } from './segment-rules';
import type { Template } from './templates-api';

/** What the step fields need from the editor: templates, attributes and the rule builder's subjects. */
export interface StepFieldsContext {
  templates: Template[];
  attributes: AttributeDefinition[];
  subjects: readonly Subject[];
}

type SendStep = Extract<AutomationStep, { type: 'send_template' }>;

/** The fields of one step, by its kind, then where it goes next (branches choose their two targets). */
export function AutomationStepFields({
  id,
  index,
  step,
  steps,
  context,
  problemPaths,
  onChange,
}: {
  id: string;
  index: number;
  step: AutomationStep;
  steps: readonly AutomationStep[];
  context: StepFieldsContext;
  problemPaths: readonly string[];
  onChange: (s: AutomationStep) => void;
}) {
  const isLast = index === steps.length - 1;
  // A wait whose two ways out are both chosen never uses "next": offered only while one way is still the default (or next is set).
  const bothWays = (step.type === 'wait_for_reply' && step.on_reply && step.on_timeout) || (step.type === 'wait_for_event' && step.on_event && step.on_timeout) || (step.type === 'wait_for_click' && step.on_click && step.on_timeout);
  const next =
    step.type !== 'branch' && step.type !== 'end' && !(bothWays && !step.next) ? (
      <AutomationTargetSelect
        id={`${id}-next`}
        label="Then go to"
        value={step.next}
        steps={steps}
        self={index}
        defaultLabel={isLast ? 'The end (last step)' : 'The step below'}
        onChange={(target) => {
          const { next: _old, ...rest } = step;
          onChange(target ? { ...rest, next: target } : rest);
        }}
      />
    ) : null;
  return (
    <div className="step-fields">
      {step.type === 'send_template' && (
        <AutomationTemplateFields
          id={`${id}-template`}
          label="Template"
          value={step.template as TemplateRef}
          templates={context.templates}
          attributes={context.attributes}
          onChange={(t) => onChange({ ...step, template: t as SendStep['template'] })}
        />
      )}
      {step.type === 'send_message' && <AutomationMessageFields id={id} step={step} templates={context.templates} attributes={context.attributes} onChange={onChange} />}
      {step.type === 'wait' && <AutomationWaitFields id={id} step={step} onChange={onChange} />}
      {step.type === 'branch' && !step.reply && <AutomationBranchFields id={id} index={index} step={step} steps={steps} subjects={context.subjects} problemPaths={problemPaths} onChange={onChange} />}
      {step.type === 'branch' && step.reply && <AutomationReplyBranchFields id={id} index={index} step={step} steps={steps} onChange={onChange} />}
      {step.type === 'ask' && <AutomationAskFields id={id} index={index} step={step} steps={steps} attributes={context.attributes} onChange={onChange} />}
      {step.type === 'wait_for_reply' && <AutomationReplyFields id={id} index={index} step={step} steps={steps} onChange={onChange} />}
      {step.type === 'wait_for_event' && <AutomationEventWaitFields id={id} index={index} step={step} steps={steps} onChange={onChange} />}
      {step.type === 'wait_for_click' && <AutomationClickWaitFields id={id} index={index} step={step} steps={steps} onChange={onChange} />}
      {step.type === 'hand_over' && <AutomationHandOverFields id={id} step={step} onChange={onChange} />}
      {step.type === 'withdraw_consent' && <AutomationWithdrawFields id={id} step={step} onChange={onChange} />}
      {step.type === 'tag' && <AutomationTagFields id={id} step={step} onChange={onChange} />}
      {step.type === 'webhook' && <AutomationWebhookFields id={id} step={step} onChange={onChange} />}
      {step.type === 'set_attribute' && <AutomationAttributeFields id={id} step={step} attributes={context.attributes} onChange={onChange} />}
      {next}
    </div>
  );
}
