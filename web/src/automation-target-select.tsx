import type { AutomationStep } from './automations-api';
import { stepName } from './automation-steps';

/** Where a step goes next: one of the other steps, or (when `defaultLabel` is given) the default. */
export function AutomationTargetSelect({
  id,
  label,
  value,
  steps,
  self,
  defaultLabel,
  onChange,
}: {
  id: string;
  label: string;
  value: string | undefined;
  steps: readonly AutomationStep[];
  self: number;
  /** The choice for "no target" (e.g. "the step below"); without it a target must be chosen. */
  defaultLabel?: string;
  onChange: (next: string | undefined) => void;
}) {
  const known = value === undefined || steps.some((s) => s.id === value);
  return (
    <div className="field target">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
        {defaultLabel !== undefined ? <option value="">{defaultLabel}</option> : !value && <option value="">Choose a step</option>}
        {!known && <option value={value}>{`${value} (no such step)`}</option>}
        {steps.map((s, i) =>
          i === self ? null : (
            <option key={`${s.id}-${i}`} value={s.id}>
              {stepName(steps, s.id)}
            </option>
          ),
        )}
      </select>
    </div>
  );
}
