import { z } from 'zod';
import { LIFECYCLE_STAGES } from '../lifecycle/index.js';

const stepId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'use 1–40 lowercase letters, digits, "-" or "_", e.g. "welcome"');
/** Days of the week, Monday first (ISO). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour "HH:MM", e.g. "10:00"');

/** Template variables, mapped as in broadcasts (a contact field, an attribute, or a fixed value). */
const variableSource = z.union([
  z.strictObject({ field: z.enum(['name', 'first_name', 'profile_name', 'phone', 'country', 'language']), fallback: z.string().max(1024).optional() }),
  z.strictObject({ attribute: z.string().min(1).max(64), fallback: z.string().max(1024).optional() }),
  z.strictObject({ value: z.string().min(1).max(1024) }),
  z.strictObject({ tracked_link: z.int().min(0).max(9).describe('index into the definition\'s `links`: the person gets a Greenlist redirect that records the click') }),
]);
const templateRef = z.strictObject({ name: z.string().min(1).max(512), language: z.string().min(2).max(15), variables: z.record(z.string(), variableSource).optional() });

const next = stepId.optional().describe('the step to go to next (default: the following step; after the last one, the end)');
const duration = z.strictObject({ days: z.int().min(0).max(3650).optional(), hours: z.int().min(0).max(10_000).optional(), minutes: z.int().min(0).max(100_000).optional() });
const replyButtons = z
  .array(z.strictObject({ id: z.string().min(1).max(256), title: z.string().min(1).max(20, 'button titles are at most 20 characters') }))
  .min(1, 'give 1 to 3 buttons')
  .max(3, 'WhatsApp allows at most 3 reply buttons');

/** One step of an automation. */
export const stepIn = z.discriminatedUnion('type', [
  z.strictObject({ id: stepId, type: z.literal('send_template'), template: templateRef, next }),
  z.strictObject({
    id: stepId,
    type: z.literal('send_message'),
    text: z.string().min(1, 'must not be empty').max(4096, 'WhatsApp text is at most 4,096 characters').describe('"{{link:N}}" puts the tracked copy of links[N] in the text'),
    buttons: replyButtons.optional().describe('reply buttons (then the text is at most 1,024 characters)'),
    fallback_template: templateRef.optional().describe('sent instead when the 24-hour window is closed; without it the step is skipped with the reason'),
    next,
  }),
  z.strictObject({
    id: stepId,
    type: z.literal('wait_for_reply'),
    timeout: duration.describe('how long to wait for an answer'),
    on_reply: stepId.optional().describe('where to go when they answer (default: next)'),
    on_timeout: stepId.optional().describe('where to go when they do not (default: next)'),
    next,
  }),
  z.strictObject({
    id: stepId,
    type: z.literal('wait_for_event'),
    event: z.string().min(1).max(64).describe('a customer event type, e.g. "purchase"'),
    where: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe('event properties that must be equal'),
    timeout: duration.describe('how long to wait for it'),
    on_event: stepId.optional().describe('where to go when it happens (default: next)'),
    on_timeout: stepId.optional().describe('where to go when it does not (default: next)'),
    next,
  }),
  z.strictObject({
    id: stepId,
    type: z.literal('wait_for_click'),
    timeout: duration.describe('how long to wait for a click'),
    on_click: stepId.optional().describe("where to go when they open one of this run's tracked links (default: next)"),
    on_timeout: stepId.optional().describe('where to go when they do not (default: next)'),
    next,
  }),
  z.strictObject({
    id: stepId,
    type: z.literal('ask'),
    question: z.string().min(1).max(1024),
    buttons: replyButtons.optional(),
    attribute: z.string().min(1).max(64).describe('the contact attribute the valid answer is stored in (its type checks the answer)'),
    retries: z.int().min(0).max(5).optional().describe('how often to ask again after an answer that does not fit (default 2)'),
    invalid_text: z.string().min(1).max(512).optional().describe('said before asking again (default: "Sorry, I did not get that.")'),
    timeout: duration.describe('how long to wait for an answer'),
    on_timeout: stepId.optional().describe('where to go without a valid answer (default: next)'),
    next,
  }),
  z.strictObject({
    id: stepId,
    type: z.literal('wait'),
    duration: duration.optional(),
    until_time: hhmm.optional().describe("then until this local time of day in the person's zone"),
    on_days: z
      .array(z.enum(WEEKDAYS))
      .min(1, 'give at least one day')
      .max(7)
      .optional()
      .describe("then until one of these days of the week in the person's zone (at until_time, else as soon as it is that day), e.g. [\"sat\", \"sun\"]"),
    next,
  }),
  z.strictObject({
    id: stepId,
    type: z.literal('branch'),
    rules: z.record(z.string(), z.unknown()).optional().describe('segment rules, checked against the person now'),
    reply: z
      .strictObject({ equals: z.array(z.string().min(1).max(256)).max(50).optional(), contains: z.array(z.string().min(1).max(256)).max(50).optional(), payload: z.array(z.string().min(1).max(256)).max(50).optional() })
      .optional()
      .describe("the person's last reply: its text equals or contains one of these (case and accents ignored), or its button payload is one of these"),
    then: stepId,
    else: stepId,
  }),
  z.strictObject({
    id: stepId,
    type: z.literal('webhook'),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/i, 'a short name your system recognises, e.g. "lead.qualified"')
      .describe('what happened, as your system reads it: sent as data.event of an automation.webhook event'),
    data: z.record(z.string().min(1).max(64), z.union([z.string().max(500), z.number(), z.boolean()])).optional().describe('fixed values sent along (at most 20)'),
    next,
  }).refine((s) => Object.keys(s.data ?? {}).length <= 20, { message: 'at most 20 values', path: ['data'] }),
  z.strictObject({ id: stepId, type: z.literal('tag'), add: z.array(z.string().min(1).max(64)).max(20).optional(), remove: z.array(z.string().min(1).max(64)).max(20).optional(), next }),
  z.strictObject({ id: stepId, type: z.literal('set_attribute'), key: z.string().min(1).max(64), value: z.string().max(1024), next }),
  z.strictObject({
    id: stepId,
    type: z.literal('withdraw_consent'),
    reason: z.string().min(1).max(200).describe("recorded in the consent ledger, e.g. \"no answer to the re-permission request\""),
    next,
  }),
  z.strictObject({
    id: stepId,
    type: z.literal('hand_over'),
    note: z.string().min(1).max(500).optional().describe('left on the conversation for the agent, e.g. "asked about a refund"'),
    next,
  }),
  z.strictObject({ id: stepId, type: z.literal('end') }),
]);
export type StepIn = z.infer<typeof stepIn>;

