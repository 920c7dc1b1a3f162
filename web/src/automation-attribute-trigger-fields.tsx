import type { AttributeDefinition } from './api-client';
import type { AutomationTrigger } from './automations-api';

type AttributeTrigger = Extract<AutomationTrigger, { type: 'attribute' }>;
type Value = NonNullable<AttributeTrigger['equals']>;

/** The value typed in the box, as the attribute's type stores it ('' : any value). */
function valueOf(def: AttributeDefinition | undefined, text: string): Value | undefined {
  if (text === '') return undefined;
  if (def?.type === 'boolean') return text === 'true';
  if (def?.type === 'number' && Number.isFinite(Number(text))) return Number(text);
  return text;
}

/** The box for "only when it becomes …", by the attribute's type: yes/no, its choices, a number, a date or text. */
function ValueInput({ def, value, onChange }: { def: AttributeDefinition | undefined; value: Value | undefined; onChange: (text: string) => void }) {
  const text = value === undefined ? '' : String(value);
  const props = { id: 'automation-attribute-equals', value: text, onChange: (e: { target: { value: string } }) => onChange(e.target.value) };
  const choices = def?.type === 'boolean' ? ['true', 'false'] : def?.type === 'enum' ? (def.enum_values ?? []) : undefined;
  if (choices) {
    return (
      <select {...props}>
        <option value="">any value</option>
        {choices.map((c) => (
          <option key={c} value={c}>
            {c === 'true' && def?.type === 'boolean' ? 'yes' : c === 'false' && def?.type === 'boolean' ? 'no' : c}
          </option>
        ))}
      </select>
    );
  }
  return <input {...props} type={def?.type === 'number' ? 'number' : def?.type === 'date' ? 'date' : 'text'} maxLength={1000} placeholder="any value" />;
}

/** An attribute start: which of the workspace's attributes, and (optionally) the value it must change to. */
export function AutomationAttributeTriggerFields({ trigger, attributes, onChange }: { trigger: AttributeTrigger; attributes: AttributeDefinition[]; onChange: (t: AttributeTrigger) => void }) {
  const def = attributes.find((a) => a.key === trigger.attribute);
  function setEquals(text: string) {
    const { equals: _old, ...rest } = trigger;
    const equals = valueOf(def, text);
    onChange(equals === undefined ? rest : { ...rest, equals });
  }
  return (
    <>
      <div className="row">
        <div className="field">
          <label htmlFor="automation-attribute">Attribute</label>
          <select id="automation-attribute" value={trigger.attribute} onChange={(e) => onChange({ type: 'attribute', attribute: e.target.value })}>
            <option value="">Choose an attribute</option>
            {trigger.attribute && !def && <option value={trigger.attribute}>{`${trigger.attribute} (not defined)`}</option>}
            {attributes.map((a) => (
              <option key={a.key} value={a.key}>{`${a.label ?? a.key} (${a.type})`}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="automation-attribute-equals">Only when it becomes (optional)</label>
          <ValueInput def={def} value={trigger.equals} onChange={setEquals} />
        </div>
      </div>
      <p className="muted small">Leave it empty to start on any change, also a first value. Whoever changes it counts: you, an import, your shop system, another automation.</p>
    </>
  );
}
