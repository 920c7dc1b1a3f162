import type { AutomationStep } from './automations-api';

type HandOverStep = Extract<AutomationStep, { type: 'hand_over' }>;

/** Handing the chat to the team: an optional note the agent sees on the conversation. */
export function AutomationHandOverFields({ id, step, onChange }: { id: string; step: HandOverStep; onChange: (s: HandOverStep) => void }) {
  function setNote(text: string) {
    const { note: _old, ...rest } = step;
    onChange(text ? { ...rest, note: text } : rest);
  }
  return (
    <div className="field">
      <label htmlFor={`${id}-note`}>Note for your team (optional)</label>
      <input id={`${id}-note`} maxLength={500} value={step.note ?? ''} onChange={(e) => setNote(e.target.value)} placeholder="e.g. asked about a refund" />
    </div>
  );
}
