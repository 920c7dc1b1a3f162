import { z } from 'zod';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'use a month such as 2026-12');
/** The most months one cost report covers. */
export const COST_MAX_MONTHS = 24;

/** `GET /api/v1/analytics/cost` query. */
export const costQuery = z
  .object({
    from: month.optional().describe('first month (UTC, as Meta bills); default: two months before `to`'),
    to: month.optional().describe('last month, included (UTC); default: this month'),
  })
  .superRefine((q, issue) => {
    if (!q.from || !q.to) return;
    if (q.from > q.to) issue.addIssue({ code: 'custom', path: ['from'], message: 'must not be after `to`; swap them' });
    else if (monthsBetween(q.from, q.to) > COST_MAX_MONTHS) issue.addIssue({ code: 'custom', path: ['to'], message: `the period may cover at most ${COST_MAX_MONTHS} months; ask for a shorter one` });
  });
export type CostQuery = z.infer<typeof costQuery>;

/** Months from `from` to `to`, both included ("2026-11", "2026-12" → 2). */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm) + 1;
}

const figures = {
  sent: z.number().describe('templates sent, by the category Greenlist sent them as (the estimate counts these)'),
  estimated_cost: z.number().describe('sent × the rate card’s price for that country and category'),
  billable: z.number().describe('messages whose status webhooks’ pricing said billable, by Meta’s category'),
  actual_cost: z.number().describe('billable × the rate card’s price for that country and Meta’s category'),
};

/** What messages cost per month, country and category: the estimate against Meta's pricing. */
export const costOut = z.object({
  currency: z.string().describe("the rate card's currency (settings.rate_card, or the built-in indicative list)"),
  rate_card: z.enum(['workspace', 'default']).describe('whose prices: the workspace’s own rate card, or the built-in indicative list'),
  from: z.string(),
  to: z.string(),
  totals: z.object(figures),
  months: z.array(z.object({ month: z.string(), ...figures })).describe('every month of the period, zeros included'),
  rows: z
    .array(z.object({ month: z.string(), country: z.string().describe('the contact’s country; "unknown" when not known'), category: z.string(), rate: z.number(), ...figures }))
    .describe('one per month, country and category with any message'),
});
export type CostOut = z.infer<typeof costOut>;
