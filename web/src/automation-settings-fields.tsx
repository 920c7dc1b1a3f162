import type { PhoneNumber, Topic } from './api-client';
import type { AutomationDefinition, AutomationTrigger } from './automations-api';
import { describeTrigger } from './automation-format';

type Settings = Omit<AutomationDefinition, 'steps'>;
/** The starts the form offers; the others (dates, stages, segments, buttons) come from recipes or the JSON view. */
type TriggerType = Extract<AutomationTrigger['type'], 'api' | 'event' | 'opt_in' | 'inbound'>;

const TRIGGERS: { type: TriggerType; label: string }[] = [
  { type: 'api', label: 'Only when I enrol people (here or through the API)' },
  { type: 'event', label: 'A customer event happens (e.g. a purchase)' },
  { type: 'opt_in', label: 'Someone agrees to the topic' },
  { type: 'inbound', label: 'Someone sends a keyword (e.g. MENU)' },
];

/** Topic, what enrols people, the goal, whether people can go through it again, and (with several) the sending number. */
export function AutomationSettingsFields({
  settings,
  topics,
  numbers,
  onChange,
}: {
  settings: Settings;
  topics: Topic[];
  numbers: PhoneNumber[];
  onChange: (patch: Partial<Settings>) => void;
}) {
  const trigger = settings.trigger;
  function setTrigger(type: TriggerType) {
    if (type === 'event') onChange({ trigger: { type, event: trigger.type === 'event' ? trigger.event : '' } });
    else if (type === 'inbound') onChange({ trigger: { type, keywords: trigger.type === 'inbound' ? (trigger.keywords ?? []) : [] } });
    else onChange({ trigger: { type } });
  }
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
      <div className="field" role="radiogroup" aria-label="Starts when">
        <span className="label">Starts when</span>
        {TRIGGERS.map((t) => (
          <label key={t.type} className="choice">
            <input type="radio" name="automation-trigger" checked={trigger.type === t.type} onChange={() => setTrigger(t.type)} />
            {t.label}
          </label>
        ))}
        {describeTrigger(trigger) && (
          <label className="choice">
            <input type="radio" name="automation-trigger" checked readOnly />
            {describeTrigger(trigger)} <span className="muted small">(change it in the JSON view)</span>
          </label>
        )}
      </div>
      {trigger.type === 'inbound' && (
        <div className="field">
          <label htmlFor="automation-keywords">Keywords (separated by commas)</label>
          <input
            id="automation-keywords"
            value={(trigger.keywords ?? []).join(', ')}
            onChange={(e) => onChange({ trigger: { ...trigger, keywords: e.target.value.split(',').map((k) => k.trim()).filter(Boolean) } })}
            placeholder="e.g. menu, help"
          />
        </div>
      )}
      {trigger.type === 'event' && (
        <div className="field">
          <label htmlFor="automation-event">Event type</label>
          <input id="automation-event" value={trigger.event} onChange={(e) => onChange({ trigger: { ...trigger, event: e.target.value } })} maxLength={64} placeholder="e.g. cart_abandoned" />
        </div>
      )}
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
