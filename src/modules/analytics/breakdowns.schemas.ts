import { z } from 'zod';
import { checkPeriod } from './growth.schemas.js';

const day = z.iso.date('use a date such as 2026-12-01');

/** `GET /api/v1/analytics/{templates,segments,optin-sources}` query: broadcasts started in these days (workspace time zone). */
export const breakdownQuery = z
  .object({
    from: day.optional().describe('first day (workspace time zone); default: 29 days before `to`'),
    to: day.optional().describe('last day, included (workspace time zone); default: today'),
  })
  .superRefine(checkPeriod);
export type BreakdownQuery = z.infer<typeof breakdownQuery>;

/** What a breakdown groups broadcast funnels by. */
export const BREAKDOWNS = ['template', 'segment', 'optin_source'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

const rate = z.number().min(0).max(1).nullable();
const funnel = z.object({
  planned: z.number(),
  skipped: z.number(),
  sent: z.number(),
  delivered: z.number(),
  read: z.number(),
  replied: z.number(),
  clicked: z.number(),
  opted_out: z.number(),
  failed: z.number(),
  converted: z.number().describe('recipients (a contact per broadcast) credited with a goal event within the attribution window (settings.conversions)'),
});
export type BreakdownFunnel = z.infer<typeof funnel>;

/** Broadcast funnels summed per template, segment or opt-in source over a period. */
export const breakdownOut = z.object({
  timezone: z.string().describe("the workspace's time zone, which days are counted in"),
  from: z.string(),
  to: z.string(),
  by: z.enum(BREAKDOWNS),
  groups: z.array(
    z.object({
      key: z.string().describe('template "name:language"; segment id, "rules" or "all_contacts"; opt-in source id, "channel:<ledger source>" or "none"'),
      label: z.string().describe('what the admin shows: "offer (en)", the segment name, "Custom rules", the opt-in source name…'),
      broadcasts: z.number().describe('broadcasts of the period in this group (with recipients in it, for opt-in sources)'),
      funnel,
      rates: z.object({ delivered: rate, read: rate, replied: rate, clicked: rate, opted_out: rate, converted: rate }).describe('fractions of `sent`; null when nothing was sent'),
      revenue: z.array(z.object({ currency: z.string(), amount: z.number() })).describe('credited goal events\' amounts per currency, net of refunds (never added across currencies)'),
    }),
  ),
});
export type BreakdownOut = z.infer<typeof breakdownOut>;
