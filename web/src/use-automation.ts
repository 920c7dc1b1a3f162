import { useCallback, useEffect, useState } from 'react';
import { getAutomation, listAutomationRuns, type Automation, type AutomationRun } from './automations-api';

/** Poll interval while an automation is live (runs move on their own). */
export const AUTOMATION_POLL_MS = 5_000;

/** The latest automation and its runs, the last error, and ways to refresh or show an answer the page already has. */
export interface LiveAutomation {
  data: Automation | undefined;
  runs: AutomationRun[] | undefined;
  error: string | undefined;
  reload: () => void;
  replace: (a: Automation) => void;
}

/** Loads an automation with its runs, and again every 5 s while it is live. */
export function useAutomation(id: string, initial?: Automation): LiveAutomation {
  const [data, setData] = useState<Automation | undefined>(initial);
  const [runs, setRuns] = useState<AutomationRun[]>();
  const [error, setError] = useState<string>();
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      Promise.all([getAutomation(id), listAutomationRuns(id)]).then(
        ([a, r]) => {
          if (!live) return;
          setData(a);
          setRuns(r.data);
          setError(undefined);
          if (a.status === 'published') timer = setTimeout(tick, AUTOMATION_POLL_MS);
        },
        (err: unknown) => {
          if (live) setError(err instanceof Error ? err.message : String(err));
        },
      );
    };
    tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const replace = useCallback((a: Automation) => {
    setData(a);
    setGeneration((g) => g + 1);
  }, []);
  return { data, runs, error, reload, replace };
}
