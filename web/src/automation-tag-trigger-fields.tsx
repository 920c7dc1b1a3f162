import type { AutomationTrigger } from './automations-api';

type TagTrigger = Extract<AutomationTrigger, { type: 'tag' }>;

/** A tag start: which tag, and whether adding it or removing it starts the automation. */
export function AutomationTagTriggerFields({ trigger, onChange }: { trigger: TagTrigger; onChange: (t: TagTrigger) => void }) {
  function setChange(change: string) {
    const { change: _old, ...rest } = trigger;
    onChange(change === 'removed' ? { ...rest, change: 'removed' } : rest);
  }
  return (
    <>
      <div className="row">
        <div className="field">
          <label htmlFor="automation-tag">Tag</label>
          <input id="automation-tag" value={trigger.tag} onChange={(e) => onChange({ ...trigger, tag: e.target.value })} onBlur={() => onChange({ ...trigger, tag: trigger.tag.trim() })} maxLength={64} placeholder="e.g. vip" />
        </div>
        <div className="field">
          <label htmlFor="automation-tag-change">Starts when the tag is</label>
          <select id="automation-tag-change" value={trigger.change ?? 'added'} onChange={(e) => setChange(e.target.value)}>
            <option value="added">added to someone</option>
            <option value="removed">removed from someone</option>
          </select>
        </div>
      </div>
      <p className="muted small">Whoever changes the tag counts: you, an import, your shop system through the API, or another automation.</p>
    </>
  );
}
