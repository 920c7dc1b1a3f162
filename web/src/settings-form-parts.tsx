import { useState, type FormEvent, type ReactNode } from 'react';
import { errorAt, fieldErrorsOf, unclaimed, type FieldErrors } from './settings-api';

const NO_ERRORS: FieldErrors = { byField: {} };

/** A form's save state: errors by field from the last failed save, a notice after a good one. */
export interface SaveState {
  errors: FieldErrors;
  saved: boolean;
  busy: boolean;
  submit: (e: FormEvent) => void;
}

/** Runs `save` on submit, keeping its API errors by field (422 `details.fields` / `details.path`). */
export function useSave(save: () => Promise<unknown>): SaveState {
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setSaved(false);
    setErrors(NO_ERRORS);
    save().then(
      () => (setSaved(true), setBusy(false)),
      (err: unknown) => (setErrors(fieldErrorsOf(err)), setBusy(false)),
    );
  }
  return { errors, saved, busy, submit };
}

/** One labelled input with its hint and, under it, the API's message for its field. */
export function SettingInput(props: {
  id: string;
  label: string;
  field: string;
  errors: FieldErrors;
  value: string;
  onChange: (v: string) => void;
  hint?: string;
  placeholder?: string;
  type?: 'text' | 'number' | 'email' | 'password';
  step?: string;
  narrow?: boolean;
  autoComplete?: string;
}) {
  const error = errorAt(props.errors, props.field);
  const describedBy = [props.hint ? `${props.id}-hint` : '', error ? `${props.id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${props.narrow ? ' narrow-field' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type ?? 'text'}
        step={props.step}
        value={props.value}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete ?? 'off'}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint && (
        <span id={`${props.id}-hint`} className="muted small">
          {props.hint}
        </span>
      )}
      {error && (
        <p id={`${props.id}-error`} className="error field-error" data-field={props.field}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A settings card: its fields (read-only unless `canEdit`), a Save button, the outcome, and any error no field claims. */
export function SettingsCard(props: { title: string; submitLabel?: string; description?: ReactNode; canEdit: boolean; state: SaveState; claimed: readonly string[]; children: ReactNode }) {
  const rest = unclaimed(props.state.errors, props.claimed);
  const fieldCount = Object.keys(props.state.errors.byField).length - (rest.length - (props.state.errors.general ? 1 : 0));
  return (
    <form className="settings-form card settings-card" aria-label={props.title} onSubmit={props.state.submit}>
      <h3>{props.title}</h3>
      {props.description && <p className="muted">{props.description}</p>}
      <fieldset className="plain" disabled={!props.canEdit}>
        {props.children}
      </fieldset>
      {props.canEdit && (
        <div className="row">
          <button type="submit" disabled={props.state.busy}>
            {props.submitLabel ?? `Save ${props.title.toLowerCase()}`}
          </button>
          {props.state.saved && <span role="status">Saved.</span>}
        </div>
      )}
      {fieldCount > 0 && (
        <p className="visually-hidden" role="alert">
          Not saved: {fieldCount === 1 ? 'one field needs' : `${fieldCount} fields need`} a change (the message is under the field).
        </p>
      )}
      {rest.length > 0 && (
        <ul className="error" role="alert">
          {rest.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </form>
  );
}
