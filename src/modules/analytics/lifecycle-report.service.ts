// Lifecycle stage distribution over time: the lifecycle module's daily snapshots, per local day.
import { ensureStageSnapshot, LIFECYCLE_STAGES, stageDaysBetween, type LifecycleStage } from '../lifecycle/index.js';
import type { Ctx } from '../context.js';
import { daysOf, resolvePeriod } from './growth.service.js';
import { lifecycleReportQuery, type LifecycleReportOut } from './lifecycle-report.schemas.js';

const dayIn = (d: Date, zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/**
 * Contacts per stage for every day of the period (workspace days; default the last 30). Today's
 * snapshot is taken first if the sweep has not taken it yet, so a new install shows its first day.
 */
export async function getLifecycleReport(ctx: Ctx, input: unknown): Promise<LifecycleReportOut> {
  const q = lifecycleReportQuery.parse(input);
  const p = await resolvePeriod(ctx, q, (x) => lifecycleReportQuery.parse(x));
  await ensureStageSnapshot(ctx.db, ctx.workspaceId, dayIn(ctx.now, p.zone), ctx.now);
  const byDay = new Map<string, Record<LifecycleStage, number>>();
  for (const r of await stageDaysBetween(ctx.db, ctx.workspaceId, p.from, p.to)) {
    let counts = byDay.get(r.day);
    if (!counts) byDay.set(r.day, (counts = Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, 0])) as Record<LifecycleStage, number>));
    if (r.stage in counts) counts[r.stage as LifecycleStage] = r.contacts;
  }
  const days = daysOf(p.from, p.to).map((date) => {
    const counts = byDay.get(date) ?? null;
    return { date, counts, total: counts ? Object.values(counts).reduce((a, b) => a + b, 0) : null };
  });
  return { timezone: p.zone, from: p.from, to: p.to, stages: [...LIFECYCLE_STAGES], days };
}

/** Header of the lifecycle CSV: the date, one column per stage, the total. */
export const LIFECYCLE_CSV_HEADER = ['date', ...LIFECYCLE_STAGES, 'total'];

/** The report as CSV rows: one per day; a day without a snapshot has empty counts. */
export async function* lifecycleCsvRows(ctx: Ctx, input: unknown): AsyncGenerator<(string | number | null)[]> {
  const r = await getLifecycleReport(ctx, input);
  for (const d of r.days) yield [d.date, ...LIFECYCLE_STAGES.map((s) => d.counts?.[s] ?? null), d.total];
}
