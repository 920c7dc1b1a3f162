import type { AttributeDefinition } from './api-client';
import { CONTACT_FIELDS } from './broadcast-format';
import type { ContactFieldName, TemplateParam } from './templates-api';
import { draftProblem, type SourceKind, type VariableDraft } from './variable-mapping';

const KINDS: { kind: SourceKind; label: string }[] = [
  { kind: 'field', label: 'Contact field' },
  { kind: 'attribute', label: 'Attribute' },
  { kind: 'value', label: 'Fixed text' },
];

/** One template parameter: where its value comes from (contact field, attribute or fixed text) and the fallback. */
export function VariableMappingRow({
  param,
  draft,
  attributes,
  showProblem,
  onChange,
}: {
  param: TemplateParam;
  draft: VariableDraft;
  attributes: AttributeDefinition[];
  showProblem: boolean;
  onChange: (d: VariableDraft) => void;
}) {
  const k = param.key;
  const set = (patch: Partial<VariableDraft>) => onChange({ ...draft, ...patch });
  const problem = showProblem ? draftProblem(draft) : undefined;
  return (
    <tr data-testid="variable-row" aria-invalid={problem ? true : undefined}>
      <th scope="row">
        <code>{k}</code>
      </th>
      <td>
        <select aria-label={`${k} source`} value={draft.kind} onChange={(e) => set({ kind: e.target.value as SourceKind })}>
          {KINDS.map((o) => (
            <option key={o.kind} value={o.kind}>
              {o.label}
            </option>
          ))}
        </select>
      </td>
      <td>
        {draft.kind === 'field' && (
          <select aria-label={`${k} field`} value={draft.field} onChange={(e) => set({ field: e.target.value as ContactFieldName })}>
            {CONTACT_FIELDS.map((f) => (
              <option key={f.key} value={f.key}>
                {f.label}
              </option>
            ))}
          </select>
        )}
        {draft.kind === 'attribute' &&
          (attributes.length > 0 ? (
            <select aria-label={`${k} attribute`} value={draft.attribute} onChange={(e) => set({ attribute: e.target.value })}>
              <option value="">Choose an attribute</option>
              {attributes.map((a) => (
                <option key={a.id} value={a.key}>
                  {a.label ? `${a.label} (${a.key})` : a.key}
                </option>
              ))}
            </select>
          ) : (
            <input aria-label={`${k} attribute`} value={draft.attribute} onChange={(e) => set({ attribute: e.target.value })} placeholder="attribute key" maxLength={64} />
          ))}
        {draft.kind === 'value' && <input aria-label={`${k} text`} value={draft.value} onChange={(e) => set({ value: e.target.value })} maxLength={1024} placeholder="the same for everyone" />}
        {problem && <div className="error small">{problem}</div>}
      </td>
      <td>
        {draft.kind !== 'value' ? (
          <input aria-label={`${k} fallback`} value={draft.fallback} onChange={(e) => set({ fallback: e.target.value })} maxLength={1024} placeholder="empty: skip the contact" />
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}
