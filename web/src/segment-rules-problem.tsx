import type { RulesProblem } from './use-segment-preview';

/** Where the rules are wrong (the JSON path of the node) and what to write instead. */
export function SegmentRulesProblem({ id, problem }: { id: string; problem: RulesProblem }) {
  return (
    <div id={id} className="error rules-problem" role="alert" data-testid="rules-problem">
      <code data-testid="rules-problem-path">{problem.path}</code>
      <span data-testid="rules-problem-text">{problem.problem}</span>
    </div>
  );
}
