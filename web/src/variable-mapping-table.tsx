import type { AttributeDefinition } from './api-client';
import type { TemplateParam } from './templates-api';
import type { VariableDraft } from './variable-mapping';
import { VariableMappingRow } from './variable-mapping-row';

/** The variable mapping: one row per template parameter. */
export function VariableMappingTable({
  params,
  drafts,
  attributes,
  showProblems,
  onChange,
}: {
  params: TemplateParam[];
  drafts: Record<string, VariableDraft>;
  attributes: AttributeDefinition[];
  showProblems: boolean;
  onChange: (key: string, d: VariableDraft) => void;
}) {
  if (params.length === 0) return <p className="muted small">This template has no variables.</p>;
  return (
    <table aria-label="Variables" className="mapping">
      <thead>
        <tr>
          <th>Variable</th>
          <th>Source</th>
          <th>Value</th>
          <th>Fallback</th>
        </tr>
      </thead>
      <tbody>
        {params.map((p) => {
          const d = drafts[p.key];
          return d ? <VariableMappingRow key={p.key} param={p} draft={d} attributes={attributes} showProblem={showProblems} onChange={(next) => onChange(p.key, next)} /> : null;
        })}
      </tbody>
    </table>
  );
}
