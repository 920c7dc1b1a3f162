import { useState } from 'react';
import type { AutomationRun, AutomationStep } from './automations-api';
import { formatTime } from './format';
import { runReasonLabel, runStateLabel } from './automation-format';
import { AutomationRunSteps } from './automation-run-steps';
import { stepName } from './automation-steps';

/** One person's run: who, state, the step they are at and when it is due, why it ended; the steps log opens below. */
export function AutomationRunRow({ run, contact, steps }: { run: AutomationRun; contact: string | undefined; steps: readonly AutomationStep[] }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <tr data-testid="run-row">
        <td>{contact ?? '…'}</td>
        <td>
          <span className={`badge rstate-${run.state}`} data-testid="run-state">
            {runStateLabel(run.state)}
          </span>
        </td>
        <td>{run.step_id ? stepName(steps, run.step_id) : '—'}</td>
        <td className="nowrap">{formatTime(run.due_at)}</td>
        <td>{runReasonLabel(run.reason)}</td>
        <td className="nowrap">{`${formatTime(run.enrolled_at)} (v${run.version})`}</td>
        <td>
          <button type="button" className="link" onClick={() => setOpen(!open)} aria-expanded={open}>
            {open ? 'Hide steps' : `Steps (${run.steps.length})`}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="run-log">
          <td colSpan={7}>
            <AutomationRunSteps run={run} steps={steps} />
          </td>
        </tr>
      )}
    </>
  );
}