/** What enrols people. */
export const triggerIn = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('api').describe('only POST /api/v1/automations/:id/enrollments') }),
  z.strictObject({
    type: z.literal('event'),
    event: z.string().min(1).max(64).describe('a customer event type, e.g. "purchase"'),
    where: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe('event properties that must be equal'),
  }),
  z.strictObject({ type: z.literal('opt_in').describe("someone agrees to the automation's topic") }),
  z.strictObject({
    type: z.literal('inbound'),
    keywords: z.array(z.string().min(1).max(64)).max(50).optional().describe('only messages that are one of these words (case and accents ignored); none: any message'),
    first_message: z.boolean().optional().describe("only the person's first message to the business"),
  }),
  z
    .strictObject({
      type: z.literal('date'),
      attribute: z.string().min(1).max(64).optional().describe('a date attribute (YYYY-MM-DD), e.g. "birthday"'),
      event: z.string().min(1).max(64).optional().describe('a customer event type, e.g. "appointment_booked": its time, or the time in `property`'),
      property: z.string().min(1).max(64).optional().describe('the event property holding the time (ISO 8601), e.g. "starts_at" (default: when the event happened)'),
      yearly: z.boolean().optional().describe('every year on the date (birthdays, anniversaries; 29 February is 28 February in other years)'),
      offset: z
        .strictObject({ days: z.int().min(-3650).max(3650).optional(), hours: z.int().min(-10_000).max(10_000).optional(), minutes: z.int().min(-100_000).max(100_000).optional() })
        .optional()
        .describe('before (negative) or after the date, e.g. { "hours": -24 }'),
      at_time: hhmm.optional().describe("for a date attribute: the local time of day in the person's zone (default 09:00)"),
    })
    .refine((t) => Boolean(t.attribute) !== Boolean(t.event), { message: 'give exactly one of attribute or event' }),
  z.strictObject({ type: z.literal('stage'), stage: z.enum(LIFECYCLE_STAGES).describe('someone enters this lifecycle stage') }),
  z.strictObject({ type: z.literal('segment'), segment_id: z.uuid().describe('someone enters this saved segment (checked every minute; people already in it when it is published do not count)') }),
  z.strictObject({
    type: z.literal('tag'),
    tag: z.string().min(1).max(64).describe('a contact tag, e.g. "vip"'),
    change: z.enum(['added', 'removed']).optional().describe('when the tag is added (default) or removed, by anyone: the API, an import, a bulk edit, another automation'),
  }),
  z.strictObject({
    type: z.literal('attribute'),
    attribute: z.string().min(1).max(64).describe('a contact attribute, e.g. "plan"'),
    equals: z.union([z.string(), z.number(), z.boolean()]).optional().describe('only when it changes to this value (default: any change, including a first value)'),
  }),
  z.strictObject({
    type: z.literal('broadcast_not_read'),
    days: z.int().min(1).max(60).describe('how long after the send'),
    broadcast_id: z.uuid().optional().describe("one broadcast (default: every broadcast on the automation's topic)"),
  }),
  z.strictObject({ type: z.literal('button'), payload: z.array(z.string().min(1).max(256)).min(1).max(50).describe('a reply button or list row id') }),
]);

