import { z } from 'zod';
import { countriesWithCallingCodes, isTimeZone } from '../../lib/phone/index.js';
import { passwordWeakness, ROLES, SLUG_PATTERN } from './workspaces.rules.js';

// Built on first use: the phone library is loaded lazily (a worker never needs it for this).
let phoneCountries: Set<string> | undefined;
const isPhoneCountry = (code: string) => (phoneCountries ??= new Set(countriesWithCallingCodes().map((c) => c.code))).has(code);

/** Role field shared by users and API keys. */
export const roleSchema = z.enum(ROLES);

/** Workspace as the API shows it. */
export const workspaceOut = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  settings: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
});

/** Creating a workspace (CLI). */
export const createWorkspaceIn = z.strictObject({
  slug: z.string().regex(SLUG_PATTERN, 'use 1-48 lowercase letters, digits or dashes, e.g. "acme-shop"'),
  name: z.string().trim().min(1, 'must not be empty').max(200),
});

const keywordList = z.array(z.string().trim().min(1).max(40)).max(200);

const days = z.int().min(1).max(3650);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour "HH:MM", e.g. "21:00"');

/**
 * Workspace settings. Every key is declared here: a typo (`defualt_country`) must be a 422 naming
 * it, not a silent 200 that leaves a compliance setting at its default. A key set to null is
 * removed, so an unknown key (left by an older version) may only be set to null.
 */
