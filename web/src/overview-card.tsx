import type { ReactNode } from 'react';

/** A plain link the browser downloads (it streams the file; no script reads it). */
export function CsvLink({ href, label }: { href: string; label: string }) {
  return (
    <a className="button-link secondary" href={href} download aria-label={label}>
      CSV
    </a>
  );
}

/** One card of the Overview: a title, a CSV link, and what it shows while loading, on error or with nothing to show. */
export function OverviewCard({
  id,
  title,
  actions,
  loading,
  error,
  empty,
  children,
  wide,
}: {
  id: string;
  title: string;
  actions?: ReactNode;
  loading: boolean;
  error: string | undefined;
  /** What to say when there is nothing to show (undefined: there is something). */
  empty?: string | undefined;
  children?: ReactNode;
  wide?: boolean;
}) {
  return (
    <section className={`card overview-card${wide ? ' wide' : ''}`} aria-labelledby={`${id}-title`} aria-busy={loading} data-testid={id}>
      <div className="section-head">
        <h3 id={`${id}-title`}>{title}</h3>
        {actions && <span className="row">{actions}</span>}
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : loading && !children ? (
        <p className="muted">Loading…</p>
      ) : empty ? (
        <p className="muted empty" data-testid={`${id}-empty`}>
          {empty}
        </p>
      ) : (
        children
      )}
    </section>
  );
}
