import type { AttributeDefinition, PhoneNumber, Topic } from './api-client';
import type { AutomationDefinition } from './automations-api';
import { AutomationTriggerFields } from './automation-trigger-fields';

type Settings = Omit<AutomationDefinition, 'steps'>;

/** Topic, what enrols people, the goal, whether people can go through it again, and (with several) the sending number. */
export function AutomationSettingsFields({
  settings,
  topics,
  numbers,
  attributes,
  onChange,
}: {
  settings: Settings;
  topics: Topic[];
  numbers: PhoneNumber[];
  attributes: AttributeDefinition[];
  onChange: (patch: Partial<Settings>) => void;
}) {
  const again = settings.reentry_days ?? null;
  return (
    <fieldset className="builder">
      <legend>When it runs</legend>
      <div className="row">
        <div className="field">
          <label htmlFor="automation-topic">Topic</label>
          <select id="automation-topic" value={settings.topic} onChange={(e) => onChange({ topic: e.target.value })}>
            <option value="">Choose a topic</option>
            {topics.map((t) => (
              <option key={t.id} value={t.key}>
                {`${t.name} · ${t.category}`}
              </option>
            ))}
          </select>
        </div>
        {numbers.length > 1 && (
          <div className="field">
            <label htmlFor="automation-number">Send from</label>
            <select id="automation-number" value={settings.number_id ?? ''} onChange={(e) => onChange({ number_id: e.target.value || undefined })}>
              <option value="">Choose a number</option>
              {numbers.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.display_number}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <p className="muted small">Only people who agreed to this topic get its messages; someone who says STOP leaves at once.</p>
      <AutomationTriggerFields trigger={settings.trigger} topic={settings.topic} attributes={attributes} onChange={(trigger) => onChange({ trigger })} />
      <div className="row">
        <div className="field">
          <label htmlFor="automation-goal">Goal event (optional)</label>
          <input
            id="automation-goal"
            value={settings.goal?.event ?? ''}
            onChange={(e) => onChange({ goal: e.target.value ? { event: e.target.value } : undefined })}
            maxLength={64}
            placeholder="e.g. purchase"
          />
        </div>
        <div className="field">
          <label htmlFor="automation-again">Can people go through it again?</label>
          <span className="row">
            <select id="automation-again" value={again === null ? 'once' : 'again'} onChange={(e) => onChange({ reentry_days: e.target.value === 'once' ? null : 30 })}>
              <option value="once">No, once per person</option>
              <option value="again">Yes, after some days</option>
            </select>
            {again !== null && (
              <input aria-label="Days before again" type="number" min={0} className="narrow-input" value={again} onChange={(e) => onChange({ reentry_days: Math.max(0, Math.trunc(Number(e.target.value) || 0)) })} />
            )}
          </span>
        </div>
      </div>
      <p className="muted small">When the goal event happens, the person leaves as “converted” before the next step.</p>
    </fieldset>
  );
}