export const workspaceSettingsIn = z
  .object({
    default_country: z.string().regex(/^[A-Z]{2}$/, 'use an ISO 3166 alpha-2 code such as "GB"').nullable().optional().describe('country for phone numbers written without +country code'),
    templates: z
      .strictObject({
        block_marketing_without_opt_out: z.boolean().optional().describe('refuse to submit MARKETING templates without a way out (a STOP footer or a "Stop promotions" button) instead of warning (default false)'),
      })
      .nullable()
      .optional(),
    opt_out: z
      .strictObject({
        stop_keywords: keywordList.optional().describe('extra STOP words'),
        disabled_stop_keywords: keywordList.optional().describe('built-in STOP words to ignore (STOP itself always works)'),
        start_keywords: keywordList.optional(),
        disabled_start_keywords: keywordList.optional(),
        confirmation_text: z.string().min(1).max(1024).optional().describe('sent once after a full STOP; {business} is replaced'),
        start_confirmation_text: z.string().min(1).max(1024).optional(),
        ask_reason: z.boolean().optional().describe('ask "why are you leaving?" and keep the answer'),
      })
      .nullable()
      .optional(),
    preferences: z
      .strictObject({
        enabled: z.boolean().optional().describe('answer the preference keyword with the preference list (default true)'),
        keywords: keywordList.optional().describe('extra words that open the preference centre (besides PREFERENCES, MENU and their equivalents in other languages)'),
        disabled_keywords: keywordList.optional().describe('built-in preference words to ignore (e.g. "menu" where a bot uses it)'),
        link_in_welcome: z.boolean().optional().describe('add a link to the preference page to opt-in welcomes (default false)'),
        link_ttl_days: z.int().min(1).max(90).optional().describe('how long a preference page link works (default 30)'),
        pause_days: z.int().min(1).max(90).optional().describe('how long "pause" holds marketing (default 30)'),
        menu_text: z.string().min(1).max(900).optional().describe("the preference list's text; the page link and how to stop are added"),
      })
      .nullable()
      .optional()
      .describe('the preference centre: keyword, list, hosted page'),
    timezone: z
      .string()
      .refine(isTimeZone, 'use an IANA time zone name such as "Europe/London"')
      .nullable()
      .optional()
      .describe('the business time zone: segment day arithmetic ("in the last 7 days") and reports use it'),
    lifecycle: z
      .strictObject({
        onboarding_days: days.optional().describe('a new subscriber is onboarding this long (default 14)'),
        active_days: days.optional().describe('engaged within this many days counts as active (default 30)'),
        dormant_days: days.optional().describe('nothing read, replied, clicked or bought for this long: dormant (default 60)'),
        reactivating_days: days.optional().describe('how long someone back from dormant stays "reactivating" (default 14)'),
        loyal_min_purchases: z.int().min(1).max(10_000).optional().describe('purchases that make an active contact loyal (default 3)'),
        loyal_min_replies_90d: z.int().min(1).max(10_000).optional().describe('replies in 90 days that make an active contact loyal (default 5)'),
        auto_archive: z.boolean().optional().describe('archive dormant contacts who ignored a win-back message (default false)'),
        archive_after_days: days.optional().describe('days after the win-back message before archiving (default 30)'),
      })
      .nullable()
      .optional(),
    hygiene: z
      .strictObject({
        unreachable_after_failures: z.int().min(1).max(100).optional().describe('consecutive "not on WhatsApp" (131026) failures that mark a number unreachable (default 2)'),
        purge_opted_out_after_days: days.nullable().optional().describe('erase personal data of contacts opted out of everything this long ago; null keeps them (default null)'),
      })
      .nullable()
      .optional(),
    broadcasts: z
      .strictObject({
        pacing_ratio: z.number().min(0.05).max(1).optional().describe("share of the number's throughput tier broadcasts use; the rest is left for replies (default 0.9)"),
        quiet_hours: z
          .strictObject({ start: hhmm, end: hhmm })
          .nullable()
          .optional()
          .describe('no marketing between these recipient-local times; sends are deferred, not dropped (default 21:00–08:00; null disables)'),
        frequency_cap: z
          .strictObject({ max: z.int().min(1).max(100), days: z.int().min(1).max(90) })
          .nullable()
          .optional()
          .describe('at most `max` marketing messages per contact per `days` across broadcasts (default 2 per 7; null disables)'),
        auto_pause: z
          .strictObject({
            min_sent: z.int().min(1).max(1_000_000).optional(),
            failure_rate: z.number().min(0).max(1).optional(),
            opt_out_rate: z.number().min(0).max(1).optional(),
            on_quality: z.array(z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN'])).optional(),
          })
          .optional()
          .describe('pause a broadcast when failures or opt-outs cross these rates (after min_sent) or the number quality drops'),
        uncertain: z
          .strictObject({ policy: z.enum(['never_resend', 'resend_after_window']).optional(), window_seconds: z.int().min(5).max(7 * 86_400).optional() })
          .optional()
          .describe('a send that may have reached Meta waits this long for a status webhook; then it is failed (never_resend, default) or sent once more'),
        max_attempts: z.int().min(1).max(20).optional().describe('tries per recipient for transient errors (default 8)'),
        test_numbers: z.array(z.string().regex(/^\+[1-9]\d{6,14}$/, 'use E.164, e.g. "+447700900123"')).max(20).optional().describe('internal numbers that receive test sends'),
      })
      .nullable()
      .optional(),
    conversions: z
      .strictObject({
        window_days: z.int().min(1, 'must be at least 1 day').max(30, 'must be at most 30 days').optional().describe('a goal event within this many days after a broadcast message was sent is credited to it (default 7)'),
        event_types: z
          .array(z.string().trim().min(1).max(100))
          .min(1)
          .max(10)
          .optional()
          .describe('customer event types that count as conversions (default ["purchase"])'),
      })
      .nullable()
      .optional()
      .describe('broadcast conversions and revenue: the attribution window and the goal events'),
    onboarding: z
      .strictObject({
        keep_sandbox: z.boolean().optional().describe('the owner chose to keep the sandbox number for now (ticks "connect a number")'),
        hidden: z.boolean().optional().describe('the Overview no longer shows the getting-started checklist'),
      })
      .nullable()
      .optional()
      .describe("the Overview's getting-started checklist"),
    rate_card: z
      .strictObject({
        currency: z.string().regex(/^[A-Z]{3}$/, 'use an ISO 4217 code such as "USD"'),
        rates: z.record(z.string().regex(/^([A-Z]{2}|\*)$/, 'use an ISO country code or "*"'), z.strictObject({ marketing: z.number().min(0).optional(), utility: z.number().min(0).optional(), authentication: z.number().min(0).optional() })),
      })
      .nullable()
      .optional()
      .describe('price per delivered template by country and category, for broadcast cost estimates'),
  })
  .catchall(z.null({ error: 'unknown setting; check the spelling (see GET /api/openapi.json for the known ones), or send null to remove an old key' }));

/** Workspace settings as stored (known keys typed). */
export type WorkspaceSettings = z.infer<typeof workspaceSettingsIn>;

/** Changing a workspace's name or business settings. */
export const updateWorkspaceIn = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200).optional(),
  settings: workspaceSettingsIn.optional(),
});

