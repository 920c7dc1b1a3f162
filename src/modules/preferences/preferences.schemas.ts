import { z } from 'zod';
import { isoTimestamp } from '../../lib/iso-time.js';
import { evidenceIn } from '../consent/index.js';

/** A contact's preferences as the API shows them. */
export const contactPreferencesOut = z.object({
  contact_id: z.string(),
  paused: z.boolean().describe('marketing is paused now'),
  paused_until: z.string().nullable().describe('marketing waits until then (null: not paused)'),
  frequency: z.enum(['normal', 'low']).describe('low halves the workspace frequency cap for this person'),
  topics: z.array(z.object({ topic: z.string(), name: z.string(), category: z.string(), subscribed: z.boolean() })),
  suppressed: z.boolean(),
});
export type ContactPreferencesOut = z.infer<typeof contactPreferencesOut>;

/** Changing a contact's pause or frequency through the API (recorded in the ledger with source `api`). */
export const contactPreferencesIn = z
  .strictObject({
    paused_until: isoTimestamp().nullable().optional().describe('pause marketing until this time; null resumes now'),
    pause_days: z.int().min(1).max(365).optional().describe('pause marketing for this many days from now (instead of paused_until)'),
    frequency: z.enum(['normal', 'low']).optional(),
    evidence: evidenceIn.optional().describe('how the person asked (e.g. { "text": "…", "app": "AcmeApp" }); the request id is added'),
  })
  .refine((v) => v.paused_until !== undefined || v.pause_days !== undefined || v.frequency !== undefined, { message: 'give paused_until, pause_days or frequency', path: ['frequency'] })
  .refine((v) => !(v.paused_until !== undefined && v.pause_days !== undefined), { message: 'give paused_until or pause_days, not both', path: ['pause_days'] });

/** The preference words in effect (after the workspace's additions and removals) and the built-in ones per language. */
export const preferenceKeywordsOut = z.object({
  enabled: z.boolean().describe('false: the keyword is not answered (settings.preferences.enabled)'),
  in_effect: z.array(z.string()).describe('normalised words that open the preference centre'),
  defaults: z.record(z.string(), z.array(z.string())).describe('built-in words by language'),
});
