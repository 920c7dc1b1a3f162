import type { PlacedIssue } from './template-draft';

/** The lint findings about one form field, in plain words (errors red, warnings amber). */
export function FieldIssues({ field, issues }: { field: string; issues: PlacedIssue[] }) {
  const mine = issues.filter((i) => i.field === field);
  if (mine.length === 0) return null;
  return (
    <ul className="lint field-issues" id={`tpl-issues-${field}`} data-testid={`issues-${field}`} aria-live="polite">
      {mine.map((i) => (
        <li key={i.message} className={i.warning ? 'lint-warning' : 'lint-error'}>
          {i.warning ? `Advice: ${i.message}` : i.message}
        </li>
      ))}
    </ul>
  );
}

/** `aria-describedby` for a field that has findings. */
export const describedBy = (field: string, issues: PlacedIssue[]) => (issues.some((i) => i.field === field) ? `tpl-issues-${field}` : undefined);
