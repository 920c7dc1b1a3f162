import { useEffect, useState } from 'react';
import { ApiError } from './api-client';
import { listAutomationRuns, startTestRun, type AutomationRun } from './automations-api';

/** How often a test run still going is read again. */
export const TEST_RUN_POLL_MS = 2_000;
/** Run states after which a run does not move any more. */
const GOING = new Set(['active', 'waiting']);

/** True while a run can still move (running, or waiting for time, a reply or an event). */
export const isRunGoing = (run: AutomationRun): boolean => GOING.has(run.state);

/** The last test run started here, followed until it ends; the last error in words; and a way to start one. */
export interface TestRun {
  run: AutomationRun | undefined;
  error: string | undefined;
  busy: boolean;
  start: (phone: string) => Promise<void>;
}

/** Starts test runs of one automation by phone and reads the latest one again every 2 s while it is going. */
export function useTestRun(automationId: string): TestRun {
  const [run, setRun] = useState<AutomationRun>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Bumped after a failed read, so following goes on after a hiccup.
  const [retry, setRetry] = useState(0);

  useEffect(() => {
    if (!run || !isRunGoing(run)) return;
    let live = true;
    const timer = setTimeout(() => {
      listAutomationRuns(automationId, run.contact_id).then(
        (r) => {
          if (!live) return;
          setError(undefined);
          setRun(r.data.find((x) => x.id === run.id) ?? run);
        },
        (err: unknown) => {
          if (!live) return;
          setError(err instanceof Error ? err.message : String(err));
          setRetry((n) => n + 1);
        },
      );
    }, TEST_RUN_POLL_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [automationId, run, retry]);

  async function start(phone: string) {
    setError(undefined);
    if (phone.trim() === '') return setError('Enter the phone number of a contact.');
    setBusy(true);
    try {
      setRun(await startTestRun(automationId, { phone: phone.trim() }));
    } catch (err) {
      // A phone that is no contact is a bare 404 "contact not found": say which number.
      if (err instanceof ApiError && err.code === 'NOT_FOUND') setError(`No contact has the number ${phone.trim()}: add them as a contact first.`);
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return { run, error, busy, start };
}
