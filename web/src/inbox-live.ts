import { useEffect, useRef, useState } from 'react';
import { CONVERSATION_EVENTS_URL } from './inbox-api';

/** How the inbox hears about changes: the live stream, or polling while the stream is down. */
export type LiveMode = 'connecting' | 'live' | 'polling';

const POLL_MS = 3_000;

/**
 * Calls `onChange(ids)` when conversations change: `ids` are the ones that changed, `null` means
 * "reload everything". Uses the server's event stream (authenticated by the session cookie); while
 * it is down (the browser reconnects by itself), polls every 3 s instead.
 */
export function useConversationEvents(onChange: (ids: string[] | null) => void): LiveMode {
  const handler = useRef(onChange);
  handler.current = onChange;
  const [mode, setMode] = useState<LiveMode>('connecting');

  useEffect(() => {
    let poll: ReturnType<typeof setInterval> | undefined;
    const stopPolling = () => {
      if (poll) clearInterval(poll);
      poll = undefined;
    };
    const startPolling = () => {
      setMode('polling');
      poll ??= setInterval(() => handler.current(null), POLL_MS);
    };
    if (typeof EventSource === 'undefined') {
      startPolling();
      return stopPolling;
    }
    const source = new EventSource(CONVERSATION_EVENTS_URL, { withCredentials: true });
    source.onopen = () => {
      stopPolling();
      setMode('live');
      // Whatever changed while the stream was down.
      handler.current(null);
    };
    source.onerror = () => startPolling();
    source.addEventListener('conversations', (e) => {
      let ids: string[] | null = null;
      try {
        const data = JSON.parse((e as MessageEvent<string>).data) as { ids?: unknown };
        ids = Array.isArray(data.ids) ? data.ids.filter((x): x is string => typeof x === 'string') : null;
      } catch {
        ids = null;
      }
      handler.current(ids);
    });
    return () => {
      source.close();
      stopPolling();
    };
  }, []);
  return mode;
}

/** The current time, updated every `everyMs` (for "5 min ago" and the window countdown). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
