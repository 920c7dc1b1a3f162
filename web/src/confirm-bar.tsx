import type { ReactNode } from 'react';

/**
 * An in-page confirmation: what will happen, a button that does it and one that backs out. Shared by
 * every "are you sure?" step (resend, archive, start a broadcast) so they look and read alike.
 */
export function ConfirmBar({
  label,
  children,
  yes,
  no,
  danger = false,
  busy = false,
  onYes,
  onNo,
}: {
  /** The group's accessible name, e.g. "Confirm archiving". */
  label: string;
  /** The question and what follows from it. */
  children: ReactNode;
  yes: string;
  no: string;
  danger?: boolean;
  busy?: boolean;
  onYes: () => void;
  onNo: () => void;
}) {
  return (
    <span className="row confirm" role="group" aria-label={label}>
      {typeof children === 'string' ? <span>{children}</span> : children}
      <button type="button" className={danger ? 'danger' : undefined} onClick={onYes} disabled={busy}>
        {yes}
      </button>
      <button type="button" className="secondary" onClick={onNo}>
        {no}
      </button>
    </span>
  );
}
