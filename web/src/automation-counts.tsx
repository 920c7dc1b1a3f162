import { formatCount } from './broadcast-format';
import { RUN_COUNTS } from './automation-format';

/** How many people it enrolled, and where they are now. */
export function AutomationCounts({ counts }: { counts: Record<string, number> }) {
  return (
    <dl className="counts" aria-label="People">
      {RUN_COUNTS.map((c) => {
        const n = counts[c.key] ?? 0;
        return (
          <div key={c.key} className={n === 0 ? 'zero' : undefined}>
            <dt>{c.label}</dt>
            <dd data-testid={`automation-count-${c.key}`}>{formatCount(n)}</dd>
          </div>
        );
      })}
    </dl>
  );
}
