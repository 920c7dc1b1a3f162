import type { ReactNode } from 'react';
import { useInView } from './use-in-view';

/**
 * A card of the Overview that loads its report only when it scrolls near the screen. Until then a
 * placeholder with the card's title (and test id) holds its place. Why: PGlite answers one query at
 * a time, so the dozen reports the Overview shows, asked for at once, queue behind each other and
 * delay the first screen; cards nobody scrolled to cost nothing.
 */
export function LazyCard({ id, title, wide, children }: { id: string; title: string; wide?: boolean; children: () => ReactNode }) {
  // No margin: a card just below the fold waits until it is scrolled to (the first screen comes first).
  const [ref, seen] = useInView<HTMLElement>('0px');
  if (seen) return <>{children()}</>;
  return (
    <section ref={ref} className={`card overview-card lazy-card${wide ? ' wide' : ''}`} aria-labelledby={`${id}-title`} aria-busy="true" data-testid={id}>
      <div className="section-head">
        <h3 id={`${id}-title`}>{title}</h3>
      </div>
      <p className="muted">Loading…</p>
    </section>
  );
}
