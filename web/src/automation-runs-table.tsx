import { useState } from 'react';
import type { AutomationRun, AutomationStep } from './automations-api';
import { AutomationRunRow } from './automation-run-row';
import { useContactLabels } from './use-contact-labels';

const PAGE = 25;

/** The runs, newest first: a page at a time, with the contact's name and phone. */
export function AutomationRunsTable({ runs, steps }: { runs: AutomationRun[]; steps: readonly AutomationStep[] }) {
  const [shown, setShown] = useState(PAGE);
  const page = runs.slice(0, shown);
  const contacts = useContactLabels(page.map((r) => r.contact_id));
  if (runs.length === 0) return <p className="muted" data-testid="no-runs">Nobody has been enrolled yet.</p>;
  return (
    <>
      <table aria-label="Runs">
        <thead>
          <tr>
            <th>Contact</th>
            <th>State</th>
            <th>At step</th>
            <th>Next step due</th>
            <th>Why</th>
            <th>Enrolled</th>
            <th>Log</th>
          </tr>
        </thead>
        <tbody>
          {page.map((r) => (
            <AutomationRunRow key={r.id} run={r} contact={contacts.get(r.contact_id)} steps={steps} />
          ))}
        </tbody>
      </table>
      {runs.length > shown && (
        <button type="button" className="secondary" onClick={() => setShown(shown + PAGE)}>
          Show more
        </button>
      )}
    </>
  );
}
