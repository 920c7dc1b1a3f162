import type { ReactNode } from 'react';

/** A plain link the browser downloads (it streams the file; no script reads it). */
export function CsvLink({ href, label, text = 'CSV' }: { href: string; label: string; text?: string }) {
  return (
    <a className="button-link secondary" href={href} download aria-label={label}>
      {text}
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
  onRetry,
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
  /** Loads the card again (offered with the error). */
  onRetry: () => void;
}) {
  return (
    <section className={`card overview-card${wide ? ' wide' : ''}`} aria-labelledby={`${id}-title`} aria-busy={loading} data-testid={id}>
      <div className="section-head">
        <h3 id={`${id}-title`}>{title}</h3>
        {actions && <span className="row">{actions}</span>}
      </div>
      {error ? (
        <div className="row">
          <p className="error" role="alert">
            This report could not be loaded: {error}
          </p>
          <button type="button" className="secondary small-button" onClick={onRetry}>
            Try again
          </button>
        </div>
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
