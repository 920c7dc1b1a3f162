import type { AutomationStep } from './automations-api';

type WebhookStep = Extract<AutomationStep, { type: 'webhook' }>;

/** The webhook step: the name your system reads, and fixed values as `key = value` lines. */
export function AutomationWebhookFields({ id, step, onChange }: { id: string; step: WebhookStep; onChange: (s: WebhookStep) => void }) {
  const lines = Object.entries(step.data ?? {}).map(([k, v]) => `${k} = ${String(v)}`).join('\n');
  function setData(text: string) {
    const data = Object.fromEntries(
      text
        .split('\n')
        .map((l) => l.split('='))
        .filter((parts) => parts.length >= 2 && parts[0]!.trim() !== '')
        .map(([k, ...v]) => [k!.trim(), v.join('=').trim()]),
    );
    const { data: _old, ...rest } = step;
    onChange(Object.keys(data).length > 0 ? { ...rest, data } : rest);
  }
  return (
    <div className="row">
      <div className="field">
        <label htmlFor={`${id}-name`}>Event name</label>
        <input id={`${id}-name`} value={step.name} onChange={(e) => onChange({ ...step, name: e.target.value })} placeholder="e.g. lead.qualified" maxLength={64} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-data`}>Values sent along</label>
        <textarea id={`${id}-data`} defaultValue={lines} onBlur={(e) => setData(e.target.value)} rows={3} placeholder={'one per line, e.g.\nstage = qualified'} />
      </div>
    </div>
  );
}
