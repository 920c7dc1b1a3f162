// An automation's per-step funnel as CSV (issue 17: every table downloadable): one row per step of
// the draft in its order, then any step id only older versions had, with what its runs did.
import type { Ctx } from '../context.js';
import { revenueText } from '../broadcasts/index.js';
import { csvLine } from '../imports/index.js';
import { getAutomation } from './automations.service.js';

/** The figures a step row carries, in column order (the outcomes and delivery figures of `step_counts`). */
const FIGURES = ['sent', 'delivered', 'read', 'replied', 'clicked', 'converted', 'failed', 'waited', 'deferred', 'asked', 'answered', 'happened', 'timed_out', 'not_clicked', 'handed_over', 'then', 'else', 'done', 'skipped', 'exited'] as const;

/** Header of the per-step CSV. */
export const STEPS_CSV_HEADER = ['step', 'step_id', 'type', ...FIGURES, 'conversions', 'revenue'];

/** The automation's steps with their counts and revenue as CSV lines (a 404 before any line when it is not the workspace's). */
export async function automationStepsCsv(ctx: Ctx, id: string): Promise<string[]> {
  const a = await getAutomation(ctx, id);
  const steps = ((a.definition as { steps?: { id: string; type: string }[] }).steps ?? []).map((s, i) => ({ n: String(i + 1), id: s.id, type: s.type }));
  const known = new Set(steps.map((s) => s.id));
  const older = Object.keys(a.step_counts).filter((sid) => !known.has(sid)).sort().map((sid) => ({ n: '', id: sid, type: '' }));
  return [
    csvLine(STEPS_CSV_HEADER),
    ...[...steps, ...older].map((s) => {
      const counts = a.step_counts[s.id] ?? {};
      const conv = a.step_conversions[s.id];
      return csvLine([s.n, s.id, s.type, ...FIGURES.map((f) => counts[f] ?? 0), conv?.conversions ?? 0, revenueText(conv?.revenue ?? [])]);
    }),
  ];
}
