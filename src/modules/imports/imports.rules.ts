// Pure import rules: which column feeds which field, one CSV row → one contact (or a row error),
// and how duplicate rows of one number merge. No I/O: runs in the parse worker and in tests.
import { AppError } from '../../lib/errors.js';
import { isTimeZone, parsePhone } from '../../lib/phone/index.js';
import { coerceCell, isIsoDate, type AttributeDef } from './attributes.js';
import { DEFAULT_FALSE_VALUES, DEFAULT_TRUE_VALUES, type ImportMapping, type RowError } from './imports.schemas.js';

/** Column indexes resolved against the header, plus what rows are checked against. */
export interface ColumnPlan {
  width: number;
  phone: number;
  country: number;
  /** The name's columns, joined with a space. */
  name: number[];
  language: number;
  timezone: number;
  tags: number;
  tagsSeparator: string;
  topics: number;
  topicsSeparator: string;
  /** A yes/no column deciding whether the row grants the fixed topics (-1: none). */
  consentFlag: number;
  trueValues: ReadonlySet<string>;
  falseValues: ReadonlySet<string>;
  consentDate: number;
  consentSource: number;
  attributes: { key: string; index: number; def: AttributeDef }[];
  defaultCountry: string | undefined;
  /** mapping.defaults: for empty cells (language, zone) and tags for every row. */
  defaults: { language: string; timezone: string; tags: string[] };
  /** Topics granted on every row (mapping.topics.keys), as ids. */
  fixedTopicIds: string[];
  /** Every topic of the workspace by key, for the topics column. */
  topicIdsByKey: Record<string, string>;
  wantsConsent: boolean;
}

/** One CSV row as a contact. `topicIds` empty: no consent is recorded for the row. */
export interface MappedRow {
  line: number;
  phone: string;
  country: string | null;
  timezone: string | null;
  tzSource: 'explicit' | 'number' | null;
  name: string | null;
  language: string | null;
  attributes: Record<string, string | number | boolean> | null;
  tags: string[];
  topicIds: string[];
  consentAt: string | null;
  consentWhere: string | null;
}

function findColumn(header: string[], name: string): number {
  const exact = header.findIndex((h) => h === name);
  if (exact !== -1) return exact;
  const lower = name.toLowerCase();
  return header.findIndex((h) => h.toLowerCase() === lower);
}

/** Fails with ATTRIBUTE_INVALID when the mapping names an attribute the workspace has not defined. */
export function assertAttributeKeys(mapping: ImportMapping, defs: AttributeDef[]): void {
  const unknownAttrs = Object.keys(mapping.attributes ?? {}).filter((k) => !defs.some((d) => d.key === k));
  if (unknownAttrs.length > 0) {
    throw new AppError('ATTRIBUTE_INVALID', `mapping.attributes: no attribute "${unknownAttrs[0]}" is defined in this workspace; define it first (POST /api/v1/attributes {"key": "${unknownAttrs[0]}", "type": "string"}) or remove it from the mapping`, {
      field: `mapping.attributes.${unknownAttrs[0]}`,
      unknown: unknownAttrs,
    });
  }
}

/**
 * Resolves the mapping's column names against the header. A missing column or an undefined
 * attribute fails the whole import before any row is read: every row would fail the same way.
 */
export function planColumns(rawHeader: string[], mapping: ImportMapping, defs: AttributeDef[], topics: { id: string; key: string }[], fixedTopicIds: string[]): ColumnPlan {
  const header = rawHeader.map((h) => h.trim());
  const missing: string[] = [];
  const col = (name: string | undefined): number => {
    if (name === undefined) return -1;
    const i = findColumn(header, name);
    if (i === -1) missing.push(name);
    return i;
  };
  assertAttributeKeys(mapping, defs);
  const plan: ColumnPlan = {
    width: header.length,
    phone: col(mapping.phone),
    country: col(mapping.country),
    name: (typeof mapping.name === 'string' ? [mapping.name] : (mapping.name ?? [])).map((n) => col(n)),
    language: col(mapping.language),
    timezone: col(mapping.timezone),
    tags: col(mapping.tags),
    tagsSeparator: mapping.tags_separator,
    topics: col(mapping.topics?.column),
    topicsSeparator: mapping.topics?.separator ?? ';',
    consentFlag: col(mapping.topics?.consent_column),
    trueValues: new Set(mapping.topics?.true_values ?? DEFAULT_TRUE_VALUES),
    falseValues: new Set(mapping.topics?.false_values ?? DEFAULT_FALSE_VALUES),
    consentDate: col(mapping.consent_date),
    consentSource: col(mapping.consent_source),
    attributes: Object.entries(mapping.attributes ?? {}).map(([key, name]) => ({ key, index: col(name), def: defs.find((d) => d.key === key)! })),
    defaultCountry: mapping.default_country,
    defaults: { language: mapping.defaults?.language ?? '', timezone: mapping.defaults?.timezone ?? '', tags: mapping.defaults?.tags ?? [] },
    fixedTopicIds,
    topicIdsByKey: Object.fromEntries(topics.map((t) => [t.key, t.id])),
    wantsConsent: mapping.topics !== undefined,
  };
  if (missing.length > 0) {
    const shown = header.slice(0, 30).map((h) => JSON.stringify(h)).join(', ');
    throw new AppError('IMPORT_CSV_INVALID', `line 1: the CSV has no column ${JSON.stringify(missing[0])}; its header has ${shown || 'no columns'}`, { row: 1, missing, header: header.slice(0, 100) });
  }
  return plan;
}

