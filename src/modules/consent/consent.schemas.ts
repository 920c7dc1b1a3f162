import { z } from 'zod';
import { isoTimestamp } from '../../lib/iso-time.js';
import { GRANT_SOURCES, CONSENT_SOURCES } from './consent.rules.js';

/** A new topic. */
export const createTopicIn = z.strictObject({
  key: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'use 1-48 lowercase letters, digits, _ or -, e.g. "offers"'),
  name: z.string().trim().min(1, 'give the topic a name people will recognise').max(100),
  category: z.enum(['marketing', 'utility']),
  description: z.string().max(1000).optional(),
  frequency: z.string().max(200).optional().describe('what is promised, e.g. "at most 2 messages a week"'),
});

/** Changes to a topic (its key and category are fixed: consent was given to them). */
export const updateTopicIn = z.strictObject({
  name: z.string().trim().min(1, 'give the topic a name people will recognise').max(100).optional(),
  description: z.string().max(1000).nullable().optional(),
  frequency: z.string().max(200).nullable().optional(),
});

/** A topic as the API shows it. */
export const topicOut = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  category: z.enum(['marketing', 'utility']),
  description: z.string().nullable(),
  frequency: z.string().nullable(),
  created_at: z.string(),
});
export type TopicOut = z.infer<typeof topicOut>;

/** Evidence of consent; which fields are required depends on the source. Extra keys are kept. */
export const evidenceIn = z
  .object({
    text: z.string().max(5000).optional().describe('the exact consent wording the person saw'),
    ip: z.string().max(64).optional(),
    user_agent: z.string().max(1000).optional(),
    url: z.string().max(2000).optional(),
    app: z.string().max(200).optional(),
    form_id: z.string().max(100).optional(),
    source_id: z.string().max(100).optional(),
    wamid: z.string().max(200).optional(),
    note: z.string().max(2000).optional(),
    business_name: z.string().max(200).optional(),
  })
  .catchall(z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]));

/** A consent event recorded through the API. */
export const consentEventIn = z.strictObject({
  topic: z.string().min(1).max(48).describe('topic key, or "*" for every topic'),
  action: z.enum(['grant', 'withdraw']),
  source: z.enum(CONSENT_SOURCES),
  evidence: evidenceIn.default({}),
  occurred_at: isoTimestamp().optional().describe('when the person agreed or withdrew; defaults to now'),
});
export type ConsentEventIn = z.infer<typeof consentEventIn>;

/** A ledger event as the API shows it. */
export const consentEventOut = z.object({
  id: z.number(),
  contact_id: z.string().nullable(),
  topic: z.string().nullable().describe('topic key; "*" for every topic; null for a pause, resume or frequency choice'),
  action: z.enum(['grant', 'withdraw', 'pause', 'resume', 'frequency']).describe('pause / resume / frequency: a preference-centre choice (evidence.paused_until, evidence.frequency)'),
  source: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  text_hash: z.string().nullable(),
  actor: z.object({ type: z.string(), id: z.string().nullable() }),
  occurred_at: z.string(),
  recorded_at: z.string(),
});
export type ConsentEventOut = z.infer<typeof consentEventOut>;

/** Current consent per topic, plus the full ledger: the proof-of-consent view. */
export const consentViewOut = z.object({
  contact_id: z.string(),
  suppressed: z.boolean(),
  state: z.array(z.object({ topic: z.string(), category: z.string(), status: z.enum(['granted', 'withdrawn', 'none']), since: z.string().nullable(), source: z.string().nullable() })),
  preferences: z.object({
    paused_until: z.string().nullable().describe('marketing is paused until then (null: not paused now)'),
    frequency: z.enum(['normal', 'low']),
  }),
  events: z.array(consentEventOut),
});
export type ConsentViewOut = z.infer<typeof consentViewOut>;

export const grantSources = GRANT_SOURCES;
