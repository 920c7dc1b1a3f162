import { useState } from 'react';
import type { AutomationStep } from './automations-api';
import { AutomationTargetSelect } from './automation-target-select';
import { SegmentRuleBuilder } from './segment-rule-builder';
import { builderOf, formatRules, parseRulesText, rulesOf, type BuilderState, type Subject } from './segment-rules';

type BranchStep = Extract<AutomationStep, { type: 'branch' }>;

/** Which builder row a problem path inside the step (`rules.all[2].op`) points at. */
function rowOfPath(rest: string | undefined, combinator: string): number | undefined {
  const m = rest ? /^rules\.(all|any)\[(\d+)\]/.exec(rest) : null;
  return m && m[1] === combinator ? Number(m[2]) : undefined;
}

/**
 * A condition on the person (the segment rule builder, or the rules as JSON when the builder cannot
 * show them) and the step to go to when they match and when they do not.
 */
export function AutomationBranchFields({
  id,
  index,
  step,
  steps,
  subjects,
  problemPaths,
  onChange,
}: {
  id: string;
  index: number;
  step: BranchStep;
  steps: readonly AutomationStep[];
  subjects: readonly Subject[];
  /** Paths inside this step that have problems (`rules.all[0].value`). */
  problemPaths: readonly string[];
  onChange: (s: BranchStep) => void;
}) {
  // The builder's rows as edited (a value being typed stays as typed); the step gets their rules.
  const [builder, setBuilder] = useState<BuilderState | null>(() => builderOf(step.rules, subjects));
  const [text, setText] = useState(() => formatRules(step.rules));
  const [textProblem, setTextProblem] = useState<string>();

  function editBuilder(next: BuilderState) {
    setBuilder(next);
    const rules = rulesOf(next, subjects);
    setText(formatRules(rules));
    onChange({ ...step, rules });
  }
  function editText(next: string) {
    setText(next);
    const parsed = parseRulesText(next);
    setTextProblem('problem' in parsed ? parsed.problem : undefined);
    if ('rules' in parsed) {
      onChange({ ...step, rules: parsed.rules as BranchStep['rules'] });
      setBuilder(builderOf(parsed.rules, subjects));
    }
  }

  const invalidRow = builder ? problemPaths.map((p) => rowOfPath(p, builder.combinator)).find((r) => r !== undefined) : undefined;
  return (
    <>
      {builder ? (
        <SegmentRuleBuilder state={builder} subjects={subjects} isEnabled invalidRow={invalidRow} onChange={editBuilder} />
      ) : (
        <p className="muted small">These conditions are more than the builder can show; edit them as JSON below.</p>
      )}
      <details className="advanced" open={!builder}>
        <summary>Conditions as JSON</summary>
        <textarea aria-label={`Conditions of step ${index + 1} as JSON`} value={text} onChange={(e) => editText(e.target.value)} rows={6} spellCheck={false} />
        {textProblem && <p className="error small">{textProblem}</p>}
      </details>
      <div className="row">
        <AutomationTargetSelect id={`${id}-then`} label="If they match, go to" value={step.then} steps={steps} self={index} onChange={(then) => onChange({ ...step, then: then ?? '' })} />
        <AutomationTargetSelect id={`${id}-else`} label="Otherwise, go to" value={step.else} steps={steps} self={index} onChange={(other) => onChange({ ...step, else: other ?? '' })} />
      </div>
    </>
  );
}
