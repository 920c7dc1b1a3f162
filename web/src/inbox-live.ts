import { useEffect, useRef, useState } from 'react';
import { CONVERSATION_EVENTS_URL } from './inbox-api';

/** Someone replying in a conversation (user_id null: an API key), from the live stream. */
export interface TypingSignal {
  conversation_id: string;
  user_id: string | null;
  name: string | null;
}

/** How the inbox hears about changes: the live stream, or polling while the stream is down. */
export type LiveMode = 'connecting' | 'live' | 'polling';

const POLL_MS = 3_000;
const BATCH_MS = 250;

/**
 * Calls `onChange(ids)` when conversations change: `ids` are the ones that changed, `null` means
 * "reload everything". Uses the server's event stream (authenticated by the session cookie); while
 * it is down (the browser reconnects by itself), polls every 3 s instead.
 */
export function useConversationEvents(onChange: (ids: string[] | null) => void, onTyping?: (t: TypingSignal) => void): LiveMode {
  const handler = useRef(onChange);
  handler.current = onChange;
  const typingHandler = useRef(onTyping);
  typingHandler.current = onTyping;
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
    // Events come in bursts (the server may repeat one while a message settles): they are gathered
    // and handed on at most every BATCH_MS, with the union of their ids.
    let pending: Set<string> | null | undefined;
    let flush: ReturnType<typeof setTimeout> | undefined;
    source.addEventListener('conversations', (e) => {
      let ids: string[] | null = null;
      try {
        const data = JSON.parse((e as MessageEvent<string>).data) as { ids?: unknown };
        ids = Array.isArray(data.ids) ? data.ids.filter((x): x is string => typeof x === 'string') : null;
      } catch {
        ids = null;
      }
      if (ids === null || pending === null) pending = null;
      else pending = new Set([...(pending ?? []), ...ids]);
      flush ??= setTimeout(() => {
        const batch = pending;
        pending = undefined;
        flush = undefined;
        handler.current(batch ? [...batch] : null);
      }, BATCH_MS);
    });
    // Presence is not batched: the warning should show at once.
    source.addEventListener('typing', (e) => {
      try {
        const t = JSON.parse((e as MessageEvent<string>).data) as Partial<TypingSignal>;
        if (typeof t.conversation_id === 'string') typingHandler.current?.({ conversation_id: t.conversation_id, user_id: t.user_id ?? null, name: t.name ?? null });
      } catch {
        // An unreadable event is ignored; the next one will do.
      }
    });
    return () => {
      source.close();
      if (flush) clearTimeout(flush);
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

/**
 * Wraps a reload so that at most one runs at a time: a call while one is running queues exactly one
 * more run after it (a burst of calls costs two requests, and the last one sees the latest state).
 */
export function coalesce(run: () => Promise<unknown>): () => void {
  let running = false;
  let again = false;
  const go = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void run().finally(() => {
      running = false;
      if (again) {
        again = false;
        go();
      }
    });
  };
  return go;
}