/** API key as listed (never the key itself). */
export const apiKeyOut = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  role: roleSchema,
  created_by: z
    .object({ user_id: z.string(), email: z.string().nullable() })
    .nullable()
    .describe('the user who created the key (null: created by the CLI or another API key); disabling or removing that user, or changing their password, revokes it'),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

/** Creating an API key. */
export const createApiKeyIn = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  role: roleSchema.default('admin'),
});

/** The one response that carries the key (an Idempotency-Key replay returns the metadata without it). */
export const createdApiKeyOut = apiKeyOut.extend({ key: z.string().optional().describe('the key; shown in this response only, never in a replay') });

/** A user as the API shows it (never the password hash). */
export const userOut = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

const password = z.string().min(12, 'must be at least 12 characters').max(512);

/** Inviting/creating a user. */
export const createUserIn = z.strictObject({
  email: z.email('must be an email address').max(254),
  name: z.string().trim().max(200).default(''),
  role: roleSchema,
  password: password.optional(),
});

/** Changing a user. A password change revokes the user's sessions. */
export const updateUserIn = z.strictObject({
  name: z.string().trim().max(200).optional(),
  role: roleSchema.optional(),
  password: password.optional(),
  disabled: z.boolean().optional(),
});

/** Admin UI login. */
export const loginIn = z.strictObject({
  workspace: z.string().regex(SLUG_PATTERN, 'must be a workspace slug').default('default'),
  email: z.email('must be an email address'),
  password: z.string().min(1, 'must not be empty').max(512),
});

/** POST /auth/switch: the workspace to move the session to. */
export const switchWorkspaceIn = z.strictObject({ workspace_id: z.uuid('must be a workspace id') });

/** A workspace the current login may switch to. */
export const linkedWorkspaceOut = z.object({
  workspace_id: z.string(),
  slug: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  current: z.boolean().describe('the workspace this session is in'),
});

export type WorkspaceOut = z.infer<typeof workspaceOut>;
export type ApiKeyOut = z.infer<typeof apiKeyOut>;
export type UserOut = z.infer<typeof userOut>;
export type CreateUserIn = z.input<typeof createUserIn>;
export type UpdateUserIn = z.infer<typeof updateUserIn>;

/** First-run setup: the one-time token from the setup link, the owner's login and the business. */
export const setupIn = z
  .strictObject({
    token: z.string().min(1, 'must not be empty; open the setup link printed by "greenlist start"').max(100),
    email: z.email('must be an email address').max(254),
    name: z.string().trim().max(200).default('').describe("the owner's name"),
    password: password.describe('at least 12 characters; not your email, not a run like 123456789012'),
    business_name: z.string().trim().min(1, 'must not be empty; it is used in welcome and STOP texts').max(200).describe('the workspace name, used in welcome and STOP texts'),
    default_country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'use an ISO 3166 alpha-2 code such as "GB"')
      .refine(isPhoneCountry, 'is not a country with a calling code; use an ISO 3166 alpha-2 code such as "GB"')
      .describe('country for phone numbers written without +country code'),
    timezone: z.string().refine(isTimeZone, 'use an IANA time zone name such as "Europe/London"').describe('the business time zone'),
  })
  .superRefine((v, ctx) => {
    const weak = passwordWeakness(v.password, v.email);
    if (weak) ctx.addIssue({ code: 'custom', path: ['password'], message: weak });
  });

/** Whether first-run setup is still open, and the countries a setup form offers. */
export const setupStatusOut = z.object({
  setup_needed: z.boolean().describe('true while no user exists: open the setup link printed by "greenlist start"'),
  countries: z.array(z.object({ code: z.string(), calling_code: z.string() })).describe('countries with their calling codes, for the default country'),
});
