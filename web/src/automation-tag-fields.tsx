import { useState } from 'react';
import type { AutomationStep } from './automations-api';
import { splitList } from './automation-steps';

type TagStep = Extract<AutomationStep, { type: 'tag' }>;

/** Tags to add and to remove, each typed as a comma-separated list. */
export function AutomationTagFields({ id, step, onChange }: { id: string; step: TagStep; onChange: (s: TagStep) => void }) {
  // The text as typed (a trailing comma stays while typing); the step gets the parsed list.
  const [add, setAdd] = useState((step.add ?? []).join(', '));
  const [remove, setRemove] = useState((step.remove ?? []).join(', '));
  function set(which: 'add' | 'remove', text: string) {
    (which === 'add' ? setAdd : setRemove)(text);
    const { [which]: _old, ...rest } = step;
    const list = splitList(text);
    onChange(list.length > 0 ? { ...rest, [which]: list } : rest);
  }
  return (
    <div className="row">
      <div className="field">
        <label htmlFor={`${id}-add`}>Add tags</label>
        <input id={`${id}-add`} value={add} onChange={(e) => set('add', e.target.value)} placeholder="e.g. welcomed, vip" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-remove`}>Remove tags</label>
        <input id={`${id}-remove`} value={remove} onChange={(e) => set('remove', e.target.value)} placeholder="e.g. new" />
      </div>
    </div>
  );
}
