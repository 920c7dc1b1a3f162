import type { AttributeDefinition } from './api-client';
import { variantOn, type AbVariantDraft } from './broadcast-ab';
import { templateLabel } from './template-format';
import type { Template } from './templates-api';
import { VariableMappingTable } from './variable-mapping-table';

/** One extra A/B variant: its template (same category as the message) and a source for each variable. */
export function BroadcastAbVariant({ label, draft, templates, attributes, showProblems, onChange, onRemove }: {
  label: string;
  draft: AbVariantDraft;
  templates: Template[];
  attributes: AttributeDefinition[];
  showProblems: boolean;
  onChange: (d: AbVariantDraft) => void;
  onRemove: () => void;
}) {
  const t = templates.find((x) => x.id === draft.templateId);
  const id = `ab-variant-${label}`;
  return (
    <div className="ab-variant" data-testid={id}>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-template`}>{`Variant ${label}: template`}</label>
          <select id={`${id}-template`} value={draft.templateId} onChange={(e) => onChange(variantOn(templates.find((x) => x.id === e.target.value), draft.drafts))}>
            <option value="">Choose a template</option>
            {templates.map((x) => (
              <option key={x.id} value={x.id}>
                {templateLabel(x)}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="secondary" onClick={onRemove} aria-label={`Remove variant ${label}`}>
          Remove
        </button>
      </div>
      {t && <VariableMappingTable params={t.params} drafts={draft.drafts} attributes={attributes} showProblems={showProblems} onChange={(k, d) => onChange({ ...draft, drafts: { ...draft.drafts, [k]: d } })} />}
    </div>
  );
}
