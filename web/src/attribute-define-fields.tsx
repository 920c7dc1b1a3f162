import { useState, type KeyboardEvent } from 'react';
import { defineAttribute, type AttributeDefinition } from './api-client';
import { errorAt, fieldErrorsOf, unclaimed, type FieldErrors } from './settings-api';

/** The types a new attribute can have from the contact form (a choice lists its values, comma-separated). */
const TYPES = [
  ['string', 'Text'],
  ['number', 'Number'],
  ['date', 'Date'],
  ['boolean', 'Yes / no'],
  ['enum', 'Choice of values'],
] as const;

/** "Gold, Silver, gold" → ["Gold", "Silver"]: trimmed, empties and repeats dropped (the API checks the rest). */
export function choicesOf(text: string): string[] {
  return [...new Set(text.split(',').map((v) => v.trim()).filter((v) => v !== ''))];
}
type NewType = (typeof TYPES)[number][0];

/**
 * Defines an attribute whose key is not in the catalogue yet, from inside the contact form (a
 * fieldset with its own button, not a nested form); the API's 422 shows next to the key or type.
 */
export function AttributeDefineFields({ idPrefix, onDefined }: { idPrefix: string; onDefined: (def: AttributeDefinition) => void }) {
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState('');
  const [type, setType] = useState<NewType>('string');
  const [choices, setChoices] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({ byField: {} });
  const [busy, setBusy] = useState(false);
  const id = `${idPrefix}-new-attr`;
  if (!open) {
    return (
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        Define a new attribute
      </button>
    );
  }

  async function define() {
    setBusy(true);
    setErrors({ byField: {} });
    try {
      const def = await defineAttribute({ key: key.trim(), type, ...(type === 'enum' ? { enum_values: choicesOf(choices) } : {}) });
      setOpen(false);
      setKey('');
      setChoices('');
      onDefined(def);
    } catch (err) {
      setErrors(fieldErrorsOf(err));
    } finally {
      setBusy(false);
    }
  }

  // Enter in a field defines the attribute here instead of submitting the contact form around it.
  const defineOnEnter = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    void define();
  };
  const keyError = errorAt(errors, 'key');
  const typeError = errorAt(errors, 'type');
  const choicesError = errorAt(errors, 'enum_values');
  const rest = unclaimed(errors, ['key', 'type', 'enum_values']);
  return (
    <fieldset className="plain attribute-define" aria-label="New attribute">
      <legend>New attribute</legend>
      <div className="attribute-define-row">
        <div className="field">
          <label htmlFor={`${id}-key`}>Key</label>
          <input id={`${id}-key`} value={key} maxLength={48} placeholder="e.g. birthday" aria-invalid={keyError ? true : undefined} aria-describedby={keyError ? `${id}-key-error` : `${id}-key-hint`} onChange={(e) => setKey(e.target.value)} onKeyDown={defineOnEnter} />
          {keyError ? (
            <p id={`${id}-key-error`} className="error field-error" data-field="key">
              {keyError}
            </p>
          ) : (
            <p id={`${id}-key-hint`} className="muted small">
              Lowercase letters, digits or _, starting with a letter.
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`}>Type</label>
          <select id={`${id}-type`} value={type} aria-invalid={typeError ? true : undefined} onChange={(e) => setType(e.target.value as NewType)}>
            {TYPES.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
          {typeError && (
            <p className="error field-error" data-field="type">
              {typeError}
            </p>
          )}
        </div>
      </div>
      {type === 'enum' && (
        <div className="field">
          <label htmlFor={`${id}-choices`}>Values</label>
          <input id={`${id}-choices`} value={choices} placeholder="e.g. Gold, Silver, Bronze" aria-invalid={choicesError ? true : undefined} aria-describedby={choicesError ? `${id}-choices-error` : `${id}-choices-hint`} onChange={(e) => setChoices(e.target.value)} onKeyDown={defineOnEnter} />
          {choicesError ? (
            <p id={`${id}-choices-error`} className="error field-error" data-field="enum_values">
              {choicesError}
            </p>
          ) : (
            <p id={`${id}-choices-hint`} className="muted small">
              Separated by commas; the contact form then offers exactly these.
            </p>
          )}
        </div>
      )}
      {rest.length > 0 && (
        <p className="error" role="alert">
          {rest.join(' ')}
        </p>
      )}
      <p className="row">
        <button type="button" disabled={busy} onClick={() => void define()}>
          {busy ? 'Defining…' : 'Define attribute'}
        </button>
        <button type="button" className="secondary" onClick={() => (setOpen(false), setErrors({ byField: {} }))}>
          Cancel
        </button>
      </p>
    </fieldset>
  );
}
