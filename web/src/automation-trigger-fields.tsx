import type { AttributeDefinition } from './api-client';
import type { AutomationTrigger } from './automations-api';
import { AutomationAttributeTriggerFields } from './automation-attribute-trigger-fields';
import { AutomationEventFields } from './automation-event-fields';
import { AutomationListInput } from './automation-list-input';
import { describeTrigger } from './automation-format';
import { AutomationTagTriggerFields } from './automation-tag-trigger-fields';
import { isEditableTrigger, switchTrigger, TRIGGERS } from './automation-triggers';
import { AutomationUnreadTriggerFields } from './automation-unread-trigger-fields';

/** "Starts when": a choice of the starts the form offers (a start it has no fields for is described, read-only), then the chosen one's fields. */
export function AutomationTriggerFields({ trigger, topic, attributes, onChange }: { trigger: AutomationTrigger; topic: string; attributes: AttributeDefinition[]; onChange: (t: AutomationTrigger) => void }) {
  return (
    <>
      <div className="field" role="radiogroup" aria-label="Starts when">
        <span className="label">Starts when</span>
        {TRIGGERS.map((t) => (
          <label key={t.type} className="choice">
            <input type="radio" name="automation-trigger" checked={trigger.type === t.type} onChange={() => onChange(switchTrigger(t.type, trigger))} />
            {t.label}
          </label>
        ))}
        {!isEditableTrigger(trigger) && (
          <label className="choice">
            <input type="radio" name="automation-trigger" checked readOnly />
            {describeTrigger(trigger)} <span className="muted small">(change it in the JSON view)</span>
          </label>
        )}
      </div>
      {trigger.type === 'inbound' && (
        <div className="field">
          <label htmlFor="automation-keywords">Keywords (separated by commas)</label>
          <AutomationListInput id="automation-keywords" value={trigger.keywords ?? []} onChange={(keywords) => onChange({ ...trigger, keywords })} placeholder="e.g. menu, help" />
        </div>
      )}
      {trigger.type === 'event' && (
        <AutomationEventFields
          id="automation"
          event={trigger.event}
          where={trigger.where}
          onChange={(event, where) => {
            const { where: _old, ...rest } = trigger;
            onChange(where ? { ...rest, event, where } : { ...rest, event });
          }}
        />
      )}
      {trigger.type === 'tag' && <AutomationTagTriggerFields trigger={trigger} onChange={onChange} />}
      {trigger.type === 'attribute' && <AutomationAttributeTriggerFields trigger={trigger} attributes={attributes} onChange={onChange} />}
      {trigger.type === 'broadcast_not_read' && <AutomationUnreadTriggerFields trigger={trigger} topic={topic} onChange={onChange} />}
    </>
  );
}
