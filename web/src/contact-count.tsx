// The Contacts tab's total: "1,234 contacts" for the current filter, or "about 1.0 M contacts" past the exact cap.
import { useEffect, useState } from 'react';
import { countContacts, type ContactCount, type ContactFilter } from './api-client';
import { formatMatchCount } from './segment-preview-panel';
import { useResource } from './use-resource';

/** The count as words: exact with thousands separators, an estimate rounded and said to be one. */
export function contactCountText(c: ContactCount, filtered: boolean): string {
  if (c.exact && filtered) return formatMatchCount(c.count);
  const n = c.exact ? c.count.toLocaleString('en') : c.count >= 1_000_000 ? `about ${(c.count / 1_000_000).toFixed(1)} M` : `about ${Math.round(c.count / 1000)} k`;
  // An estimate is always above 100,000, so plural.
  return `${n} ${c.count === 1 ? 'contact' : 'contacts'}${filtered ? ' match' : ''}`;
}

/**
 * How many contacts match the list's filter. The section mounts it once the list's page has
 * answered (and again after each reload), so the count's request never delays the rows.
 */
export function ContactCountLine({ filter }: { filter: ContactFilter }) {
  // The filter as it was when the list answered: a new filter remounts this line after its own first page.
  const [asked] = useState(filter);
  const painted = useAfterPaint();
  // Why after paint: asked in the same commit as the rows, the request and its answer's render
  // competed with drawing them (the first load at 1 M contacts, docs/performance.md).
  const count = useResource(() => (painted ? countContacts(asked) : new Promise<never>(() => {})), painted);
  const filtered = Boolean(asked.q || asked.topic);
  return (
    <p className="contact-count" data-testid="contact-count" aria-live="polite" title={count.data && !count.data.exact ? 'An estimate: more than 100,000 contacts match, too many to count on every visit' : undefined}>
      {count.error ? <span className="muted">Count unavailable</span> : count.data ? <strong>{contactCountText(count.data, filtered)}</strong> : <span className="muted">Counting…</span>}
    </p>
  );
}

/** False until the browser has painted the frame after mount (a frame, then a task). */
function useAfterPaint(): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setPainted(true), 0)));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, []);
  return painted;
}
