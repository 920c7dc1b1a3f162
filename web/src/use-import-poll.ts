import { useEffect, useState } from 'react';
import { getImport, isRunning, type ImportRecord } from './imports-api';

const POLL_MS = 400;

/** Polls GET /api/v1/imports/:id until the import completes or fails; the latest answer, or the error. */
export function useImportPoll(id: string | undefined): { record?: ImportRecord; error?: string } {
  const [state, setState] = useState<{ record?: ImportRecord; error?: string }>({});
  useEffect(() => {
    setState({});
    if (!id) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const record = await getImport(id);
        if (!live) return;
        setState({ record });
        if (isRunning(record)) timer = setTimeout(poll, POLL_MS);
      } catch (err) {
        if (live) setState((s) => ({ ...s, error: err instanceof Error ? err.message : String(err) }));
      }
    };
    void poll();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [id]);
  return state;
}
