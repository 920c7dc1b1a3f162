import { useEffect, useRef, useState } from 'react';
import type { Segment } from './api-client';
import type { Automation } from './automations-api';
import { AutomationControls } from './automation-controls';
import { AutomationCounts } from './automation-counts';
import { AutomationEditor } from './automation-editor';
import { AutomationEnrolForm } from './automation-enrol-form';
import { AutomationFlow } from './automation-flow';
import { automationStatusLabel, triggerText, versionText } from './automation-format';
import { AutomationRunsTable } from './automation-runs-table';
import { AutomationTestRun } from './automation-test-run';
import { useAutomation } from './use-automation';

/** One automation: status and actions, counts, the steps with what each did, a test run, enrolling people, and the runs. */
export function AutomationView({
  id,
  initial,
  segments,
  onChanged,
  onClose,
}: {
  id: string;
  initial?: Automation;
  segments: Segment[];
  onChanged: (a: Automation) => void;
  onClose: () => void;
}) {
  const live = useAutomation(id, initial);
  const [editing, setEditing] = useState(false);
  const [done, setDone] = useState<string>();
  const a = live.data;
  const stamp = a ? `${a.status}/${a.version}/${a.name}/${a.updated_at}/${JSON.stringify(a.counts)}` : undefined;
  const seen = useRef(stamp);
  useEffect(() => {
    // Tell the list when the status, version, name or counts move, not on every poll.
    if (a && seen.current !== stamp) onChanged(a);
    seen.current = stamp;
  }, [stamp]);

  function changed(next: Automation) {
    setDone(undefined);
    live.replace(next);
  }

  function saved(next: Automation) {
    setEditing(false);
    setDone(next.status === 'draft' ? 'Saved the draft. Publish it to start.' : 'Saved the draft. Publish it as a new version to use it; people already in it finish the version they started.');
    live.replace(next);
  }

  return (
    <section className="card detail" aria-labelledby="automation-title" data-testid="automation-view">
      <div className="section-head">
        <h3 id="automation-title">
          {a?.name ?? 'Automation'}{' '}
          {a && (
            <span className={`badge astatus-${a.status}`} data-testid="automation-status">
              {automationStatusLabel(a.status)}
            </span>
          )}
        </h3>
        <span className="row">
          <button type="button" className="secondary" onClick={live.reload}>
            Refresh
          </button>
          <button type="button" className="secondary" onClick={onClose} aria-label="Close the automation">
            Close
          </button>
        </span>
      </div>
      {live.error && (
        <p className="error" role="alert">
          {live.error}
        </p>
      )}
      {!a && !live.error && <p className="muted">Loading…</p>}
      {a && (
        <>
          <p className="muted" data-testid="automation-summary">
            {`${versionText(a)}. Starts when ${triggerText(a.definition.trigger)}. Topic: ${a.definition.topic}.`}
            {a.definition.goal && ` Goal: ${a.definition.goal.event}.`}
          </p>
          <p className="status-line" role="status">
            {done}
          </p>
          {!editing && <AutomationControls automation={a} onChanged={changed} />}
          <AutomationCounts counts={a.counts} />
          {editing ? (
            <AutomationEditor automation={a} onSaved={saved} onCancel={() => setEditing(false)} />
          ) : (
            <>
              <div className="section-head">
                <h4>Steps (the draft)</h4>
                <span className="row">
                  <a className="button-link secondary" href={`/api/v1/automations/${encodeURIComponent(a.id)}/steps.csv`} download data-testid="steps-csv">
                    Download step figures (CSV)
                  </a>
                  {a.status !== 'archived' && (
                    <button type="button" className="secondary" onClick={() => setEditing(true)}>
                      Edit the steps
                    </button>
                  )}
                </span>
              </div>
              <AutomationFlow steps={a.definition.steps} stepCounts={a.step_counts} stepConversions={a.step_conversions} />
            </>
          )}
          <h4>Test run</h4>
          {a.status === 'published' ? (
            <AutomationTestRun automation={a} onMoved={live.reload} />
          ) : (
            <p className="muted small" data-testid="test-run-unavailable">
              {a.status === 'archived' ? 'An archived automation runs no tests.' : a.status === 'paused' ? 'Resume it to try it on a phone.' : 'Once it is published, you can try it on your own phone here.'}
            </p>
          )}
          <h4>Enrol people</h4>
          {a.status === 'published' ? (
            <AutomationEnrolForm automationId={a.id} segments={segments} onEnrolled={live.reload} />
          ) : (
            <p className="muted small" data-testid="enrol-unavailable">
              {a.status === 'paused' ? 'Resume it to enrol people.' : a.status === 'archived' ? 'An archived automation enrols nobody.' : 'Publish it first; then you can enrol people here.'}
            </p>
          )}
          <h4>Runs</h4>
          {live.runs ? <AutomationRunsTable runs={live.runs} steps={a.definition.steps} /> : <p className="muted">Loading…</p>}
        </>
      )}
    </section>
  );
}
