import { useEffect, useState } from 'react';
import { getContact } from './api-client';

/** "Name · phone" per contact id, fetched once each (ids that cannot be read show as a short id). */
export function useContactLabels(ids: readonly string[]): ReadonlyMap<string, string> {
  const [labels, setLabels] = useState<ReadonlyMap<string, string>>(new Map());
  const missing = ids.filter((id) => !labels.has(id));
  const wanted = [...new Set(missing)].join(',');
  useEffect(() => {
    if (!wanted) return;
    let current = true;
    const list = wanted.split(',');
    Promise.all(
      list.map((id) =>
        getContact(id).then(
          (c): [string, string] => [id, [c.name, c.phone].filter(Boolean).join(' · ') || `contact ${id.slice(0, 8)}`],
          (): [string, string] => [id, `contact ${id.slice(0, 8)}`],
        ),
      ),
    ).then((found) => {
      if (current) setLabels((m) => new Map([...m, ...found]));
    });
    return () => {
      current = false;
    };
  }, [wanted]);
  return labels;
}
