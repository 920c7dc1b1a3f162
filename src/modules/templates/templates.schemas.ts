import { z } from 'zod';

// Components are checked by lintTemplate (it names the offending path); zod only sees their JSON shape.
const component = z.record(z.string(), z.unknown()).describe('a component in Meta\'s creation shape: {"type": "BODY", "text": "Hi {{1}}", "example": {...}}');

/** A template definition to lint or submit (Meta's creation shape, snake_case). */
export const templateDefIn = z.strictObject({
  name: z.string().max(512).describe('lowercase letters, digits and underscores'),
  language: z.string().max(16).describe('e.g. "en_US"'),
  category: z.string().max(32).describe('MARKETING, UTILITY or AUTHENTICATION'),
  components: z.array(component).max(10),
  parameter_format: z.string().max(16).optional().describe('POSITIONAL ({{1}}, default) or NAMED ({{customer_name}})'),
});
export type TemplateDefIn = z.infer<typeof templateDefIn>;

/** Submitting a new template to Meta for review. */
export const createTemplateIn = templateDefIn.extend({
  number_id: z.uuid('must be the id of a connected number (GET /api/v1/phone-numbers)').optional().describe("a connected number whose WABA gets the template; optional when the workspace's numbers share one WABA"),
});
export type CreateTemplateIn = z.infer<typeof createTemplateIn>;

/** One lint finding. */
export const lintIssueOut = z.object({ code: z.string(), path: z.string(), message: z.string() });

/** Lint result: errors block submission, warnings do not. */
export const lintOut = z.object({ errors: z.array(lintIssueOut), warnings: z.array(lintIssueOut) });

/** A template as the API shows it. */
export const templateOut = z.object({
  id: z.string(),
  waba_id: z.string(),
  meta_id: z.string().nullable(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  quality_score: z.string(),
  components: z.array(z.unknown()),
  parameter_format: z.string(),
  rejection_reason: z.string().nullable(),
  params: z.array(z.object({ key: z.string(), component: z.enum(['header', 'body', 'button']), index: z.string().optional(), name: z.string() })),
  lint: lintOut,
  created_at: z.string(),
  updated_at: z.string(),
});
export type TemplateOut = z.infer<typeof templateOut>;

/** `GET /templates` filters. DELETED templates are listed only when asked for by status. */
export const listTemplatesQuery = z.object({
  status: z.string().max(32).optional().describe('APPROVED, PENDING, REJECTED, PAUSED, DELETED, …'),
  category: z.string().max(32).optional(),
  name: z.string().max(512).optional().describe('name prefix'),
  language: z.string().max(16).optional(),
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(50),
  cursor: z.string().max(500).optional(),
});
export type ListTemplatesQuery = z.infer<typeof listTemplatesQuery>;

/** Pulling templates from Meta, for one number's WABA or all of the workspace's. */
export const syncTemplatesIn = z.strictObject({ number_id: z.uuid('must be the id of a connected number (GET /api/v1/phone-numbers)').optional() }).nullish();

/** What a sync changed. */
export const syncTemplatesOut = z.object({ wabas: z.number().int(), created: z.number().int(), updated: z.number().int(), removed: z.number().int() });

const source = z.record(z.string(), z.unknown()).describe('{"field": "first_name", "fallback": "there"}, {"attribute": "plan"} or {"value": "SPRING24"}');

/** Rendering a template for a contact, sample values, or Meta's example values. */
export const previewTemplateIn = z.strictObject({
  variables: z.record(z.string(), source).default({}).describe('parameter key (body.1, header.1, button.0, header.media) → source'),
  contact_id: z.uuid('must be a contact id').optional(),
  sample: z
    .strictObject({
      name: z.string().max(200).nullable().optional(),
      profile_name: z.string().max(200).nullable().optional(),
      phone: z.string().max(32).optional(),
      country: z.string().max(2).nullable().optional(),
      language: z.string().max(16).nullable().optional(),
      attributes: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});
export type PreviewTemplateIn = z.input<typeof previewTemplateIn>;

/** The hydrated text and the Cloud API message, or why this contact would be skipped. */
export const previewTemplateOut = z.object({
  ok: z.boolean(),
  text: z.string().nullable(),
  message: z.unknown().optional(),
  reason: z.string().optional(),
  variable: z.string().optional(),
});
export type PreviewTemplateOut = z.infer<typeof previewTemplateOut>;
