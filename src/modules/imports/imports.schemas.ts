import { z } from 'zod';

const column = z.string().trim().min(1, 'name a CSV column (its header)').max(200);
const topicKey = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'a topic key such as "offers"');
const separator = z.string().min(1).max(5);
const flagValue = z.string().trim().max(40).transform((s) => s.toLowerCase());

/** Values a yes/no consent column reads as yes or no when the mapping names none (compared lower-cased). */
export const DEFAULT_TRUE_VALUES = ['yes', 'y', 'true', '1', 'subscribed', 'opted in', 'opted_in', 'x', 'on'];
export const DEFAULT_FALSE_VALUES = ['no', 'n', 'false', '0', 'unsubscribed', 'not subscribed', 'not_subscribed', 'opted out', 'opted_out', 'off'];

/** Which CSV column feeds which contact field. Columns are named by their header text. */
export const importMappingIn = z.strictObject({
  phone: column.describe('column holding the phone number (required)'),
  delimiter: z.enum([',', ';', '\t', '|']).optional().describe('field separator; guessed from the header line when absent'),
  default_country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'an ISO 3166 alpha-2 code such as "GB"')
    .transform((s) => s.toUpperCase())
    .optional()
    .describe('country of numbers written in national format (without +country code)'),
  country: column.optional().describe('column with a per-row ISO country code for national numbers'),
  name: z.union([column, z.array(column).min(1).max(5)]).optional().describe('column with the name, or up to 5 columns joined with a space (e.g. ["First Name", "Last Name"]); empty parts are skipped'),
  language: column.optional(),
  timezone: column.optional().describe('column with an IANA zone; otherwise it is inferred from the number'),
  attributes: z.record(z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/, 'an attribute key'), column).optional().describe('attribute key → column'),
  tags: column.optional().describe('column with tags separated by tags_separator'),
  tags_separator: separator.default(';'),
  topics: z
    .strictObject({
      column: column.optional().describe('column with topic keys separated by `separator`'),
      keys: z.array(topicKey).min(1).max(50).optional().describe('topic keys granted on every row'),
      separator: separator.default(';'),
      consent_column: column.optional().describe('a yes/no column (e.g. "Accepts Marketing"): a row grants `keys` only when its value is one of true_values; needs attestation.covers_whatsapp'),
      true_values: z.array(flagValue).min(1).max(20).optional().describe(`values read as yes (any case); default ${DEFAULT_TRUE_VALUES.join(', ')}`),
      false_values: z.array(flagValue).min(1).max(20).optional().describe(`values read as no (any case; an empty cell is no); default ${DEFAULT_FALSE_VALUES.join(', ')}`),
    })
    .refine((t) => t.column !== undefined || t.keys !== undefined, 'give topics.column, topics.keys or both')
    .refine((t) => t.consent_column === undefined || t.keys !== undefined, { message: 'consent_column grants the topics named in keys: add keys (e.g. ["offers"])', path: ['keys'] })
    .refine((t) => t.consent_column === undefined || t.column === undefined, { message: 'a yes/no consent_column grants keys; do not combine it with a topics column', path: ['consent_column'] })
    .refine((t) => !(t.true_values ?? []).some((v) => (t.false_values ?? DEFAULT_FALSE_VALUES).includes(v)), { message: 'a value cannot be both yes and no', path: ['true_values'] })
    .optional()
    .describe('what each row consented to; needs an attestation'),
  consent_date: column.optional().describe('column with when the person agreed (ISO date or date-time); rows with it empty get no grant'),
  consent_source: column.optional().describe('column with where consent was collected; rows with it empty get no grant'),
  defaults: z
    .strictObject({
      language: z.string().regex(/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/, 'a language code such as en or pt-BR').optional(),
      timezone: z.string().max(64).optional().describe('an IANA zone such as Europe/London'),
      tags: z.array(z.string().trim().min(1).max(64)).max(20).optional().describe('tags every imported contact gets'),
    })
    .optional()
    .describe('values for rows whose cell is empty, or when the file has no such column (language, timezone); tags are added to every row'),
  list: z.uuid('the id of a static list (POST /api/v1/segments with a name and no rules)').optional().describe('a static list every imported contact joins'),
});
/** A validated mapping. */
export type ImportMapping = z.infer<typeof importMappingIn>;

/**
 * Who vouches for the consent in the file. Stored with every grant as evidence (GDPR Art. 7(1):
 * the controller must be able to show consent); fields are all required when consent is imported.
 */
export const attestationIn = z.strictObject({
  attested_by: z.string().trim().max(200).optional().describe('the person or team vouching for the consent'),
  collected_where: z.string().trim().max(500).optional().describe('where consent was collected, e.g. "checkout form on shop.example"'),
  collected_at: z.string().trim().max(40).optional().describe('when consent was collected (ISO date or date-time)'),
  text: z.string().max(5000).optional().describe('the exact consent wording people saw'),
  covers_whatsapp: z
    .boolean()
    .optional()
    .describe('true when the consent people gave named WhatsApp; required with topics.consent_column (consent to email or SMS marketing is not consent to WhatsApp)'),
});
/** An attestation as given (fields may be missing; checked when the mapping imports consent). */
export type AttestationIn = z.infer<typeof attestationIn>;
/** A complete attestation. */
export type Attestation = Required<Omit<AttestationIn, 'covers_whatsapp'>> & { covers_whatsapp?: boolean };

/** One per-row problem: the CSV line, an error code and what to fix. */
export const rowErrorOut = z.object({ row: z.number(), code: z.string(), message: z.string() });
/** A per-row problem. */
export type RowError = z.infer<typeof rowErrorOut>;

