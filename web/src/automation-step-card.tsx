import type { AutomationStep } from './automations-api';
import { AutomationProblemList } from './automation-problem-list';
import { AutomationStepFields, type StepFieldsContext } from './automation-step-fields';
import { stepTypeHelp, stepTypeLabel } from './automation-steps';

/** One step in the editor: its number and kind, a line of help, its fields, the API's problems with it, and move / remove. */
export function AutomationStepCard({
  index,
  step,
  steps,
  context,
  problems,
  onChange,
  onMove,
  onRemove,
}: {
  index: number;
  step: AutomationStep;
  steps: readonly AutomationStep[];
  context: StepFieldsContext;
  /** Problems the API named inside this step, with paths relative to it (`template.name`). */
  problems: readonly { path: string; problem: string }[];
  onChange: (s: AutomationStep) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  const id = `step-${index}`;
  return (
    <li className="flow-step card" data-testid="step-card" aria-invalid={problems.length > 0 || undefined} aria-labelledby={`${id}-title`}>
      <div className="flow-step-head">
        <h4 id={`${id}-title`}>
          <span className="step-number">{n}</span> {stepTypeLabel(step.type)} <code className="muted small">{step.id}</code>
        </h4>
        <span className="row">
          <button type="button" className="secondary small-button" onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move step ${n} up`}>
            ↑
          </button>
          <button type="button" className="secondary small-button" onClick={() => onMove(1)} disabled={index === steps.length - 1} aria-label={`Move step ${n} down`}>
            ↓
          </button>
          <button type="button" className="secondary small-button" onClick={onRemove} disabled={steps.length === 1} aria-label={`Remove step ${n}`}>
            Remove
          </button>
        </span>
      </div>
      <p className="muted small help">{stepTypeHelp(step.type)}</p>
      <AutomationProblemList problems={problems} label={`Problems in step ${n}`} />
      <AutomationStepFields id={id} index={index} step={step} steps={steps} context={context} problemPaths={problems.map((p) => p.path)} onChange={onChange} />
    </li>
  );
}
