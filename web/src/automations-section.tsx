import { useState } from 'react';
import { listSegments } from './api-client';
import { AutomationCreate } from './automation-create';
import { AutomationView } from './automation-view';
import { listAutomations, type Automation } from './automations-api';
import { AutomationsTable } from './automations-table';
import { useResource } from './use-resource';
import { useCan } from './permissions';

/** Automations: the list with status and counts, the editor for a new one, and one opened (actions, steps with counts, enrolment, runs). */
export function AutomationsSection() {
  const canManage = useCan('broadcasts:manage');
  const list = useResource(listAutomations);
  const segments = useResource(listSegments);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<Automation>();
  const [done, setDone] = useState<string>();

  function created(a: Automation) {
    setCreating(false);
    setOpen(a);
    setDone(`Saved the draft “${a.name}”. Publish it to start.`);
    list.reload();
  }

  function create() {
    setDone(undefined);
    setOpen(undefined);
    setCreating(true);
  }

  function openOne(a: Automation) {
    setCreating(false);
    setDone(undefined);
    setOpen(a);
  }

  const rows = list.data?.data ?? [];
  return (
    <section aria-labelledby="automations-title">
      <div className="section-head">
        <h2 id="automations-title">Automations</h2>
        <span className="row">
          {!creating && canManage && (
            <button type="button" onClick={create}>
              New automation
            </button>
          )}
          <button type="button" className="secondary" onClick={list.reload}>
            Refresh
          </button>
        </span>
      </div>
      <p className="muted">An automation sends a series of messages on its own — a welcome, a reminder, a follow-up — to people who agreed to its topic. Anyone who says STOP leaves at once.</p>
      {(list.error ?? segments.error) && (
        <p className="error" role="alert">
          {list.error ?? segments.error}
        </p>
      )}
      <p className="status-line" role="status">
        {done}
      </p>
      {creating && <AutomationCreate onSaved={created} onCancel={() => setCreating(false)} />}
      {open && <AutomationView key={open.id} id={open.id} initial={open} segments={segments.data?.data ?? []} onChanged={() => { setDone(undefined); list.reload(); }} onClose={() => setOpen(undefined)} />}
      {list.data && rows.length === 0 && <p className="muted">No automations yet.</p>}
      {rows.length > 0 && <AutomationsTable rows={rows} openId={open?.id} onOpen={openOne} />}
    </section>
  );
}
