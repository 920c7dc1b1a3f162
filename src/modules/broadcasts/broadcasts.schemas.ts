import { z } from 'zod';
import { isTimeZone } from '../../lib/phone/index.js';

const audiencePart = z.union([
  z.strictObject({ segment_id: z.uuid('use the id of a saved segment') }),
  z.strictObject({ rules: z.record(z.string(), z.unknown()) }),
]);

const variableSource = z.union([
  z.strictObject({ field: z.enum(['name', 'first_name', 'profile_name', 'phone', 'country', 'language']), fallback: z.string().max(1024).optional() }),
  z.strictObject({ attribute: z.string().min(1).max(64), fallback: z.string().max(1024).optional() }),
  z.strictObject({ value: z.string().min(1).max(1024) }),
  z.strictObject({ tracked_link: z.int().min(0).max(9).describe('index into `links`: the recipient gets a Greenlist redirect that records the click') }),
]);

/** When a broadcast goes out. */
export const scheduleIn = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('now') }),
  z.strictObject({ type: z.literal('at'), at: z.iso.datetime({ offset: true, message: 'use an ISO 8601 time with offset, e.g. "2026-12-01T09:00:00Z"' }) }),
  z.strictObject({
    type: z.literal('local'),
    date: z.iso.date('use "YYYY-MM-DD"'),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour "HH:MM", e.g. "10:00"'),
    fallback_timezone: z.string().refine(isTimeZone, 'use an IANA time zone name').optional().describe('for contacts without a time zone (default: the workspace time zone)'),
    send_late: z
      .boolean()
      .optional()
      .describe('true: recipients whose local date and time has already passed when the broadcast starts get it at once; without it, starting is refused (422 naming schedule.date)'),
  }),
  z.strictObject({
    type: z.literal('best_hour').describe("on `date`, each recipient gets it at the best send time's hour for that weekday, in their own time zone"),
    date: z.iso.date('use "YYYY-MM-DD"'),
    fallback_time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour "HH:MM", e.g. "10:00"')
      .optional()
      .describe('when the last 30 days have no best hour for that weekday (fewer than 20 sends in every hour): this local time (default "10:00")'),
    fallback_timezone: z.string().refine(isTimeZone, 'use an IANA time zone name').optional().describe('for contacts without a time zone (default: the workspace time zone)'),
    send_late: z.boolean().optional().describe('as for `local`: true sends at once to recipients whose hour has already passed'),
  }),
]);

/** One variant of an A/B test: another template, other variable values, or both (default: the broadcast's). */
const abVariantIn = z.strictObject({
  template: z.strictObject({ name: z.string().min(1).max(512), language: z.string().min(2).max(15) }).optional().describe("default: the broadcast's template"),
  variables: z.record(z.string(), variableSource).optional().describe("default: the broadcast's variables (when the template is the broadcast's)"),
});

/** The A/B test of a broadcast. */
export const abTestIn = z.strictObject({
  variants: z.array(abVariantIn).max(10).describe('2 to 4 variants, named A, B, C, D in this order'),
  test_percent: z.int().min(1).max(100).describe('share of the sendable audience in the test, split evenly among the variants'),
  holdout_percent: z.int().min(0).max(99).optional().describe('share that gets nothing (the control); test_percent + holdout_percent ≤ 100 (default 0)'),
  metric: z.enum(['read', 'reply', 'click', 'conversion']).describe("what the winner is picked by; conversion: a 'purchase' event (POST /api/v1/events) within window_hours after the send"),
  window_hours: z.int().min(1).max(720).describe('hours after the start when the winner is picked'),
  send_winner: z.enum(['auto', 'confirm']).optional().describe("auto: the rest gets the winner when the window ends; confirm (default): a manager confirms (POST /broadcasts/:id/ab/pick-winner)"),
});
export type AbTestIn = z.infer<typeof abTestIn>;

/** Picking the winner of an A/B test by hand. */
export const pickWinnerIn = z.strictObject({
  variant: z.enum(['A', 'B', 'C', 'D']).optional().describe('override: send this variant to the rest (default: the best by the metric)'),
});

/** One group's results in an A/B test. */
export const abVariantOut = z.object({
  key: z.string().describe('A–D, holdout (got nothing: the control) or rest (gets the winner)'),
  template: z.object({ name: z.string(), language: z.string() }).nullable(),
  variables: z.record(z.string(), z.unknown()).nullable(),
  recipients: z.number(),
  sent: z.number().describe('accepted by WhatsApp'),
  delivered: z.number(),
  read: z.number(),
  replied: z.number(),
  clicked: z.number(),
  converted: z.number(),
  rates: z.object({ delivered: z.number(), read: z.number(), replied: z.number(), clicked: z.number(), converted: z.number() }).describe('each count / sent (0 when nothing was sent)'),
});

