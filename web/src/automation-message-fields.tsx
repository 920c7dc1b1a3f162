import type { AttributeDefinition } from './api-client';
import type { AutomationStep } from './automations-api';
import { AutomationTemplateFields, type TemplateRef } from './automation-template-fields';
import type { Template } from './templates-api';

type MessageStep = Extract<AutomationStep, { type: 'send_message' }>;

/** Free text, and what to do when the 24-hour chat window is closed: skip the step or send a template instead. */
export function AutomationMessageFields({
  id,
  step,
  templates,
  attributes,
  onChange,
}: {
  id: string;
  step: MessageStep;
  templates: Template[];
  attributes: AttributeDefinition[];
  onChange: (s: MessageStep) => void;
}) {
  const { fallback_template: fallback, ...rest } = step;
  return (
    <>
      <div className="field wide">
        <label htmlFor={`${id}-text`}>Message</label>
        <textarea id={`${id}-text`} rows={3} value={step.text} onChange={(e) => onChange({ ...step, text: e.target.value })} maxLength={4096} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-closed`}>When the chat window is closed</label>
        <select id={`${id}-closed`} value={fallback ? 'template' : 'skip'} onChange={(e) => onChange(e.target.value === 'template' ? { ...rest, fallback_template: { name: '', language: '' } } : rest)}>
          <option value="skip">Skip this step</option>
          <option value="template">Send a template instead</option>
        </select>
      </div>
      {fallback && (
        <AutomationTemplateFields
          id={`${id}-fallback`}
          label="Fallback template"
          value={fallback as TemplateRef}
          templates={templates}
          attributes={attributes}
          onChange={(t) => onChange({ ...rest, fallback_template: t as MessageStep['fallback_template'] })}
        />
      )}
    </>
  );
}
