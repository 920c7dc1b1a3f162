import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from './api-client';

/** What `usePagedList` returns: the rows loaded so far, whether more exist, and ways to load more or start over. */
export interface PagedList<T> {
  rows: T[];
  /** True once the first page answered (even with no rows). */
  loaded: boolean;
  loading: boolean;
  error: string | undefined;
  hasMore: boolean;
  /** How many times a first page has answered: changes each time the list starts over (new key, reload) and answers, never on "load more". */
  starts: number;
  loadMore: () => void;
  reload: () => void;
}

interface State<T> {
  rows: T[];
  cursor: string | null;
  loaded: boolean;
  loading: boolean;
  error?: string;
  starts: number;
}

/**
 * Cursor paging: loads the first page on mount and whenever `key` changes (starting over), and
 * appends the next page on `loadMore()`. An answer that arrives after a newer request started is dropped.
 */
export function usePagedList<T>(load: (cursor?: string) => Promise<Page<T>>, key: unknown = null): PagedList<T> {
  const [state, setState] = useState<State<T>>({ rows: [], cursor: null, loaded: false, loading: true, starts: 0 });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);

  const fetchPage = useCallback((append: boolean, run: () => Promise<Page<T>>) => {
    const request = ++latest.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    run().then(
      (page) => {
        if (request !== latest.current) return;
        setState((s) => ({ rows: append ? [...s.rows, ...page.data] : page.data, cursor: page.next_cursor, loaded: true, loading: false, starts: append ? s.starts : s.starts + 1 }));
      },
      (err: unknown) => {
        if (request !== latest.current) return;
        setState((s) => ({ ...s, loaded: true, loading: false, error: err instanceof Error ? err.message : String(err) }));
      },
    );
  }, []);

  useEffect(() => {
    setState((s) => ({ rows: [], cursor: null, loaded: false, loading: true, starts: s.starts }));
    fetchPage(false, () => load());
    return () => {
      latest.current++;
    };
    // `load` is a new closure on every render; reloading is driven by `key` and `generation` only.
  }, [key, generation]);

  const cursor = state.cursor;
  const loadMore = () => {
    if (cursor) fetchPage(true, () => load(cursor));
  };
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { rows: state.rows, loaded: state.loaded, loading: state.loading, error: state.error, hasMore: cursor !== null, starts: state.starts, loadMore, reload };
}
