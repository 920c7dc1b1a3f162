import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { coalesce } from './inbox-live';
import { listConversations, type Conversation, type ConversationFilter } from './inbox-api';

const PAGE_SIZE = 50;

/** The conversations loaded so far; `refresh()` reloads them in place (no flicker, the pages already shown stay shown). */
export interface ConversationList {
  rows: Conversation[];
  loaded: boolean;
  loading: boolean;
  error: string | undefined;
  hasMore: boolean;
  loadMore: () => void;
  refresh: () => void;
}

interface State {
  rows: Conversation[];
  cursor: string | null;
  loaded: boolean;
  loading: boolean;
  error?: string;
}

/** Cursor paging over the inbox for a filter, search and team ('' for all); answers that arrive after a newer request started are dropped. */
export function useConversations(filter: ConversationFilter, q: string, team = ''): ConversationList {
  const [state, setState] = useState<State>({ rows: [], cursor: null, loaded: false, loading: true });
  const latest = useRef(0);
  const shown = useRef(0);
  shown.current = state.rows.length;

  const fetchPage = useCallback(
    (mode: 'first' | 'more' | 'refresh', cursor?: string) => {
      const request = ++latest.current;
      if (mode !== 'refresh') setState((s) => ({ ...s, loading: true, error: undefined }));
      const limit = mode === 'refresh' ? Math.min(200, Math.max(PAGE_SIZE, shown.current)) : PAGE_SIZE;
      return listConversations(filter, q, cursor, limit, team).then(
        (page) => {
          if (request !== latest.current) return;
          setState((s) => ({ rows: mode === 'more' ? [...s.rows, ...page.data] : page.data, cursor: page.next_cursor, loaded: true, loading: false }));
        },
        (err: unknown) => {
          if (request !== latest.current) return;
          setState((s) => ({ ...s, loaded: true, loading: false, error: err instanceof Error ? err.message : String(err) }));
        },
      );
    },
    [filter, q, team],
  );

  useEffect(() => {
    setState({ rows: [], cursor: null, loaded: false, loading: true });
    fetchPage('first');
    return () => {
      latest.current++;
    };
  }, [fetchPage]);

  const cursor = state.cursor;
  const loadMore = () => {
    if (cursor) fetchPage('more', cursor);
  };
  // Live updates come in bursts: one refresh at a time, and one more after it if asked meanwhile.
  const refresh = useMemo(() => coalesce(() => fetchPage('refresh')), [fetchPage]);
  return { rows: state.rows, loaded: state.loaded, loading: state.loading, error: state.error, hasMore: cursor !== null, loadMore, refresh };
}
