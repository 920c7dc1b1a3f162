import type { ReactNode } from 'react';
import { errorAt, type FieldErrors } from './settings-api';

/** The API's message for `field` under its input (with the ids the input's aria-describedby names). */
function FieldMessage({ id, field, hint, error }: { id: string; field: string; hint?: ReactNode; error?: string }) {
  return (
    <>
      {hint && (
        <span id={`${id}-hint`} className="muted small">
          {hint}
        </span>
      )}
      {error && (
        <p id={`${id}-error`} className="error field-error" data-field={field}>
          {error}
        </p>
      )}
    </>
  );
}

const describedBy = (id: string, hint: unknown, error: unknown) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/** A labelled textarea with its hint and, under it, the API's message for its field. */
export function TextAreaField(props: { id: string; label: string; field: string; errors: FieldErrors; value: string; onChange: (v: string) => void; hint?: ReactNode; rows?: number; maxLength?: number }) {
  const error = errorAt(props.errors, props.field);
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        rows={props.rows ?? 2}
        maxLength={props.maxLength}
        value={props.value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(props.id, props.hint, error)}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <FieldMessage id={props.id} field={props.field} hint={props.hint} error={error} />
    </div>
  );
}

/** A labelled select with its hint and, under it, the API's message for its field. */
export function SelectField<V extends string>(props: { id: string; label: string; field: string; errors: FieldErrors; value: V; options: readonly { value: V; label: string }[]; onChange: (v: V) => void; hint?: ReactNode }) {
  const error = errorAt(props.errors, props.field);
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} aria-invalid={error ? true : undefined} aria-describedby={describedBy(props.id, props.hint, error)} onChange={(e) => props.onChange(e.target.value as V)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldMessage id={props.id} field={props.field} hint={props.hint} error={error} />
    </div>
  );
}
