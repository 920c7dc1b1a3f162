import { z } from 'zod';
import { isoTimestamp } from '../../lib/iso-time.js';

const tag = z.string().trim().min(1).max(64).regex(/^[^,\n\r]+$/, 'tags cannot contain commas or line breaks');
const attributeValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

/** A new contact. Consent is not a field: it is recorded through the consent ledger. */
export const createContactIn = z.strictObject({
  phone: z.string().max(40).describe('E.164 (+14155550123) or national format with the workspace default country'),
  name: z.string().trim().max(200).optional(),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'use a language tag such as "en" or "pt-BR"').optional(),
  timezone: z.string().max(64).optional().describe('IANA zone, e.g. "Europe/Berlin"; inferred from the number when omitted'),
  attributes: z.record(z.string(), attributeValue).optional(),
  tags: z.array(tag).max(100).optional(),
  notes: z.string().max(5000).optional(),
});
export type CreateContactIn = z.infer<typeof createContactIn>;

/** Changes to a contact: attributes merge (null removes one), tags replace. */
export const updateContactIn = z.strictObject({
  phone: z.string().max(40).optional(),
  name: z.string().trim().max(200).nullable().optional(),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'use a language tag such as "en" or "pt-BR"').nullable().optional(),
  timezone: z.string().max(64).nullable().optional(),
  attributes: z.record(z.string(), attributeValue).optional(),
  tags: z.array(tag).max(100).optional(),
  notes: z.string().max(5000).nullable().optional(),
});

/** A contact as the API shows it. */
export const contactOut = z.object({
  id: z.string(),
  phone: z.string().nullable().describe('E.164; null for a WhatsApp user known only by a business-scoped user id'),
  wa_id: z.string().nullable(),
  user_id: z.string().nullable().describe('business-scoped user id (BSUID) WhatsApp gave this person, e.g. US.13491208655302741918'),
  name: z.string().nullable(),
  profile_name: z.string().nullable(),
  country: z.string().nullable(),
  timezone: z.string().nullable(),
  timezone_source: z.string().nullable(),
  language: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  notes: z.string().nullable(),
  lifecycle_stage: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ContactOut = z.infer<typeof contactOut>;

/** Filters for listing and bulk changes. */
export const contactFilter = z.strictObject({
  q: z.string().max(100).optional().describe('name or phone prefix'),
  tag: z.string().max(64).optional(),
  country: z.string().length(2).optional(),
  language: z.string().max(16).optional(),
  topic: z.string().max(48).optional().describe('topic key; with consent'),
  consent: z.enum(['granted', 'withdrawn', 'none']).optional(),
  attribute: z.string().max(200).optional().describe('key=value equality on a custom attribute'),
  created_after: isoTimestamp().optional(),
  created_before: isoTimestamp().optional(),
});
export type ContactFilter = z.infer<typeof contactFilter>;

/** How many contacts a filter matches (GET /contacts/count). */
export const contactCountOut = z.object({
  count: z.number().int().describe('contacts of the workspace matching the filters; an estimate when exact is false'),
  exact: z
    .boolean()
    .describe('true: counted exactly. false: more than 100,000 match, and count is PostgreSQL\'s estimate for the filters (at least 100,001); show it as "about"'),
});
export type ContactCountOut = z.infer<typeof contactCountOut>;

/** Adds and removes tags on many contacts at once. */
export const bulkTagIn = z
  .strictObject({
    contact_ids: z.array(z.uuid()).max(10_000).optional(),
    filter: contactFilter.optional(),
    add: z.array(tag).max(50).default([]),
    remove: z.array(tag).max(50).default([]),
  })
  .refine((v) => v.contact_ids !== undefined || v.filter !== undefined, { message: 'give contact_ids or filter', path: ['contact_ids'] })
  .refine((v) => v.add.length + v.remove.length > 0, { message: 'give tags to add or remove', path: ['add'] });

/** A custom attribute definition. */
export const attributeDefinitionIn = z
  .strictObject({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'use 1-48 lowercase letters, digits or _, starting with a letter, e.g. "birthday"'),
    label: z.string().max(100).optional(),
    type: z.enum(['string', 'number', 'boolean', 'date', 'enum']),
    enum_values: z.array(z.string().min(1).max(100)).min(1).max(200).optional(),
  })
  .refine((v) => (v.type === 'enum') === (v.enum_values !== undefined), { message: 'enum_values is required for type "enum" and only allowed there', path: ['enum_values'] });

/** An attribute definition as the API shows it. */
export const attributeDefinitionOut = z.object({
  id: z.string(),
  key: z.string(),
  label: z.string().nullable(),
  type: z.enum(['string', 'number', 'boolean', 'date', 'enum']),
  enum_values: z.array(z.string()).nullable(),
  created_at: z.string(),
});
export type AttributeDefinitionOut = z.infer<typeof attributeDefinitionOut>;
