import { z } from 'zod';
import { checkPeriod } from './growth.schemas.js';

const day = z.iso.date('use a date such as 2026-12-01');
/** The fewest sends a cell needs before it can be a weekday's best hour (fewer is noise). */
export const BEST_HOUR_MIN_SENDS = 20;
/** Weekday names in the order of `weekday` (0 = Monday, ISO order). */
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** `GET /api/v1/analytics/engagement-heatmap` query. */
export const heatmapQuery = z
  .object({
    from: day.optional().describe('first day of sends (workspace time zone); default: 29 days before `to`'),
    to: day.optional().describe('last day of sends, included (workspace time zone); default: today'),
    segment_id: z.uuid('use the id of a saved segment or list').optional().describe('only sends to people who are in this segment now'),
  })
  .superRefine(checkPeriod);
export type HeatmapQuery = z.infer<typeof heatmapQuery>;

const rate = z.number().min(0).max(1).nullable();
const cell = z.object({
  weekday: z.number().int().min(0).max(6).describe("the recipient's local weekday of the send: 0 Monday … 6 Sunday"),
  hour: z.number().int().min(0).max(23).describe("the recipient's local hour of the send, 0–23"),
  sent: z.number().describe('outbound broadcast and automation messages sent'),
  read: z.number().describe('of those, read (a read status came back)'),
  replied: z.number().describe('of those, followed by a message from the person within 72 h (the funnels’ definition)'),
  read_rate: rate.describe('read / sent; null when nothing was sent'),
  reply_rate: rate.describe('replied / sent; null when nothing was sent'),
});

/** The engagement heatmap: 7 × 24 cells in the recipient's local time, and each weekday's best hour. */
export const heatmapOut = z.object({
  timezone: z.string().describe("the workspace's time zone: days of the period, and the zone of recipients without one"),
  from: z.string(),
  to: z.string(),
  segment_id: z.string().nullable(),
  min_sends: z.number().describe('sends a cell needs to be a best hour'),
  totals: z.object({ sent: z.number(), read: z.number(), replied: z.number() }),
  cells: z.array(cell).describe('all 168 cells, weekday then hour (zeros included)'),
  best_hours: z
    .array(
      z.object({
        weekday: z.number().int().min(0).max(6),
        hour: z.number().int().min(0).max(23).nullable().describe('the hour with the highest read rate among cells with at least `min_sends` sends (earliest on a tie); null: no such cell'),
        read_rate: rate,
        sent: z.number(),
      }),
    )
    .describe('one per weekday, Monday first'),
});
export type HeatmapOut = z.infer<typeof heatmapOut>;
export type HeatmapCell = z.infer<typeof cell>;
