import type { AttributeDefinition } from './api-client';
import type { AutomationStep } from './automations-api';

type AttributeStep = Extract<AutomationStep, { type: 'set_attribute' }>;

/** Which attribute to set (the workspace's are suggested) and its new value. */
export function AutomationAttributeFields({ id, step, attributes, onChange }: { id: string; step: AttributeStep; attributes: AttributeDefinition[]; onChange: (s: AttributeStep) => void }) {
  return (
    <div className="row">
      <div className="field">
        <label htmlFor={`${id}-key`}>Attribute</label>
        <input id={`${id}-key`} list={`${id}-keys`} value={step.key} onChange={(e) => onChange({ ...step, key: e.target.value })} maxLength={64} placeholder="e.g. series" />
        <datalist id={`${id}-keys`}>
          {attributes.map((a) => (
            <option key={a.id} value={a.key}>
              {a.label ?? a.key}
            </option>
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor={`${id}-value`}>Value</label>
        <input id={`${id}-value`} value={step.value} onChange={(e) => onChange({ ...step, value: e.target.value })} maxLength={1024} placeholder="e.g. done" />
      </div>
    </div>
  );
}
