import { GraphError } from './graph-errors.js';
import type { QualityRating, TemplateCategory, TemplateStatus } from './types.js';

/** A component as declared at creation (uppercase `type`). */
export type TemplateComponentDef = Record<string, unknown> & { type: string };

/** A stored message template. */
export interface TemplateRecord {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  components: TemplateComponentDef[];
  parameterFormat: 'POSITIONAL' | 'NAMED';
  qualityScore: QualityRating;
  rejectedReason?: string;
  createdAt: number;
}

/** A template to preload (e.g. `hello_world`, or what a test needs already APPROVED). */
export interface TemplateSeed {
  name: string;
  language: string;
  category: TemplateCategory;
  components?: TemplateComponentDef[];
  status?: TemplateStatus;
  parameterFormat?: 'POSITIONAL' | 'NAMED';
  qualityScore?: QualityRating;
  /** Defaults to every configured WABA. */
  wabaId?: string;
}

/** Meta's sample template, present on every new WABA. */
export const HELLO_WORLD: TemplateSeed = {
  name: 'hello_world',
  language: 'en_US',
  category: 'UTILITY',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
    { type: 'BODY', text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.' },
    { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
  ],
};

const VAR = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The distinct variable names in a text (`1`, `2`… or named). */
export function templateVariables(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  return [...new Set([...text.matchAll(VAR)].map((m) => m[1]!))];
}

const CATEGORIES = new Set(['MARKETING', 'UTILITY', 'AUTHENTICATION']);
const bad = (details: string, subcode?: number) => new GraphError(100, { details, ...(subcode ? { subcode } : {}) });

/** Checks a creation request the way Meta's synchronous validation does; returns the normalized template fields. */
export function parseTemplateCreate(body: unknown): Omit<TemplateRecord, 'id' | 'wabaId' | 'status' | 'qualityScore' | 'createdAt'> {
  if (typeof body !== 'object' || body === null) throw bad('The request body must be a JSON object.');
  const b = body as Record<string, unknown>;
  if (typeof b.name !== 'string' || b.name === '') throw new GraphError(100, { details: 'The parameter name is required.' });
  if (!/^[a-z0-9_]{1,512}$/.test(b.name)) throw bad('Template name can only contain lowercase alphanumeric characters and underscores (max 512).');
  if (typeof b.language !== 'string' || b.language === '') throw new GraphError(100, { details: 'The parameter language is required.' });
  const category = typeof b.category === 'string' ? b.category.toUpperCase() : '';
  if (!CATEGORIES.has(category)) throw bad('Param category must be one of {MARKETING, UTILITY, AUTHENTICATION}.');
  if (!Array.isArray(b.components)) throw new GraphError(100, { details: 'The parameter components is required.' });
  const format = b.parameter_format === undefined ? 'POSITIONAL' : String(b.parameter_format).toUpperCase();
  if (format !== 'POSITIONAL' && format !== 'NAMED') throw bad('Param parameter_format must be one of {POSITIONAL, NAMED}.');
  const components = b.components.map((c, i) => checkComponent(c, i));
  const bodies = components.filter((c) => c.type === 'BODY');
  if (bodies.length !== 1) throw bad('A template needs exactly one BODY component.');
  for (const t of ['HEADER', 'FOOTER', 'BUTTONS']) if (components.filter((c) => c.type === t).length > 1) throw bad(`A template can have at most one ${t} component.`);
  return { name: b.name, language: b.language, category: category as TemplateCategory, components, parameterFormat: format };
}

function checkComponent(raw: unknown, i: number): TemplateComponentDef {
  if (typeof raw !== 'object' || raw === null || typeof (raw as { type?: unknown }).type !== 'string') throw bad(`components[${i}].type is required.`);
  const c: TemplateComponentDef = { ...(raw as Record<string, unknown>), type: String((raw as { type: string }).type).toUpperCase() };
  const text = c.text;
  if (text !== undefined && typeof text !== 'string') throw bad(`components[${i}].text must be a string.`);
  switch (c.type) {
    case 'BODY':
      if (typeof text === 'string' && text.length > 1024) throw bad('BODY text is limited to 1024 characters.');
      break;
    case 'HEADER': {
      const format = String(c.format ?? 'TEXT').toUpperCase();
      if (!['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'].includes(format)) throw bad('HEADER format must be one of {TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION}.');
      c.format = format;
      if (format === 'TEXT' && (typeof text !== 'string' || text.length > 60)) throw bad('A TEXT header needs text of at most 60 characters.');
      if (templateVariables(text).length > 1) throw bad('A header can contain at most one variable.');
      break;
    }
    case 'FOOTER':
      if (typeof text === 'string' && (text.length > 60 || templateVariables(text).length > 0)) throw bad('FOOTER text is limited to 60 characters and cannot contain variables.');
      break;
    case 'BUTTONS': {
      const buttons = c.buttons;
      if (!Array.isArray(buttons) || buttons.length === 0 || buttons.length > 10) throw bad('BUTTONS needs 1 to 10 buttons.');
      c.buttons = buttons.map((btn: unknown, j) => {
        const bt = btn as Record<string, unknown>;
        if (typeof bt?.type !== 'string') throw bad(`buttons[${j}].type is required.`);
        if (bt.text !== undefined && (typeof bt.text !== 'string' || bt.text.length > 25)) throw bad('Button text is limited to 25 characters.');
        return { ...bt, type: bt.type.toUpperCase() };
      });
      break;
    }
    default:
      throw bad(`components[${i}].type must be one of {HEADER, BODY, FOOTER, BUTTONS}.`);
  }
  return c;
}

/**
 * The automated review's verdict in 'auto' mode. Why: Meta commonly rejects INVALID_FORMAT when
 * variables sit at the very start/end, are adjacent, or have no examples.
 */
export function reviewTemplate(t: Pick<TemplateRecord, 'name' | 'components' | 'parameterFormat'>): { approved: true } | { approved: false; reason: string } {
  if (t.name.startsWith('reject')) return { approved: false, reason: 'PROMOTIONAL' };
  const body = t.components.find((c) => c.type === 'BODY');
  const text = typeof body?.text === 'string' ? body.text.trim() : '';
  const vars = templateVariables(text);
  if (vars.length === 0) return { approved: true };
  if (/^\{\{[^}]+\}\}/.test(text) || /\{\{[^}]+\}\}[.!?]?$/.test(text) || /\}\}\s*\{\{/.test(text)) return { approved: false, reason: 'INVALID_FORMAT' };
  const example = (body?.example ?? {}) as Record<string, unknown>;
  const hasExamples = t.parameterFormat === 'NAMED' ? Array.isArray(example.body_text_named_params) : Array.isArray(example.body_text);
  return hasExamples ? { approved: true } : { approved: false, reason: 'INVALID_FORMAT' };
}

/** Meta's field name → value for template reads. */
export function templateFields(t: TemplateRecord, fields: readonly string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    language: t.language,
    status: t.status,
    category: t.category,
    components: t.components,
    parameter_format: t.parameterFormat,
    quality_score: { score: t.qualityScore, date: Math.floor(t.createdAt / 1000) },
    rejected_reason: t.rejectedReason ?? 'NONE',
  };
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!(f in all)) throw new GraphError(100, { message: `(#100) Tried accessing nonexisting field (${f}) on node type (WhatsAppBusinessHSM)`, noErrorData: true });
    out[f] = all[f];
  }
  out.id = t.id;
  return out;
}

/** Default fields of a template list when `fields` is not given. */
export const DEFAULT_TEMPLATE_FIELDS = ['name', 'parameter_format', 'components', 'language', 'status', 'category'] as const;
