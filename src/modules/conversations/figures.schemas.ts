import { z } from 'zod';

const day = z.iso.date('use a date such as 2026-12-01');
/** The longest period one request may cover. */
export const FIGURES_MAX_DAYS = 366;

/** `GET /api/v1/conversations/figures` query: days in the workspace's time zone, both included. */
export const figuresQuery = z
  .object({
    from: day.optional().describe('first day (workspace time zone); default: 6 days before `to`'),
    to: day.optional().describe('last day, included (workspace time zone); default: today'),
    agent: z.uuid('use a user id from GET /api/v1/users').optional().describe('only this user (agents always see only their own figures)'),
  })
  .superRefine((q, issue) => {
    if (q.from && q.to && q.from > q.to) issue.addIssue({ code: 'custom', path: ['from'], message: 'must not be after `to`; swap them' });
    if (q.from && q.to && (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 + 1 > FIGURES_MAX_DAYS) {
      issue.addIssue({ code: 'custom', path: ['to'], message: `the period may cover at most ${FIGURES_MAX_DAYS} days; ask for a shorter one` });
    }
  });
export type FiguresQuery = z.infer<typeof figuresQuery>;

const seconds = z.number().nullable();
/** One agent's figures over a period or on one day. */
export const agentFigures = z.object({
  agent_id: z.string().nullable().describe('the user; null: replies sent with an API key, or closes by no user'),
  agent_name: z.string().nullable().describe("the user's name (else email); null with no user"),
  handled: z.number().describe('conversations the agent replied to or that were closed while assigned to them (or closed by them)'),
  replies: z.number(),
  first_responses: z.number().describe('openings whose first reply was theirs'),
  first_response_avg_s: seconds.describe("mean seconds from the person's first unanswered message to the first reply"),
  first_response_p50_s: seconds,
  resolved: z.number().describe('conversations closed (open → closed)'),
  resolution_avg_s: seconds.describe('mean seconds from the opening (created or reopened) to the close'),
  resolution_p50_s: seconds,
});

/** The figures answer: per agent over the whole period, and per agent and day. */
export const figuresOut = z.object({
  timezone: z.string().describe("the workspace's time zone, which days are counted in"),
  from: z.string(),
  to: z.string(),
  agents: z.array(agentFigures),
  days: z.array(agentFigures.extend({ day: z.string().describe('YYYY-MM-DD in the workspace time zone') })),
});
export type FiguresOut = z.infer<typeof figuresOut>;
