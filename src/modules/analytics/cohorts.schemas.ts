import { z } from 'zod';

/** The most cohorts (opt-in months) one request may ask for. */
export const COHORTS_MAX_MONTHS = 36;
/** The months after the opt-in month the cohort report measures. */
export const COHORT_OFFSETS = [1, 3, 6] as const;

/** `GET /api/v1/analytics/cohorts` query. */
export const cohortsQuery = z.object({
  months: z.coerce
    .number('use a whole number of months')
    .int('use a whole number of months')
    .min(1, 'use at least 1 month')
    .max(COHORTS_MAX_MONTHS, `use at most ${COHORTS_MAX_MONTHS} months`)
    .default(12)
    .describe('how many opt-in months, counting back from the current one (included)'),
});
export type CohortsQuery = z.infer<typeof cohortsQuery>;

const share = z.number().min(0).max(1).nullable();
const offset = z.object({
  engaged: z.number().nullable().describe('cohort contacts who read a message or sent one during that calendar month; null: the month has not begun'),
  share: share.describe('engaged / contacts; null when the month has not begun or the cohort is empty'),
});

/** Engagement of opt-in cohorts 1, 3 and 6 months after their opt-in month. */
export const cohortsOut = z.object({
  timezone: z.string().describe("the workspace's time zone, which months are counted in"),
  months: z.number(),
  cohorts: z.array(
    z.object({
      month: z.string().describe('the opt-in month, YYYY-MM (month of the contact’s first grant in the ledger)'),
      contacts: z.number().describe('contacts whose first opt-in fell in this month (erased contacts are not counted)'),
      month_1: offset.describe('the calendar month after the opt-in month'),
      month_3: offset.describe('the third calendar month after the opt-in month'),
      month_6: offset.describe('the sixth calendar month after the opt-in month'),
    }),
  ).describe('oldest month first; every month of the range, empty ones included'),
});
export type CohortsOut = z.infer<typeof cohortsOut>;
