import { z } from 'zod';
import { LIFECYCLE_STAGES } from '../lifecycle/index.js';
import { checkPeriod } from './growth.schemas.js';

const day = z.iso.date('use a date such as 2026-12-01');

/** `GET /api/v1/analytics/lifecycle` query. */
export const lifecycleReportQuery = z
  .object({
    from: day.optional().describe('first day (workspace time zone); default: 29 days before `to`'),
    to: day.optional().describe('last day, included (workspace time zone); default: today'),
  })
  .superRefine(checkPeriod);
export type LifecycleReportQuery = z.infer<typeof lifecycleReportQuery>;

const stageCounts = z.object(Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, z.number()])) as Record<(typeof LIFECYCLE_STAGES)[number], z.ZodNumber>);

/** Contacts per lifecycle stage per day, from the daily snapshot. */
export const lifecycleReportOut = z.object({
  timezone: z.string().describe("the workspace's time zone, which days are counted in"),
  from: z.string(),
  to: z.string(),
  stages: z.array(z.enum(LIFECYCLE_STAGES)).describe('every stage, in the order of the lifecycle'),
  days: z.array(
    z.object({
      date: z.string().describe('YYYY-MM-DD in the workspace time zone'),
      counts: stageCounts.nullable().describe('contacts per stage as last counted that day; null: no snapshot was taken that day'),
      total: z.number().nullable().describe('contacts that day (the sum of counts); null: no snapshot'),
    }),
  ),
});
export type LifecycleReportOut = z.infer<typeof lifecycleReportOut>;

