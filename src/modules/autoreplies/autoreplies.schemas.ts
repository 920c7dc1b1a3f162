import { z } from 'zod';
import { isTimeZone } from '../../lib/phone/index.js';
import { normalizeKeyword } from '../consent/index.js';
import { DAYS, minutesOfClock, RESERVED_KEYWORDS } from './autoreplies.rules.js';

const clock = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'use 24-hour "HH:MM" (end may be "24:00"), e.g. "09:00"');

/** One opening interval of a day, local time; an interval never crosses midnight (write it as two days). */
const interval = z
  .strictObject({ start: clock, end: clock })
  .refine((i) => minutesOfClock(i.start) < minutesOfClock(i.end), { message: 'end must be after start (an interval past midnight is two: "22:00"–"24:00" and "00:00"–"02:00" the next day)', path: ['end'] });

const dayHours = z.array(interval).max(6, 'at most 6 intervals a day');

/** Opening hours per weekday; a day left out (or an empty list) is closed. */
const weekly = z.strictObject(Object.fromEntries(DAYS.map((d) => [d, dayHours.optional()])) as Record<(typeof DAYS)[number], z.ZodOptional<typeof dayHours>>);

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use "YYYY-MM-DD"')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');

/** A date the business keeps other hours: closed all day (no `hours`, or an empty list) or open only these hours. */
const holiday = z.strictObject({ date: isoDate, name: z.string().trim().max(100).optional(), hours: dayHours.optional() });

const holidays = z
  .array(holiday)
  .max(366)
  .superRefine((list, c) => {
    const seen = new Set<string>();
    list.forEach((h, i) => (seen.has(h.date) ? c.addIssue({ code: 'custom', message: `${h.date} is listed twice`, path: [i, 'date'] }) : seen.add(h.date)));
  });

/** The business calendar (`PUT /api/v1/business-hours`). */
export const businessHoursIn = z.strictObject({
  timezone: z.string().refine(isTimeZone, 'use an IANA time zone name such as "Europe/London"').nullable().optional().describe("the calendar's zone (default: the workspace's `timezone` setting, else UTC)"),
  weekly: weekly.describe('opening hours per weekday (mon…sun); a day left out is closed'),
  holidays: holidays.optional().describe('dates with other hours: closed all day, or open only `hours`'),
  overrides: z
    .array(z.strictObject({ number_id: z.uuid(), weekly: weekly.optional(), holidays: holidays.optional() }))
    .max(50)
    .optional()
    .describe("a business number's own weekly hours and/or holidays (each replaces the workspace's)"),
});
export type BusinessHoursIn = z.infer<typeof businessHoursIn>;

/** The business calendar as the API shows it, and whether it is open now (workspace hours). */
export const businessHoursOut = z.object({
  configured: z.boolean().describe('false: no calendar set, so the business counts as always open and no away message goes'),
  timezone: z.string().describe('the zone in effect'),
  weekly: z.record(z.string(), z.array(z.object({ start: z.string(), end: z.string() }))),
  holidays: z.array(z.object({ date: z.string(), name: z.string().optional(), hours: z.array(z.object({ start: z.string(), end: z.string() })).optional() })),
  overrides: z.array(z.object({ number_id: z.string(), weekly: z.record(z.string(), z.array(z.object({ start: z.string(), end: z.string() }))).optional(), holidays: z.array(z.object({ date: z.string(), name: z.string().optional(), hours: z.array(z.object({ start: z.string(), end: z.string() })).optional() })).optional() })),
  open_now: z.boolean(),
});
export type BusinessHoursOut = z.infer<typeof businessHoursOut>;

const replyText = z.string().trim().min(1, 'must not be empty').max(4096);
const simpleReply = z.strictObject({ enabled: z.boolean(), text: replyText });

const keywordWord = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .refine((w) => normalizeKeyword(w).length > 0, 'needs letters or digits')
  .refine((w) => !RESERVED_KEYWORDS.has(normalizeKeyword(w)), 'is reserved (STOP/START words and the preference centre\'s PREFERENCES/MENU answer first); choose another word');

const faqRow = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'use 1-40 lowercase letters, digits, "_" or "-"'),
    title: z.string().trim().min(1).max(24, 'WhatsApp shows at most 24 characters'),
    description: z.string().trim().max(72, 'WhatsApp shows at most 72 characters').optional(),
    answer: replyText.optional().describe('the text sent when the row is chosen'),
    automation_id: z.uuid().optional().describe('or: the published automation the person is enrolled in'),
  })
  .refine((r) => (r.answer === undefined) !== (r.automation_id === undefined), { message: 'give either answer or automation_id', path: ['answer'] });

/** Auto-replies (`PUT /api/v1/auto-replies`). */
export const autoRepliesIn = z.strictObject({
  enabled: z.boolean().describe('the master switch'),
  greeting: simpleReply.nullable().optional().describe("sent on a person's first message ever"),
  away: simpleReply.nullable().optional().describe('sent outside business hours'),
  fallback: simpleReply.nullable().optional().describe('sent when nothing else answered in the window, e.g. "A person will answer within 2 hours"'),
  keywords: z
    .array(z.strictObject({ keywords: z.array(keywordWord).min(1).max(20), text: replyText }))
    .max(100)
    .optional()
    .describe('a message that is exactly one of the words (case, accents and punctuation ignored) gets the text'),
  faq: z
    .strictObject({
      enabled: z.boolean(),
      keywords: z.array(keywordWord).min(1).max(20).describe('words that send the menu'),
      body: z.string().trim().min(1).max(1024),
      button: z.string().trim().min(1).max(20, 'WhatsApp shows at most 20 characters'),
      rows: z
        .array(faqRow)
        .min(1)
        .max(10, 'a WhatsApp list holds at most 10 rows')
        .superRefine((rows, c) => {
          const seen = new Set<string>();
          rows.forEach((r, i) => (seen.has(r.id) ? c.addIssue({ code: 'custom', message: `row id ${r.id} is used twice`, path: [i, 'id'] }) : seen.add(r.id)));
        }),
    })
    .nullable()
    .optional()
    .describe('an interactive list whose rows answer with a text or enrol in an automation'),
  overrides: z
    .array(z.strictObject({ number_id: z.uuid(), enabled: z.boolean().optional(), greeting: simpleReply.nullable().optional(), away: simpleReply.nullable().optional(), fallback: simpleReply.nullable().optional() }))
    .max(50)
    .optional()
    .describe("a business number's own switch, greeting, away and fallback (each given one replaces the workspace's)"),
});
export type AutoRepliesIn = z.infer<typeof autoRepliesIn>;

/** Auto-replies as the API shows them (what `PUT` stored; defaults when never set). */
export const autoRepliesOut = autoRepliesIn.extend({ updated_at: z.string().nullable() });
export type AutoRepliesOut = z.infer<typeof autoRepliesOut>;
