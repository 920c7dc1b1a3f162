import type { AttributeDefinition } from './api-client';
import { templateLabel, templateText } from './template-format';
import type { Template, VariableSource } from './templates-api';
import type { VariableDraft } from './variable-mapping';
import { sourceOf } from './variable-mapping';
import { VariableMappingTable } from './variable-mapping-table';

/** A template as a step sends it: name, language and a source per variable. */
export interface TemplateRef {
  name: string;
  language: string;
  variables?: Record<string, VariableSource>;
}

/** The row a variable's source shows as; a missing one is an empty fixed text (to be filled in). */
function draftOf(source: VariableSource | undefined): VariableDraft {
  const blank: VariableDraft = { kind: 'value', field: 'first_name', attribute: '', value: '', fallback: '' };
  if (!source) return blank;
  if ('field' in source) return { ...blank, kind: 'field', field: source.field, fallback: source.fallback ?? '' };
  if ('attribute' in source) return { ...blank, kind: 'attribute', attribute: source.attribute, fallback: source.fallback ?? '' };
  if ('value' in source) return { ...blank, value: source.value };
  return blank;
}

const keyOf = (t: { name: string; language: string }) => `${t.name}\u0000${t.language}`;

/** An approved template for a send step, its text, and where each of its variables comes from. */
export function AutomationTemplateFields({
  id,
  label,
  value,
  templates,
  attributes,
  onChange,
}: {
  id: string;
  label: string;
  value: TemplateRef;
  templates: Template[];
  attributes: AttributeDefinition[];
  onChange: (next: TemplateRef) => void;
}) {
  const template = templates.find((t) => keyOf(t) === keyOf(value));
  const drafts = Object.fromEntries((template?.params ?? []).map((p) => [p.key, draftOf(value.variables?.[p.key])]));

  function choose(key: string) {
    const t = templates.find((x) => keyOf(x) === key);
    if (!t) return onChange({ name: '', language: '' });
    // A new template starts with every variable from the first name (media from a fixed link to fill in).
    const variables = Object.fromEntries(t.params.map((p): [string, VariableSource] => [p.key, value.variables?.[p.key] ?? (p.name === 'media' ? { value: '' } : { field: 'first_name' })]));
    onChange({ name: t.name, language: t.language, ...(t.params.length > 0 ? { variables } : {}) });
  }

  return (
    <>
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <select id={id} value={template ? keyOf(template) : ''} onChange={(e) => choose(e.target.value)}>
          <option value="">{value.name && !template ? `${value.name} (${value.language}) — not an approved template` : 'Choose an approved template'}</option>
          {templates.map((t) => (
            <option key={keyOf(t)} value={keyOf(t)}>
              {`${templateLabel(t)} · ${t.category.toLowerCase()}`}
            </option>
          ))}
        </select>
      </div>
      {templates.length === 0 && <p className="muted small">No approved template yet: sync them on the Templates tab.</p>}
      {template && (
        <>
          <p className="message-text template-text">{templateText(template)}</p>
          <VariableMappingTable
            params={template.params}
            drafts={drafts}
            attributes={attributes}
            showProblems
            onChange={(k, d) => onChange({ ...value, variables: { ...value.variables, [k]: sourceOf(d) } })}
          />
        </>
      )}
    </>
  );
}
