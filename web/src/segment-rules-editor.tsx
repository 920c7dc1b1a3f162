import type { Subject } from './segment-rules';
import { SegmentPreviewPanel } from './segment-preview-panel';
import { SegmentRuleBuilder } from './segment-rule-builder';
import { SegmentRulesProblem } from './segment-rules-problem';
import type { RulesDraft } from './use-rules-draft';
import type { PreviewState, RulesProblem } from './use-segment-preview';

/** Which builder row a problem path such as `rules.all[2].op` points at. */
function rowOfPath(path: string, combinator: string): number | undefined {
  const m = /^rules\.(all|any)\[(\d+)\]/.exec(path);
  return m && m[1] === combinator ? Number(m[2]) : undefined;
}

/** The rules of a dynamic segment: the builder, the same rules as JSON, where they are wrong, and the live count and sample. */
export function SegmentRulesEditor({ draft, subjects, problem, preview }: { draft: RulesDraft; subjects: readonly Subject[]; problem: RulesProblem | undefined; preview: PreviewState }) {
  const { builder, inSync } = draft;
  return (
    <div className="rules-editor">
      <SegmentRuleBuilder
        state={builder}
        subjects={subjects}
        isEnabled={inSync}
        invalidRow={problem && inSync ? rowOfPath(problem.path, builder.combinator) : undefined}
        onChange={draft.editBuilder}
      />
      {!inSync && (
        <p className="muted small" data-testid="builder-off">
          The builder cannot show these rules; edit them as JSON below, or{' '}
          <button type="button" className="link" onClick={() => draft.editBuilder(builder)}>
            go back to the builder&apos;s rules
          </button>
          .
        </p>
      )}
      <details className="advanced">
        <summary>Advanced: rules as JSON</summary>
        <textarea
          aria-label="Rules as JSON"
          value={draft.text}
          onChange={(e) => draft.editText(e.target.value)}
          rows={10}
          spellCheck={false}
          aria-describedby={problem ? 'rules-problem' : undefined}
        />
      </details>
      {problem && <SegmentRulesProblem id="rules-problem" problem={problem} />}
      <SegmentPreviewPanel preview={preview} />
    </div>
  );
}
