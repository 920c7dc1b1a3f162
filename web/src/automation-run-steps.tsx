import type { AutomationRun, AutomationStep } from './automations-api';
import { outcomeLabel, runReasonLabel } from './automation-format';
import { stepName } from './automation-steps';
import { formatTime } from './format';

/** What each step did for one run, in order (time, step, outcome, why), or that none has run yet. */
export function AutomationRunSteps({ run, steps }: { run: AutomationRun; steps: readonly AutomationStep[] }) {
  if (run.steps.length === 0) return <p className="muted small">No step has run yet.</p>;
  return (
    <ol className="plain small" data-testid="run-steps">
      {run.steps.map((s) => (
        <li key={s.seq}>
          <span className="nowrap muted">{formatTime(s.at)}</span> {stepName(steps, s.step_id)}: <strong>{outcomeLabel(s.outcome)}</strong>
          {s.reason && ` — ${runReasonLabel(s.reason)}`}
        </li>
      ))}
    </ol>
  );
}
