import type { AutomationStep } from './automations-api';
import { AutomationListInput } from './automation-list-input';

type TagStep = Extract<AutomationStep, { type: 'tag' }>;

/** Tags to add and to remove, each typed as a comma-separated list. */
export function AutomationTagFields({ id, step, onChange }: { id: string; step: TagStep; onChange: (s: TagStep) => void }) {
  function set(which: 'add' | 'remove', list: string[]) {
    const { [which]: _old, ...rest } = step;
    onChange(list.length > 0 ? { ...rest, [which]: list } : rest);
  }
  return (
    <div className="row">
      <div className="field">
        <label htmlFor={`${id}-add`}>Add tags</label>
        <AutomationListInput id={`${id}-add`} value={step.add ?? []} onChange={(list) => set('add', list)} placeholder="e.g. welcomed, vip" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-remove`}>Remove tags</label>
        <AutomationListInput id={`${id}-remove`} value={step.remove ?? []} onChange={(list) => set('remove', list)} placeholder="e.g. new" />
      </div>
    </div>
  );
}
