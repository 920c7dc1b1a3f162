import type { AttributeDefinition } from './api-client';
import { AttributeDefineFields } from './attribute-define-fields';

/** One attribute row being edited: the key (a defined attribute) and its value as typed. */
export interface AttributeRow {
  key: string;
  value: string;
}

/** A stored attribute value as the text its input shows. */
export function attributeText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : String(value);
}

/** The typed value the API expects for `text` (numbers as numbers, yes/no as booleans). */
export function attributeValue(def: AttributeDefinition | undefined, text: string): string | number | boolean {
  if (def?.type === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (def?.type === 'boolean') return text === 'true';
  return text;
}

/** The value input for one attribute, shaped by its type (a menu for enums and yes/no, a date picker for dates). */
function ValueInput({ id, def, value, onChange, invalid }: { id: string; def: AttributeDefinition | undefined; value: string; onChange: (v: string) => void; invalid: boolean }) {
  const common = { id, 'aria-invalid': invalid || undefined, onChange: (e: { target: { value: string } }) => onChange(e.target.value) };
  if (def?.type === 'enum' || def?.type === 'boolean') {
    const options = def.type === 'enum' ? (def.enum_values ?? []).map((v) => [v, v]) : [['true', 'yes'], ['false', 'no']];
    return (
      <select {...common} value={value}>
        <option value="">choose…</option>
        {options.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    );
  }
  return <input {...common} type={def?.type === 'number' ? 'number' : def?.type === 'date' ? 'date' : 'text'} step={def?.type === 'number' ? 'any' : undefined} value={value} maxLength={1000} />;
}

/** Key/value rows for a contact's custom attributes; a key is picked from the workspace's defined attributes, or defined on the spot when `onDefined` is given. */
export function AttributeRows(props: {
  idPrefix: string;
  rows: AttributeRow[];
  defs: AttributeDefinition[];
  errorFor: (key: string) => string | undefined;
  onChange: (rows: AttributeRow[]) => void;
  onDefined?: (def: AttributeDefinition) => void;
}) {
  const { rows, defs, onChange } = props;
  const set = (i: number, row: AttributeRow) => onChange(rows.map((r, j) => (j === i ? row : r)));
  const unused = defs.filter((d) => !rows.some((r) => r.key === d.key));
  return (
    <fieldset className="plain contact-attributes">
      <legend>Attributes</legend>
      {defs.length === 0 && <p className="muted small">No custom attributes are defined in this workspace yet.</p>}
      {rows.map((row, i) => {
        const def = defs.find((d) => d.key === row.key);
        const error = props.errorFor(row.key);
        const id = `${props.idPrefix}-attr-${i}`;
        return (
          <div key={i} className="attribute-row" data-testid="attribute-row">
            <label htmlFor={`${id}-key`} className="visually-hidden">
              Attribute {i + 1}
            </label>
            <select id={`${id}-key`} value={row.key} onChange={(e) => set(i, { key: e.target.value, value: '' })}>
              <option value="">attribute…</option>
              {defs
                .filter((d) => d.key === row.key || !rows.some((r) => r.key === d.key))
                .map((d) => (
                  <option key={d.key} value={d.key}>
                    {d.label ?? d.key}
                  </option>
                ))}
            </select>
            <label htmlFor={`${id}-value`} className="visually-hidden">
              Value of {row.key || `attribute ${i + 1}`}
            </label>
            <ValueInput id={`${id}-value`} def={def} value={row.value} onChange={(v) => set(i, { ...row, value: v })} invalid={!!error} />
            <button type="button" className="secondary" onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={`Remove attribute ${row.key || i + 1}`}>
              Remove
            </button>
            {error && (
              <p className="error field-error" data-field={`attributes.${row.key}`}>
                {error}
              </p>
            )}
          </div>
        );
      })}
      {unused.length > 0 && (
        <button type="button" className="secondary" onClick={() => onChange([...rows, { key: unused[0]!.key, value: '' }])}>
          Add attribute
        </button>
      )}
      {props.onDefined && <AttributeDefineFields idPrefix={props.idPrefix} onDefined={props.onDefined} />}
    </fieldset>
  );
}
