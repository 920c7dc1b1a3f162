import { useRef, useState } from 'react';

/** Copies `text`; an http address other than loopback has no clipboard API, so the field is selected instead. */
async function copy(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input?.select();
    return false;
  }
}

/** A read-only value with a Copy button (falls back to selecting it for Ctrl+C). */
export function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [outcome, setOutcome] = useState<string>();
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} ref={input} readOnly value={value} onFocus={(e) => e.target.select()} />
        <button type="button" className="secondary" aria-label={`Copy ${label.toLowerCase()}`} onClick={() => void copy(value, input.current).then((ok) => setOutcome(ok ? 'Copied.' : 'Selected: press Ctrl+C to copy.'))}>
          Copy
        </button>
      </div>
      {outcome && (
        <span role="status" className="muted small">
          {outcome}
        </span>
      )}
    </div>
  );
}
