import { z } from 'zod';
import { FORM_SLUG_PATTERN } from './optin.rules.js';
import { PAGE_LANGUAGES } from './signup-page.i18n.js';

/** Kinds of opt-in source: a hosted form, or a link / QR code placed somewhere. */
export const OPTIN_KINDS = ['form', 'store', 'flyer', 'event', 'ad', 'link', 'other'] as const;
export type OptinKind = (typeof OPTIN_KINDS)[number];

/** Source states: forms start as drafts and are published; archived sources stop matching. */
export const OPTIN_STATUSES = ['draft', 'active', 'archived'] as const;
export type OptinStatus = (typeof OPTIN_STATUSES)[number];

const templateRef = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'must be an approved template name (lowercase letters, digits, _)'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a template language code such as en_US'),
});

/** The welcome sent on a confirmed opt-in. */
export const welcomeIn = z.strictObject({
  text: z.string().trim().min(1).max(1000).optional().describe('free-form welcome (inside the 24 h window the person just opened); default: built from the business, topics and frequency'),
  template: templateRef.optional().describe('approved template sent instead when the window is closed'),
  incentive: z.string().trim().min(1).max(200).optional().describe('e.g. a coupon code, added to the welcome'),
  incentive_attribute: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,47}$/, 'use lowercase letters, digits and _')
    .optional()
    .describe('contact attribute the incentive is also stored in'),
});

/** What a hosted form page states (kind "form"). */
export const pageIn = z.strictObject({
  business_name: z.string().trim().min(1).max(200).optional(),
  headline: z.string().trim().min(1).max(200).optional(),
  description: z.string().trim().min(1).max(2000).optional(),
  frequency: z.string().trim().min(1).max(200).optional().describe('how often messages come, e.g. "about 2 messages a week"'),
  how_to_stop: z.string().trim().min(1).max(500).optional().describe('e.g. "Reply STOP at any time"'),
  privacy_url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL of your privacy policy' })
    .max(2000)
    .optional(),
  default_country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code such as GB')
    .optional(),
  confirmation_template: templateRef.optional().describe('approved template with a quick-reply button, sent to the number after a submission'),
  brand_color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour such as #137A3F')
    .optional()
    .describe('the page header and button colour; the text on it is white or dark, whichever reads better'),
  languages: z
    .array(z.enum(PAGE_LANGUAGES, { error: `must be one of ${PAGE_LANGUAGES.join(', ')}` }))
    .min(1, 'choose at least one language')
    .refine((l) => new Set(l).size === l.length, 'list each language once')
    .optional()
    .describe('languages the page offers (a switcher shows them); the first is the default when the browser asks for none of them. Default: en'),
});

const keywordIn = z.string().trim().min(1).max(60).describe('what people text to opt in; case, accents and punctuation are ignored');

/** A new opt-in source. */
export const createSourceIn = z.strictObject({
  kind: z.enum(OPTIN_KINDS),
  name: z.string().trim().min(1).max(100),
  keyword: keywordIn,
  topics: z.array(z.string().min(1).max(48)).max(20).default([]).describe('topic keys the person subscribes to'),
  number_id: z.uuid().optional().describe('business number the link opens; default: the workspace number'),
  consent_text: z.string().trim().min(1).max(2000).describe('the exact consent wording the person sees'),
  welcome: welcomeIn.optional(),
  page: pageIn.optional(),
  slug: z.string().regex(FORM_SLUG_PATTERN, 'use 3-64 lowercase letters, digits and dashes').optional().describe('forms: the page URL is /join/<slug>'),
});
export type CreateSourceIn = z.infer<typeof createSourceIn>;

/** Changes to a source; `page` and `welcome` replace the stored objects. */
export const updateSourceIn = z.strictObject({
  name: createSourceIn.shape.name.optional(),
  keyword: keywordIn.optional(),
  topics: z.array(z.string().min(1).max(48)).max(20).optional(),
  number_id: z.uuid().nullable().optional(),
  consent_text: createSourceIn.shape.consent_text.optional(),
  welcome: welcomeIn.nullable().optional(),
  page: pageIn.nullable().optional(),
  slug: createSourceIn.shape.slug,
  status: z.enum(OPTIN_STATUSES).optional().describe('"active" on a form runs the publish checks'),
});
export type UpdateSourceIn = z.infer<typeof updateSourceIn>;

/** A source as the API shows it. */
export const sourceOut = z.object({
  id: z.string(),
  kind: z.enum(OPTIN_KINDS),
  name: z.string(),
  keyword: z.string(),
  topics: z.array(z.string()),
  number_id: z.string().nullable(),
  consent_text: z.string(),
  slug: z.string().nullable(),
  page: z.record(z.string(), z.unknown()).nullable(),
  welcome: z.record(z.string(), z.unknown()).nullable(),
  status: z.enum(OPTIN_STATUSES),
  opt_in_count: z.number().int().describe('people who opted in through this source (once each, however many topics or times), from the consent ledger'),
  last_opt_in_at: z.string().nullable().describe('when the latest of them opted in'),
  created_at: z.string(),
  updated_at: z.string(),
});
export type SourceOut = z.infer<typeof sourceOut>;

/** The click-to-chat link of a source. */
export const linkOut = z.object({ url: z.string(), keyword: z.string() });
export type LinkOut = z.infer<typeof linkOut>;

/** Stored `page` and `welcome` objects (validated on write). */
export type PageData = z.infer<typeof pageIn>;
export type WelcomeData = z.infer<typeof welcomeIn>;

/** Logo image types the page accepts: no SVG (it can carry scripts). */
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];
/** The largest logo, in bytes (200 KB). */
export const LOGO_MAX_BYTES = 200 * 1024;

/** A logo upload: the image, base64-encoded. */
export const logoIn = z.strictObject({
  content_type: z.enum(LOGO_TYPES, { error: 'must be image/png, image/jpeg or image/webp (SVG is not accepted)' }),
  data: z
    .string()
    .min(1, 'is empty')
    .max(Math.ceil(LOGO_MAX_BYTES / 3) * 4 + 4, 'the image must be at most 200 KB')
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be the image in base64')
    .describe('the image file, base64-encoded; at most 200 KB once decoded'),
});
export type LogoIn = z.infer<typeof logoIn>;

/** A form's logo as the API describes it. */
export const logoOut = z.object({ content_type: z.enum(LOGO_TYPES), size: z.number().int(), sha256: z.string(), url: z.string().describe('where the signed-in admin reads it'), updated_at: z.string() });
