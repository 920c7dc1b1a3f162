import { z } from 'zod';
import { contactOut } from '../contacts/index.js';
import { ATTRIBUTE_VALUE_TYPES, BROADCAST_INTERACTIONS, CONSENT_STATUSES, OPERATOR_VALUES, type Operator, type ValueType } from './segments.rules.js';

// Rules are validated by the segment parser (it names the offending node); zod only sees JSON.
// `false`, 0 or "" must not slip through as "no rules" (a static list): anything but an object (or null) is refused here.
const rules = z
  .unknown()
  .refine((v) => v !== undefined, 'rules are required')
  .refine((v) => typeof v === 'object', 'must be a rule object such as {"field": "country", "op": "eq", "value": "GB"}')
  .describe('a rule tree; see docs/design.md §15 for the language');

/** Counting and sampling an audience while editing it. */
export const previewSegmentIn = z.strictObject({
  rules,
  sample_size: z.int().min(0).max(100).default(20),
});

/** The live count and a sample of who matches. */
export const previewSegmentOut = z.object({ count: z.number().int(), sample: z.array(contactOut) });

/** Creating a saved segment (dynamic: rules) or a static list (no rules, explicit members). */
export const createSegmentIn = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    description: z.string().max(2000).nullable().optional(),
    kind: z.enum(['dynamic', 'static']).optional().describe('dynamic when rules are given, static otherwise'),
    rules: rules.optional(),
  })
  .refine((v) => (v.kind ?? (v.rules ? 'dynamic' : 'static')) === (v.rules ? 'dynamic' : 'static'), {
    message: 'a dynamic segment needs rules and a static list takes none',
    path: ['rules'],
  });
export type CreateSegmentIn = z.infer<typeof createSegmentIn>;

/** Renaming a segment or changing its rules. */
export const updateSegmentIn = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200).optional(),
  description: z.string().max(2000).nullable().optional(),
  rules: rules.optional(),
});

/** A saved segment as the API shows it. */
export const segmentOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  kind: z.enum(['dynamic', 'static']),
  rules: z.record(z.string(), z.unknown()).nullable(),
  member_count: z.number().int().nullable().describe('static lists: members; dynamic segments: null (ask /count)'),
  created_at: z.string(),
  updated_at: z.string(),
});
export type SegmentOut = z.infer<typeof segmentOut>;

/** Adding members to a static list: ids, E.164 numbers, or everyone matching rules right now. */
export const addMembersIn = z
  .strictObject({
    contact_ids: z.array(z.uuid()).min(1).max(10_000).optional(),
    phones: z.array(z.string().min(3).max(32)).min(1).max(10_000).optional(),
    rules: rules.optional(),
  })
  .refine((v) => [v.contact_ids, v.phones, v.rules].filter(Boolean).length === 1, { message: 'give exactly one of contact_ids, phones or rules' });

/** Removing members from a static list. */
export const removeMembersIn = z.strictObject({ contact_ids: z.array(z.uuid()).min(1).max(10_000) });

/** What a membership change did. */
export const membersChangedOut = z.object({
  added: z.number().int(),
  removed: z.number().int(),
  member_count: z.number().int(),
  not_found: z.array(z.string()).optional().describe('when adding: contact ids or phones, as given, that match no contact'),
  invalid: z.array(z.object({ phone: z.string(), message: z.string() })).optional().describe('when adding by phone: inputs that are not phone numbers, and why'),
});

const valueType = z.enum(['text', 'tags', 'number', 'boolean', 'date', 'timestamp'] satisfies ValueType[]);
const operator = z.enum(Object.keys(OPERATOR_VALUES) as [Operator, ...Operator[]]);

/** The rule language's fields and operators, for building rules (GET /segments/catalog). */
export const segmentCatalogOut = z.object({
  fields: z.array(z.object({ name: z.string(), type: valueType, values: z.array(z.string()).nullable().describe('the only values the field takes, or null for any value of its type') })),
  operators: z.record(valueType, z.array(operator)).describe('the operators each value type allows'),
  operator_values: z.record(operator, z.enum(['none', 'one', 'list', 'range', 'days'])).describe('the value each operator takes: none, one scalar, a list, [low, high], or a number of days'),
  attribute_types: z.record(z.enum(Object.keys(ATTRIBUTE_VALUE_TYPES) as [keyof typeof ATTRIBUTE_VALUE_TYPES]), valueType).describe('the value type an attribute of each definition type is compared as'),
  consent_statuses: z.array(z.enum(CONSENT_STATUSES)),
  broadcast_interactions: z.array(z.enum(BROADCAST_INTERACTIONS)),
});
/** The catalog as the API shows it. */
export type SegmentCatalogOut = z.infer<typeof segmentCatalogOut>;
