import { useCallback, useEffect, useState } from 'react';

/** What `useResource` returns: the loaded value or the error message, and a way to load again. */
export interface Resource<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads `load()` on mount and whenever `key` changes; an answer that arrives after a newer load starts is dropped. */
export function useResource<T>(load: () => Promise<T>, key: unknown = null): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (err: unknown) => current && setState({ error: err instanceof Error ? err.message : String(err), loading: false }),
    );
    return () => {
      current = false;
    };
    // `load` is a new closure on every render; reloading is driven by `key` and `generation` only.
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
