// The import wizard's column mapping as form fields, and the API mapping it stands for
// (POST /api/v1/imports?mapping=…). Pure: no React, no fetch.
import { ApiError } from './api-client';
import type { Delimiter } from './imports-api';

/** How the file says what people consented to. */
export type ConsentMode = 'none' | 'column' | 'all';

/** The mapping as the form edits it: column names ('' = not mapped) and typed-in values. */
export interface MappingDraft {
  phone: string;
  /** Columns joined with a space into the name (first + last). */
  name: string[];
  country: string;
  defaultCountry: string;
  language: string;
  timezone: string;
  tags: string;
  tagsSeparator: string;
  delimiter: '' | Delimiter;
  consent: ConsentMode;
  topic: string;
  consentColumn: string;
  /** Comma-separated; empty: the API's defaults (yes, true, 1, subscribed… / no, false, 0…). */
  trueValues: string;
  falseValues: string;
  consentDate: string;
  consentSource: string;
  defaultLanguage: string;
  defaultTimezone: string;
  /** Comma-separated tags every imported contact gets. */
  defaultTags: string;
  /** Keys of a saved mapping the form does not edit (attributes, list…), passed through unchanged. */
  rest: Record<string, unknown>;
}

/** A draft that maps nothing yet. */
export const EMPTY_DRAFT: MappingDraft = {
  phone: '',
  name: [],
  country: '',
  defaultCountry: '',
  language: '',
  timezone: '',
  tags: '',
  tagsSeparator: ';',
  delimiter: '',
  consent: 'none',
  topic: '',
  consentColumn: '',
  trueValues: '',
  falseValues: '',
  consentDate: '',
  consentSource: '',
  defaultLanguage: '',
  defaultTimezone: '',
  defaultTags: '',
  rest: {},
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');
const joined = (v: unknown): string => (Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(', ') : '');

/** The column a header names for a phone number, if one obviously does. */
export function guessPhoneColumn(header: string[]): string {
  return header.find((h) => /^(phone|mobile|phone number|whatsapp|cell)$/i.test(h.trim())) ?? header.find((h) => /phone|mobile/i.test(h)) ?? '';
}

/** A saved mapping or preset as form fields (what the form does not edit is kept in `rest`). */
export function draftFromMapping(m: Record<string, unknown>): MappingDraft {
  const { phone, name, country, default_country, language, timezone, tags, tags_separator, delimiter, topics, consent_date, consent_source, defaults, ...rest } = m;
  const t = (topics ?? {}) as Record<string, unknown>;
  const d = (defaults ?? {}) as Record<string, unknown>;
  const keys = Array.isArray(t.keys) ? (t.keys as string[]) : [];
  return {
    ...EMPTY_DRAFT,
    phone: str(phone),
    name: typeof name === 'string' ? [name] : Array.isArray(name) ? (name as string[]) : [],
    country: str(country),
    defaultCountry: str(default_country),
    language: str(language),
    timezone: str(timezone),
    tags: str(tags),
    tagsSeparator: str(tags_separator) || ';',
    delimiter: (str(delimiter) as Delimiter) || '',
    consent: t.consent_column ? 'column' : keys.length > 0 ? 'all' : 'none',
    topic: keys[0] ?? '',
    consentColumn: str(t.consent_column),
    trueValues: joined(t.true_values),
    falseValues: joined(t.false_values),
    consentDate: str(consent_date),
    consentSource: str(consent_source),
    defaultLanguage: str(d.language),
    defaultTimezone: str(d.timezone),
    defaultTags: joined(d.tags),
    rest: t.column ? { ...rest, topics: t } : rest,
  };
}

/** The API mapping the draft stands for (empty fields left out). */
export function mappingFromDraft(d: MappingDraft): Record<string, unknown> {
  const m: Record<string, unknown> = { ...d.rest, phone: d.phone };
  const set = (key: string, v: unknown) => {
    if (v !== '' && v !== undefined && !(Array.isArray(v) && v.length === 0)) m[key] = v;
  };
  set('name', d.name.length === 1 ? d.name[0] : d.name.filter((n) => n !== ''));
  set('country', d.country);
  set('default_country', d.defaultCountry.trim().toUpperCase());
  set('language', d.language);
  set('timezone', d.timezone);
  set('tags', d.tags);
  if (d.tags) m.tags_separator = d.tagsSeparator || ';';
  set('delimiter', d.delimiter);
  if (d.consent !== 'none') {
    const topics: Record<string, unknown> = { keys: d.topic ? [d.topic] : [] };
    if (d.consent === 'column') {
      topics.consent_column = d.consentColumn;
      if (list(d.trueValues).length > 0) topics.true_values = list(d.trueValues);
      if (list(d.falseValues).length > 0) topics.false_values = list(d.falseValues);
    }
    m.topics = topics;
    set('consent_date', d.consentDate);
    set('consent_source', d.consentSource);
  } else if (d.rest.topics) m.topics = d.rest.topics;
  const defaults: Record<string, unknown> = {};
  if (d.defaultLanguage.trim()) defaults.language = d.defaultLanguage.trim();
  if (d.defaultTimezone.trim()) defaults.timezone = d.defaultTimezone.trim();
  if (list(d.defaultTags).length > 0) defaults.tags = list(d.defaultTags);
  if (Object.keys(defaults).length > 0) m.defaults = defaults;
  return m;
}

/** True when the draft imports consent (then the attestation is required). */
export const importsConsent = (d: MappingDraft) => d.consent !== 'none' || d.rest.topics !== undefined;

/** Columns the draft names that the file's header lacks (a preset made for another export). */
export function missingColumns(d: MappingDraft, header: string[]): string[] {
  const have = new Set(header.map((h) => h.trim().toLowerCase()));
  const named = [d.phone, ...d.name, d.country, d.language, d.timezone, d.tags, d.consent === 'column' ? d.consentColumn : '', d.consent !== 'none' ? d.consentDate : '', d.consent !== 'none' ? d.consentSource : ''];
  return [...new Set(named.filter((c) => c !== '' && !have.has(c.trim().toLowerCase())))];
}

/** The fields an API error names ("mapping.phone", "attestation.covers_whatsapp"…). */
export function errorFields(err: unknown): string[] {
  if (!(err instanceof ApiError)) return [];
  const fields = (err.details.fields as { field: string }[] | undefined)?.map((f) => f.field) ?? [];
  const missing = (err.details.missing as string[] | undefined) ?? [];
  const field = typeof err.details.field === 'string' ? [err.details.field] : [];
  return [...fields, ...missing, ...field];
}

/** The field an API error names first and its message, to show next to that field. */
export interface FieldError {
  field: string;
  message: string;
}

/** The first field an API error names ("attestation.covers_whatsapp", "mapping.topics.keys"…), with the error's message. */
export function fieldError(err: unknown): FieldError | undefined {
  const field = errorFields(err)[0];
  return field && err instanceof Error ? { field, message: err.message } : undefined;
}
