import type { DefinitionProblem } from './automation-problems';

/** Problems the API found, each with its path (shortened to what is inside the step, when shown at a step) and what to do. */
export function AutomationProblemList({ problems, label }: { problems: readonly { path: string; problem: string }[] | readonly DefinitionProblem[]; label: string }) {
  if (problems.length === 0) return null;
  return (
    <ul className="plain problem-list" aria-label={label} role="alert">
      {problems.map((p, i) => (
        <li key={i} className="error rules-problem" data-testid="automation-problem">
          {p.path && <code data-testid="automation-problem-path">{p.path}</code>}
          <span data-testid="automation-problem-text">{p.problem}</span>
        </li>
      ))}
    </ul>
  );
}