const NEUTRALISED = /^'[=+\-@\t\r]/;
const LANGUAGE = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/;
// eslint-disable-next-line no-control-regex -- tags must not carry control characters (the writer joins them with U+001F)
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A trimmed cell; a leading ' that our export added against spreadsheet formulas is taken off. */
function cellAt(cells: string[], i: number): string {
  if (i < 0) return '';
  const v = (cells[i] ?? '').trim();
  return NEUTRALISED.test(v) ? v.slice(1) : v;
}

/** A consent date (ISO date or date-time; no offset means UTC) as an ISO instant, or undefined. */
export function parseConsentDate(s: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(s);
  if (!m || !isIsoDate(m[1]!)) return undefined;
  const time = m[2] ? (m[2].length === 5 ? `${m[2]}:00` : m[2]) : '00:00:00';
  const zone = m[3] ? (m[3].toUpperCase() === 'Z' ? 'Z' : m[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
  const d = new Date(`${m[1]}T${time}${zone}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function splitList(raw: string, separator: string): string[] {
  if (raw === '') return [];
  return [...new Set(raw.split(separator).map((s) => s.trim()).filter((s) => s !== ''))];
}

type Fail = (code: string, message: string) => RowError;

/**
 * A field with an unbalanced quote swallows the next lines up to the next quote; csv-parse (with
 * relaxed quotes) then keeps the opening quote in the value. Such a value starts with a quote and
 * has more fields (a delimiter) after a line break: rows that were eaten, not a multi-line value.
 */
function isSwallowedRows(cell: string): boolean {
  return cell.startsWith('"') && /\n[^\n]*[,;\t|]/.test(cell);
}

function mapConsent(cells: string[], plan: ColumnPlan, nowMs: number, fail: Fail): Pick<MappedRow, 'topicIds' | 'consentAt' | 'consentWhere'> | RowError {
  const none = { topicIds: [], consentAt: null, consentWhere: null };
  if (!plan.wantsConsent) return none;
  if (plan.consentFlag >= 0) {
    const flag = cellAt(cells, plan.consentFlag).toLowerCase();
    if (flag === '' || plan.falseValues.has(flag)) return none;
    if (!plan.trueValues.has(flag)) {
      return fail('VALIDATION_FAILED', `topics.consent_column: ${JSON.stringify(flag.slice(0, 40))} is neither a yes value (${[...plan.trueValues].slice(0, 5).join(', ')}) nor a no value; add it to topics.true_values or topics.false_values`);
    }
  }
  const ids = [...plan.fixedTopicIds];
  for (const key of splitList(cellAt(cells, plan.topics), plan.topicsSeparator)) {
    const id = plan.topicIdsByKey[key] ?? plan.topicIdsByKey[key.toLowerCase()];
    if (id === undefined) return fail('VALIDATION_FAILED', `topics: no topic with key ${JSON.stringify(key.slice(0, 48))}; create it first or fix the cell`);
    if (!ids.includes(id)) ids.push(id);
  }
  if (ids.length === 0) return none;
  // Evidence columns the mapping names must be filled for the row to count as consented (an
  // empty date or source means the proof is missing): such rows import as contacts without a grant.
  let consentAt: string | null = null;
  if (plan.consentDate >= 0) {
    const raw = cellAt(cells, plan.consentDate);
    if (raw === '') return none;
    const at = parseConsentDate(raw);
    if (!at) return fail('VALIDATION_FAILED', 'consent date must be a date such as 2025-03-31 or 2025-03-31T14:05:00Z');
    if (Date.parse(at) > nowMs + 86_400_000) return fail('VALIDATION_FAILED', 'consent date is in the future');
    consentAt = at;
  }
  let consentWhere: string | null = null;
  if (plan.consentSource >= 0) {
    consentWhere = cellAt(cells, plan.consentSource).slice(0, 500);
    if (consentWhere === '') return none;
  }
  return { topicIds: ids, consentAt, consentWhere };
}

/**
 * Maps one CSV record to a contact, or to the first problem found in it (the row is then not
 * imported). Returns null for a blank line.
 */
export function mapRow(cells: string[], line: number, plan: ColumnPlan, nowMs: number): MappedRow | RowError | null {
  const fail: Fail = (code, message) => ({ row: line, code, message });
  if (cells.every((c) => c.trim() === '')) return null;
  if (cells.length > plan.width && cells.slice(plan.width).some((c) => c.trim() !== '')) {
    return fail('IMPORT_CSV_INVALID', `the row has ${cells.length} fields but the header has ${plan.width}; put fields that contain the delimiter in double quotes`);
  }
  if (cells.some(isSwallowedRows)) {
    return fail('IMPORT_CSV_INVALID', 'a quote opened on this line is closed only lines later, so several lines were read as one row; check the quotes');
  }
  const phoneRaw = cellAt(cells, plan.phone);
  if (phoneRaw === '') return fail('PHONE_INVALID', 'phone is empty');
  let country = cellAt(cells, plan.country).toUpperCase();
  if (country !== '' && !/^[A-Z]{2}$/.test(country)) return fail('VALIDATION_FAILED', 'country must be a two-letter ISO code such as GB');
  if (country === '') country = plan.defaultCountry ?? '';
  let parsed;
  try {
    parsed = parsePhone(phoneRaw, country || undefined, 'phone');
  } catch (err) {
    return fail('PHONE_INVALID', err instanceof Error ? err.message : 'phone is not valid');
  }
  const tz = cellAt(cells, plan.timezone) || plan.defaults.timezone;
  if (tz !== '' && !isTimeZone(tz)) return fail('VALIDATION_FAILED', 'timezone must be an IANA zone such as Europe/London');
  const language = cellAt(cells, plan.language) || plan.defaults.language;
  if (language !== '' && !LANGUAGE.test(language)) return fail('VALIDATION_FAILED', 'language must be a language code such as en or pt-BR');
  const name = plan.name.map((i) => cellAt(cells, i)).filter((part) => part !== '').join(' ');
  if (name.length > 200) return fail('VALIDATION_FAILED', 'name is longer than 200 characters');
  let attributes: MappedRow['attributes'] = null;
  for (const a of plan.attributes) {
    const raw = cellAt(cells, a.index);
    if (raw === '') continue;
    const r = coerceCell(a.def, raw);
    if ('error' in r) return fail('ATTRIBUTE_INVALID', `attributes.${a.key}: ${r.error}`);
    (attributes ??= {})[a.key] = r.value;
  }
  const tags = [...new Set([...splitList(cellAt(cells, plan.tags), plan.tagsSeparator), ...plan.defaults.tags])];
  if (tags.some((t) => t.length > 64 || CONTROL.test(t))) return fail('VALIDATION_FAILED', 'tags must be at most 64 characters each, without control characters');
  const consent = mapConsent(cells, plan, nowMs, fail);
  if ('code' in consent) return consent;
  return {
    line,
    phone: parsed.e164,
    country: parsed.country,
    timezone: tz !== '' ? tz : parsed.timezone,
    tzSource: tz !== '' ? 'explicit' : parsed.timezone ? 'number' : null,
    name: name === '' ? null : name,
    language: language === '' ? null : language.replace(/_/g, '-'),
    attributes,
    tags,
    ...consent,
  };
}

/** True when the item is a row error rather than a mapped row. */
export function isRowError(x: MappedRow | RowError): x is RowError {
  return 'code' in x;
}

/**
 * Merges a later row of the same number into the first one. The rule a shop owner expects from
 * an export where two people share a number ("Olivia Smith", then "Oliver Taylor"): the first row
 * is the contact; a later row only fills fields the first left empty (name, language, time zone,
 * attribute keys, consent date and place); tags and topics are unioned. Returns the fields whose
 * later value was ignored because the first row had a different one, for the import's report.
 */
export function mergeRows(into: MappedRow, later: MappedRow): string[] {
  const ignored: string[] = [];
  const fill = <K extends 'name' | 'language' | 'consentAt' | 'consentWhere'>(k: K, label: string) => {
    if (later[k] === null) return;
    if (into[k] === null) into[k] = later[k];
    else if (into[k] !== later[k]) ignored.push(label);
  };
  fill('name', 'name');
  fill('language', 'language');
  if (later.timezone !== null && into.tzSource !== 'explicit' && (later.tzSource === 'explicit' || into.timezone === null)) {
    into.timezone = later.timezone;
    into.tzSource = later.tzSource;
  } else if (later.tzSource === 'explicit' && later.timezone !== into.timezone) ignored.push('timezone');
  if (later.attributes) {
    for (const [k, v] of Object.entries(later.attributes)) if (into.attributes && k in into.attributes && into.attributes[k] !== v) ignored.push(`attributes.${k}`);
    into.attributes = { ...later.attributes, ...into.attributes };
  }
  for (const t of later.tags) if (!into.tags.includes(t)) into.tags.push(t);
  for (const t of later.topicIds) if (!into.topicIds.includes(t)) into.topicIds.push(t);
  fill('consentAt', 'consent_date');
  fill('consentWhere', 'consent_source');
  return ignored;
}