/** An A/B test with its results (`ab_test` of a broadcast). */
export const abTestOut = z.object({
  status: z.enum(['not_started', 'testing', 'waiting_for_pick', 'rest_sending', 'done']),
  test_percent: z.number(),
  holdout_percent: z.number(),
  metric: z.string(),
  window_hours: z.number(),
  send_winner: z.enum(['auto', 'confirm']),
  test_ends_at: z.string().nullable(),
  variants: z.array(abVariantOut).describe('the variants, then holdout and rest'),
  leader: z.string().nullable().describe('the best variant by the metric so far'),
  runner_up: z.string().nullable(),
  comparison: z.object({ z: z.number(), p_value: z.number(), confidence: z.number().describe('1 − p of a two-proportion z-test, best against runner-up') }).nullable(),
  winner: z.string().nullable(),
  picked_by: z.string().nullable().describe("'auto' or the id of the person who confirmed"),
  picked_at: z.string().nullable(),
});
export type AbTestOut = z.infer<typeof abTestOut>;

/** Creating a broadcast (a draft). */
export const createBroadcastIn = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  number_id: z.uuid().optional().describe('the business number to send from (default: the only connected one)'),
  audience: z.strictObject({
    segment_id: z.uuid().optional(),
    rules: z.record(z.string(), z.unknown()).optional(),
    all_contacts: z.literal(true, 'use true, or leave it out and give segment_id or rules').optional().describe('every contact of the workspace (consent for the topic is still required)'),
    topic: z.string().min(1).describe('key of the topic recipients must have granted consent for'),
    exclude: z.array(audiencePart).max(10).optional().describe('segments or rules whose contacts are left out'),
  }),
  template: z.strictObject({
    name: z.string().min(1).max(512),
    language: z.string().min(2).max(15),
    variables: z.record(z.string(), variableSource).optional(),
  }),
  links: z.array(z.url({ protocol: /^https?$/, message: 'use an http(s) URL' }).max(2000)).max(10).optional(),
  schedule: scheduleIn.optional(),
  ab_test: abTestIn.nullable().optional().describe('an A/B test: variants, split, holdout and how the winner is picked (null: none)'),
});
export type CreateBroadcastIn = z.infer<typeof createBroadcastIn>;

/** Changing a draft. */
export const updateBroadcastIn = createBroadcastIn.partial();

/** A test send to internal numbers. */
export const testSendIn = z.strictObject({
  to: z.array(z.string().regex(/^\+[1-9]\d{6,14}$/, 'use E.164, e.g. "+447700900123"')).min(1).max(5).optional().describe('default: the workspace setting broadcasts.test_numbers'),
  contact_id: z.uuid().optional().describe('render the variables with this contact (default: sample values)'),
});

/** One test send and its final status. */
export const testSendOut = z.object({
  id: z.string(),
  to: z.string(),
  wamid: z.string().nullable(),
  status: z.string().describe('rejected (refused before WhatsApp took it), accepted (no status yet), sent, delivered, read or failed'),
  error: z.string().nullable().describe('the error code when the send request itself was refused (status rejected)'),
  error_code: z.number().nullable().describe("Meta's error code of a failure reported by status webhook (e.g. 131026: not a WhatsApp user)"),
  sent_at: z.string(),
  updated_at: z.string().nullable().describe('when the last status webhook came'),
});
export type TestSendOut = z.infer<typeof testSendOut>;

/** Per-state counts of a broadcast. */
export const countsOut = z.object({
  planned: z.number(),
  skipped: z.number(),
  queued: z.number(),
  sending: z.number(),
  sent: z.number(),
  delivered: z.number(),
  read: z.number(),
  replied: z.number(),
  clicked: z.number(),
  failed: z.number(),
  opted_out: z.number(),
  cancelled: z.number(),
  uncertain: z.number(),
  excluded: z.number().describe('matched by the audience but left out at start (see excluded_by_reason); not part of planned'),
});

/** A broadcast's conversions (funnel step 8): contacts converted, goal events credited, revenue per currency. */
export const conversionsOut = z
  .object({
    converted: z.number().describe('contacts with at least one goal event credited to this broadcast'),
    conversions: z.number().describe('goal events credited (last touch, within the window)'),
    revenue: z.array(z.object({ currency: z.string(), amount: z.number() })).describe('sum of the credited amounts per currency, net of refunds (a `refund` event with the purchase\'s properties.order_id); never added across currencies'),
  })
  .describe('goal events (purchase by default) within settings.conversions.window_days (default 7) after the last broadcast message sent to the contact');

