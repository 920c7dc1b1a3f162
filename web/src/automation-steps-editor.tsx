import { useState } from 'react';
import type { StepType } from './automations-api';
import { AutomationStepCard } from './automation-step-card';
import type { StepFieldsContext } from './automation-step-fields';
import { STEP_TYPES } from './automation-steps';
import type { AutomationDraft } from './use-automation-draft';

/** The steps as a vertical flow, top to bottom, and a way to add one at the end. */
export function AutomationStepsEditor({ draft, context }: { draft: AutomationDraft; context: StepFieldsContext }) {
  const [adding, setAdding] = useState<StepType>('send_template');
  const steps = draft.definition.steps;
  return (
    <fieldset className="builder">
      <legend>Steps</legend>
      <p className="muted small">People go through the steps from top to bottom, unless a step says where to go next.</p>
      <ol className="flow plain" aria-label="Steps">
        {steps.map((step, i) => (
          <AutomationStepCard
            key={draft.keys[i]}
            index={i}
            step={step}
            steps={steps}
            context={context}
            problems={draft.stepProblems.get(draft.keys[i]!) ?? []}
            onChange={(s) => draft.setStep(i, s)}
            onMove={(by) => draft.moveStep(i, by)}
            onRemove={() => draft.removeStep(i)}
          />
        ))}
      </ol>
      <div className="row add-step">
        <label htmlFor="add-step-type">Add a step:</label>
        <select id="add-step-type" value={adding} onChange={(e) => setAdding(e.target.value as StepType)}>
          {STEP_TYPES.map((t) => (
            <option key={t.type} value={t.type}>
              {t.label}
            </option>
          ))}
        </select>
        <button type="button" className="secondary" onClick={() => draft.addStep(adding)}>
          Add step
        </button>
      </div>
    </fieldset>
  );
}