/** An automation's definition, as drafted and as published. */
export const definitionIn = z.strictObject({
  trigger: triggerIn,
  topic: z.string().min(1).max(64).describe('the topic its messages are about: everyone it messages must have agreed to it'),
  number_id: z.uuid().optional().describe('the business number it sends from (default: the only one)'),
  steps: z.array(stepIn).min(1, 'give at least one step').max(100),
  reentry_days: z.int().min(0).max(3650).nullable().optional().describe('null (default): once per person; N: again N days after their last enrolment'),
  goal: z.strictObject({ event: z.string().min(1).max(64) }).optional().describe('a customer event that ends the run as converted'),
  links: z
    .array(z.url({ protocol: /^https?$/, message: 'use an http(s) URL' }).max(2000))
    .max(10)
    .optional()
    .describe('links sent tracked: a template variable { "tracked_link": N } or "{{link:N}}" in a message text; clicks are counted per step and wake a wait_for_click'),
});
export type DefinitionIn = z.infer<typeof definitionIn>;

export const createAutomationIn = z.strictObject({ name: z.string().min(1).max(200), definition: definitionIn });
export const updateAutomationIn = z.strictObject({ name: z.string().min(1).max(200).optional(), definition: definitionIn.optional() });

export const enrollIn = z
  .strictObject({
    contact_ids: z.array(z.uuid()).min(1).max(10_000).optional(),
    phones: z.array(z.string().min(3).max(32)).min(1).max(10_000).optional(),
    segment_id: z.uuid().optional(),
  })
  .refine((v) => [v.contact_ids, v.phones, v.segment_id].filter((x) => x !== undefined).length === 1, { message: 'give exactly one of contact_ids, phones or segment_id' });

export const testRunIn = z
  .strictObject({ contact_id: z.uuid().optional(), phone: z.string().min(3).max(32).optional() })
  .refine((v) => (v.contact_id === undefined) !== (v.phone === undefined), { message: 'give exactly one of contact_id or phone', path: ['contact_id'] });

export const automationOut = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  version: z.number().nullable(),
  definition: z.record(z.string(), z.unknown()),
  counts: z.record(z.string(), z.number()).describe('runs by state; enrolled = all'),
  step_counts: z
    .record(z.string(), z.record(z.string(), z.number()))
    .describe('per step id: outcomes (sent, waited, deferred, skipped, exited, done, then, else, clicked, not_clicked, timed_out) and, for sends, delivered / read / failed / replied / clicked / converted'),
  step_conversions: z
    .record(
      z.string(),
      z.object({
        converted: z.number().describe('contacts with at least one goal event credited to this step'),
        conversions: z.number().describe('goal events credited (last touch across broadcasts and automation steps, within the window)'),
        revenue: z.array(z.object({ currency: z.string(), amount: z.number() })).describe('credited amounts per currency, net of refunds; never added across currencies'),
      }),
    )
    .describe('per send step id that has conversions: goal events (purchase by default) within settings.conversions.window_days after its message, when no later broadcast or step message came first'),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AutomationOut = z.infer<typeof automationOut>;

export const runOut = z.object({
  id: z.number(),
  contact_id: z.string(),
  version: z.number(),
  state: z.string(),
  step_id: z.string().nullable(),
  due_at: z.string().nullable(),
  reason: z.string().nullable(),
  enrolled_at: z.string(),
  finished_at: z.string().nullable(),
  steps: z.array(z.object({ seq: z.number(), step_id: z.string(), outcome: z.string(), reason: z.string().nullable(), at: z.string() })),
});
export type RunOut = z.infer<typeof runOut>;

/** One of a contact's runs, with its automation (the inbox's contact panel). */
export const contactRunOut = z.object({
  id: z.number(),
  automation_id: z.string(),
  automation_name: z.string(),
  state: z.string().describe('active or waiting: still running; completed, converted, exited or failed: finished'),
  step_id: z.string().nullable(),
  due_at: z.string().nullable(),
  enrolled_at: z.string(),
  finished_at: z.string().nullable(),
});
export type ContactRunOut = z.infer<typeof contactRunOut>;
