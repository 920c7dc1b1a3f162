import { useCallback, useEffect, useRef, useState } from 'react';
import { LIVE_STATUSES } from './broadcast-format';
import { receiptsStillComing } from './broadcast-receipts';
import { getBroadcast, type Broadcast } from './broadcasts-api';

/** Poll interval while a broadcast is sending or scheduled. */
export const POLL_MS = 2_000;

/** What `useBroadcast` returns: the latest broadcast, the last error, and ways to refresh or take an answer the page already has. */
export interface LiveBroadcast {
  data: Broadcast | undefined;
  error: string | undefined;
  reload: () => void;
  /** Shows `b` (e.g. the answer of Start) at once and polls on from it. */
  replace: (b: Broadcast) => void;
}

/**
 * Loads a broadcast and reloads it every 2 s while it is sending or scheduled, and every 4 s for
 * ten minutes after it completed (receipts still come in). Polling stops once it is drafted,
 * paused, cancelled or long completed; a failed poll is retried while it was live.
 */
export function useBroadcast(id: string, initial?: Broadcast): LiveBroadcast {
  const [data, setData] = useState<Broadcast | undefined>(initial);
  const [error, setError] = useState<string>();
  const [generation, setGeneration] = useState(0);
  const lastStatus = useRef<string | undefined>(initial?.status);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      getBroadcast(id).then(
        (b) => {
          if (!live) return;
          lastStatus.current = b.status;
          setData(b);
          setError(undefined);
          if (LIVE_STATUSES.includes(b.status)) timer = setTimeout(tick, POLL_MS);
          else if (receiptsStillComing(b)) timer = setTimeout(tick, POLL_MS * 2);
        },
        (err: unknown) => {
          if (!live) return;
          setError(err instanceof Error ? err.message : String(err));
          if (lastStatus.current && LIVE_STATUSES.includes(lastStatus.current)) timer = setTimeout(tick, POLL_MS * 2);
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
  const replace = useCallback((b: Broadcast) => {
    lastStatus.current = b.status;
    setData(b);
    setGeneration((g) => g + 1);
  }, []);
  return { data, error, reload, replace };
}