/** A broadcast as the API shows it. */
export const broadcastOut = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  number_id: z.string().nullable(),
  topic: z.string().nullable(),
  audience: z.record(z.string(), z.unknown()),
  template: z.object({ id: z.string().nullable(), name: z.string(), language: z.string(), category: z.string(), variables: z.record(z.string(), z.unknown()) }),
  links: z.array(z.string()),
  schedule: z.record(z.string(), z.unknown()),
  start_at: z.string().nullable(),
  pause_reason: z.string().nullable(),
  pause_code: z.string().nullable(),
  plan: z.record(z.string(), z.unknown()),
  counts: countsOut,
  skipped_by_reason: z.record(z.string(), z.number()),
  excluded_by_reason: z.record(z.string(), z.number()).describe('excluded, no_consent, consent_withdrawn, unreachable'),
  failed_by_code: z.record(z.string(), z.number()),
  conversions: conversionsOut,
  next_attempt_at: z.string().nullable().describe('when the earliest waiting (queued) recipient is next tried: after quiet hours, the frequency cap, pacing or a retry wait; null when nobody waits'),
  next_attempt_reason: z.string().nullable().describe("why that recipient waits: 'deferred: quiet hours', 'deferred: frequency cap', 'retrying: …', … (null: its first attempt, at the paced or scheduled time)"),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  ab_test: abTestOut.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type BroadcastOut = z.infer<typeof broadcastOut>;

/** One recipient's state and reason. */
export const recipientOut = z.object({
  contact_id: z.string(),
  phone: z.string().nullable(),
  state: z.string(),
  status: z.string().describe('queued, sending, skipped, sent, delivered, read, failed, uncertain, cancelled or excluded (matched, left out at start)'),
  reason: z.string().nullable().describe('why it was not sent: excluded (by an exclusion), no_consent, consent_withdrawn, unreachable, suppressed, paused_by_contact, ...'),
  error_code: z.number().nullable(),
  attempts: z.number(),
  not_before: z.string(),
  wamid: z.string().nullable(),
  sent_at: z.string().nullable(),
  replied_at: z.string().nullable(),
  clicked_at: z.string().nullable(),
  opted_out_at: z.string().nullable(),
});

/** Why one contact got (or will get) a broadcast or not (`GET /broadcasts/:id/recipients/:contact_id`). */
export const recipientLookupOut = z.object({
  contact_id: z.string(),
  broadcast_status: z.string(),
  matched: z.boolean().describe('whether the audience matches (matched, at start for a started broadcast)'),
  outcome: z.string().describe('not_matched, excluded or planned before the start; afterwards the recipient status (queued, sent, delivered, read, skipped, failed, excluded, ...)'),
  reason: z.string().nullable().describe('why not sent: excluded, no_consent, consent_withdrawn, unreachable, suppressed, paused_by_contact, ...'),
  recipient: recipientOut.nullable().describe('the recipient row once the broadcast started'),
});

/** The plan shown before sending (`POST /broadcasts/:id/estimate`). */
export const planOut = z.object({
  matched: z.number().describe('contacts the audience rules match'),
  excluded: z.number().describe('left out by an exclusion'),
  no_consent: z.number().describe('never agreed to the topic'),
  consent_withdrawn: z.number(),
  unreachable: z.number().describe('numbers WhatsApp keeps rejecting (list hygiene)'),
  eligible: z.number(),
  suppressed: z.number().describe('eligible, but on the suppression list: skipped at send time'),
  sendable: z.number(),
  frequency_capped: z.number().describe('at the marketing frequency cap now: deferred, not dropped'),
  paused_by_contact: z.number().describe('paused marketing in the preference centre: skipped (paused_by_contact) while the pause lasts'),
  by_country: z.record(z.string(), z.number()),
  messaging_limit: z.object({ tier: z.string().nullable(), limit: z.number().nullable(), used_24h: z.number().describe('unique people the workspace reached outside a customer service window in the last 24 h (every sender, every number: Meta counts the limit per business portfolio)'), available_now: z.number().nullable(), spill: z.number() }),
  quiet_hours: z.object({ start: z.string(), end: z.string() }).nullable(),
  cost: z.object({ currency: z.string(), total: z.number(), by_country: z.record(z.string(), z.object({ recipients: z.number(), rate: z.number(), cost: z.number() })) }),
});

/** The answer of "Resend to failed" (`POST /broadcasts/:id/resend-failed`). */
export const resendFailedOut = z.object({
  requeued: z.number().describe('failed recipients queued again (transient errors, and 131049 once its wait has passed); the send-time checks (consent, suppression, quiet hours, cap) still apply'),
  not_eligible: z
    .object({
      already_resent: z.number().describe('resent once already (never twice)'),
      permanent_error: z.number().describe('permanent errors, never resent: not on WhatsApp (131026), stopped marketing (131050), window closed (131047), invalid parameters, ...'),
      marketing_limit_wait: z.number().describe("held back by WhatsApp's per-user marketing limit (131049) less than 24 h ago"),
    })
    .describe('failed recipients not queued again, by reason'),
  next_resend_at: z.string().nullable().describe('the earliest time a recipient held back by 131049 can be resent, if one waits'),
});
