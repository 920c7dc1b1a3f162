import type { AutomationStep } from './automations-api';
import { formatCount, formatRevenue } from './broadcast-format';
import { STEP_COUNTS } from './automation-format';
import { stepName, stepSummary, stepTypeLabel } from './automation-steps';

/** Revenue per currency credited to one step's messages. */
type StepRevenue = Record<string, { revenue: { currency: string; amount: number }[] }>;

/** The steps top to bottom, each with what it does, where it goes next, and what it did so far (sent, delivered, read, converted, revenue, skipped…). */
export function AutomationFlow({ steps, stepCounts, stepConversions = {} }: { steps: readonly AutomationStep[]; stepCounts: Record<string, Record<string, number>>; stepConversions?: StepRevenue }) {
  return (
    <ol className="flow plain" aria-label="Steps">
      {steps.map((step, i) => {
        const counts = stepCounts[step.id] ?? {};
        const shown = STEP_COUNTS.filter((c) => (counts[c.key] ?? 0) > 0);
        const next = 'next' in step && step.next ? step.next : undefined;
        const revenue = stepConversions[step.id]?.revenue ?? [];
        return (
          <li key={`${step.id}-${i}`} className="flow-step card" data-testid="flow-step">
            <div className="flow-step-head">
              <h4>
                <span className="step-number">{i + 1}</span> {stepTypeLabel(step.type)}
              </h4>
              <span className="step-counts small" data-testid="step-counts">
                {shown.length === 0 ? <span className="muted">nobody yet</span> : shown.map((c) => `${formatCount(counts[c.key]!)} ${c.label}`).join(' · ')}
                {revenue.length > 0 && <span data-testid="step-revenue"> · {formatRevenue(revenue)} revenue</span>}
              </span>
            </div>
            <p className="step-summary">{stepSummary(step, steps)}</p>
            {next && <p className="muted small">then → {stepName(steps, next)}</p>}
          </li>
        );
      })}
    </ol>
  );
}
