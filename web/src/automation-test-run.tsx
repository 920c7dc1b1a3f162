import { useEffect, useState, type FormEvent } from 'react';
import type { Automation } from './automations-api';
import { runReasonLabel, runStateLabel } from './automation-format';
import { AutomationRunSteps } from './automation-run-steps';
import { stepName } from './automation-steps';
import { isRunGoing, useTestRun } from './use-test-run';
import { useTestPhone, type TestPhone } from './use-test-phone';

/** Why the phone box holds what it holds, and what a test run does. */
function hintOf(s: TestPhone | undefined, topic: string): string {
  const sandbox = s?.sandbox ? 'Sandbox: the messages go to the WhatsApp simulator, not to a real phone. ' : '';
  const filled =
    s?.from === 'test-number' ? 'Filled in with your first test number. ' : s?.from === 'contact' ? `Filled in with ${s.name ?? 'the newest contact'}, who agreed to “${topic}”. ` : `Use your own number or a colleague’s: a contact who agreed to “${topic}”. `;
  return `${sandbox}${filled}They go through the live version from the first step now, even if they did before; consent is checked before every message, as for anyone.`;
}

/** Tries a live automation on one phone: starts a test run, then shows its state and step log as it moves (read every 2 s until it ends); `onMoved` on each move. */
export function AutomationTestRun({ automation, onMoved }: { automation: Automation; onMoved: () => void }) {
  const suggested = useTestPhone(automation.definition.topic, automation.definition.number_id);
  const test = useTestRun(automation.id);
  const [phone, setPhone] = useState('');
  const [typed, setTyped] = useState(false);
  const [startedFor, setStartedFor] = useState('');
  useEffect(() => {
    if (!typed && suggested.data?.phone) setPhone(suggested.data.phone);
  }, [suggested.data]);
  // The page's counts and runs follow the test run as it starts and moves.
  const moved = test.run ? `${test.run.id}/${test.run.state}/${test.run.steps.length}` : '';
  useEffect(() => {
    if (moved) onMoved();
  }, [moved]);

  async function start(e: FormEvent) {
    e.preventDefault();
    setStartedFor(phone.trim());
    await test.start(phone);
  }

  const run = test.run;
  return (
    <form className="test-send" onSubmit={start} aria-label="Test run" data-testid="test-run" noValidate>
      <div className="inline-form">
        <label htmlFor="test-run-phone">Phone</label>
        <input
          id="test-run-phone"
          type="tel"
          value={phone}
          onChange={(e) => {
            setTyped(true);
            setPhone(e.target.value);
          }}
          placeholder="+447700900123"
          size={18}
        />
        <button type="submit" className="secondary" disabled={test.busy}>
          {test.busy ? 'Starting…' : 'Start a test run'}
        </button>
      </div>
      <p className="muted small" data-testid="test-run-hint">
        {hintOf(suggested.data, automation.definition.topic)}
      </p>
      {test.error && (
        <p className="error" role="alert" data-testid="test-run-error">
          {test.error}
        </p>
      )}
      {run && (
        <div role="status" data-testid="test-run-result">
          <p>
            {`Test run for ${startedFor}: `}
            <span className={`badge rstate-${run.state}`} data-testid="test-run-state">
              {runStateLabel(run.state)}
            </span>
            {run.step_id && ` at ${stepName(automation.definition.steps, run.step_id)}`}
            <span className="muted small">{isRunGoing(run) ? ' · following it…' : run.reason ? ` — ${runReasonLabel(run.reason)}` : ''}</span>
          </p>
          <AutomationRunSteps run={run} steps={automation.definition.steps} />
        </div>
      )}
    </form>
  );
}