/** A row merged into an earlier row of the same number (first row wins per field). */
export const rowMergeOut = z.object({
  row: z.number().describe('the CSV line merged away'),
  into_row: z.number().nullable().describe('the line it was merged into; null when that row was thousands of numbers earlier'),
  ignored: z.array(z.string()).describe('fields whose value on this line differed from the kept one and was not used'),
});

/** An import as the API shows it. */
export const importOut = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  dry_run: z.boolean(),
  filename: z.string().nullable(),
  file_sha256: z.string().nullable(),
  encoding: z.string().nullable(),
  mapping: z.record(z.string(), z.unknown()),
  rows_total: z.number().describe('rows read; = created + updated + unchanged + merged + skipped'),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number().describe('rows whose contact already held everything they say (a re-run, or rows an earlier run of the file wrote)'),
  merged: z.number().describe('rows merged into an earlier row of the same number (see merges)'),
  skipped: z.number().describe('rows not imported; = the sum of skipped_reasons'),
  skipped_reasons: z.object({ invalid: z.number().describe('a value is wrong (see errors)'), unreadable: z.number().describe('a stretch of the file that is not CSV, counted once') }),
  consent_granted: z.number(),
  consent_refused: z.object({ opted_out: z.number().describe('rows imported as contacts whose grant was refused: the number opted out or is suppressed') }),
  error_count: z.number(),
  errors: z.array(rowErrorOut),
  merges: z.array(rowMergeOut).describe('the first 1,000 merges'),
  resumed_from: z
    .object({ import_id: z.string(), created: z.number(), updated: z.number() })
    .nullable()
    .describe('the failed import of the same file and mapping this one completed, and what it (and runs before it) created and updated'),
  failure: z.string().nullable(),
  progress: z.object({ bytes_read: z.number(), bytes_total: z.number().nullable() }).nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});
/** An import as the API shows it. */
export type ImportOut = z.infer<typeof importOut>;

/** What POST /api/v1/imports answers (processing continues in the background). */
export const importAccepted = z.object({ id: z.string(), status: z.enum(['queued', 'running', 'completed', 'failed']) });

/** The small-file JSON form of an import request. */
export const importJsonIn = z.strictObject({
  csv: z.string().min(1, 'the CSV text is empty'),
  mapping: z.record(z.string(), z.unknown()).optional().describe('an import mapping (see the query form); with mapping_id, only the keys to add or replace'),
  mapping_id: z.string().max(100).optional().describe('a saved mapping id or a preset ("preset:shopify-customers")'),
  attestation: attestationIn.optional(),
  dry_run: z.boolean().default(false),
  filename: z.string().max(255).optional(),
});

/** What a suppression-list import did. */
export const suppressionImportOut = z.object({
  rows_total: z.number(),
  added: z.number(),
  already_present: z.number(),
  error_count: z.number(),
  errors: z.array(rowErrorOut),
});
/** What a suppression-list import did. */
export type SuppressionImportOut = z.infer<typeof suppressionImportOut>;

/** A saved mapping or a built-in preset (`preset: true`, id `preset:<key>`). */
export const savedMappingOut = z.object({
  id: z.string(),
  name: z.string(),
  preset: z.boolean(),
  mapping: z.record(z.string(), z.unknown()),
  note: z.string().nullable().describe('for presets: what the export holds and what it does not (consent)'),
  updated_at: z.string().nullable(),
});
/** A saved mapping as the API shows it. */
export type SavedMappingOut = z.infer<typeof savedMappingOut>;

/** Saving a mapping under a name. */
export const saveMappingIn = z.strictObject({
  name: z.string().trim().min(1, 'name the mapping').max(100),
  mapping: z.record(z.string(), z.unknown()).describe('an import mapping, as POST /api/v1/imports takes it'),
});

/** One row of a file as the import wizard previews it: its cells, and the contact it would make or its error. */
export const previewRowOut = z.object({
  line: z.number().describe('the CSV line (1 = the header)'),
  cells: z.array(z.string()).describe('the row as read (empty for a stretch that is not CSV)'),
  contact: z
    .object({
      phone: z.string().describe('E.164, as it will be stored'),
      name: z.string().nullable(),
      country: z.string().nullable(),
      language: z.string().nullable(),
      timezone: z.string().nullable(),
      tags: z.array(z.string()),
      attributes: z.record(z.string(), z.unknown()),
      topics: z.array(z.string()).describe('topic keys the row grants (with the attestation); empty: no consent recorded'),
      consent_at: z.string().nullable(),
      consent_where: z.string().nullable(),
    })
    .nullable()
    .describe('the contact the row would import as; null without a mapping or when the row has an error'),
  error: rowErrorOut.omit({ row: true }).nullable().describe('why the row would not be imported'),
});
/** A previewed row. */
export type PreviewRowOut = z.infer<typeof previewRowOut>;

/** What the import wizard shows about a file before importing it. */
export const importPreviewOut = z.object({
  bytes: z.number().describe('bytes read (after a partial upload was cut at its last line break)'),
  partial: z.boolean().describe('true when the body was the start of a larger file'),
  encoding: z.string().describe('utf-8, utf-8-bom, utf-16le, utf-16be or windows-1252'),
  delimiter: z.string().describe('the field separator, given or guessed from the header line'),
  header: z.array(z.string()),
  mapping: z.record(z.string(), z.unknown()).nullable().describe('the mapping as it will run (a preset with your keys on top, the default country filled in); null when none was given'),
  rows: z.array(previewRowOut),
});
/** A file preview. */
export type ImportPreviewOut = z.infer<typeof importPreviewOut>;
