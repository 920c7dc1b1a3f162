import { z } from 'zod';

const day = z.iso.date('use a date such as 2026-12-01');
/** The longest period one growth or opt-out request may cover. */
export const GROWTH_MAX_DAYS = 400;
/** Days shown when `from` is not given: the last 30 days up to `to`. */
export const GROWTH_DEFAULT_DAYS = 30;

const period = {
  from: day.optional().describe('first day (workspace time zone); default: 29 days before `to`'),
  to: day.optional().describe('last day, included (workspace time zone); default: today'),
};

/** Checks a period: `from` not after `to`, at most GROWTH_MAX_DAYS days. */
export function checkPeriod(q: { from?: string | undefined; to?: string | undefined }, issue: z.RefinementCtx): void {
  if (!q.from || !q.to) return;
  if (q.from > q.to) issue.addIssue({ code: 'custom', path: ['from'], message: 'must not be after `to`; swap them' });
  else if ((Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 + 1 > GROWTH_MAX_DAYS) {
    issue.addIssue({ code: 'custom', path: ['to'], message: `the period may cover at most ${GROWTH_MAX_DAYS} days; ask for a shorter one` });
  }
}

/** `GET /api/v1/analytics/growth` query. */
export const growthQuery = z
  .object({ ...period, by: z.enum(['source', 'topic', 'number'], 'use source, topic or number').default('source').describe('what `groups` splits the totals by') })
  .superRefine(checkPeriod);
export type GrowthQuery = z.infer<typeof growthQuery>;

/** `GET /api/v1/analytics/opt-outs` query. */
export const optOutsQuery = z.object(period).superRefine(checkPeriod);
export type OptOutsQuery = z.infer<typeof optOutsQuery>;

const figures = { opt_ins: z.number(), opt_outs: z.number(), net: z.number().describe('opt_ins − opt_outs') };

/** List growth over a period: per day (every day, zeros included), per group, and in total. */
export const growthOut = z.object({
  timezone: z.string().describe("the workspace's time zone, which days are counted in"),
  from: z.string(),
  to: z.string(),
  by: z.enum(['source', 'topic', 'number']),
  days: z.array(z.object({ date: z.string().describe('YYYY-MM-DD in the workspace time zone'), ...figures })),
  groups: z.array(
    z.object({
      key: z.string().describe('source name, topic id ("all" for every topic), or number id ("unknown" when not known)'),
      label: z.string().describe('source name, topic name or the number as displayed'),
      ...figures,
    }),
  ),
  totals: z.object(figures),
});
export type GrowthOut = z.infer<typeof growthOut>;

/** Opt-outs over a period: the reasons people gave and the messages that came before. */
export const optOutsOut = z.object({
  from: z.string(),
  to: z.string(),
  total: z.number().describe('opt-outs (one per person and act: a STOP across three topics is one)'),
  reasons: z.array(z.object({ reason: z.string().describe("the person's answer, lower-cased with spaces collapsed, or 'no reason given'"), count: z.number() })),
  preceding: z.array(
    z.object({
      kind: z.enum(['broadcast', 'automation', 'none']).describe('what was sent to the person within 72 h before the opt-out (the latest such send); none: nothing'),
      id: z.string().nullable().describe('broadcast or automation id'),
      name: z.string().nullable(),
      step_id: z.string().nullable().describe("the automation step that sent it"),
      count: z.number(),
    }),
  ),
});
export type OptOutsOut = z.infer<typeof optOutsOut>;
