// The condition builder's model and its two-way mapping to the rule language (docs/design.md §15).
// The builder shows one level: an "all"/"any" group of field or attribute conditions. Rules it
// cannot show exactly (nesting, consent, events, other fields) stay editable as JSON.
// Field types, operators, value shapes and allowed values come from the server's catalog
// (GET /segments/catalog); this file keeps only presentation: which fields the builder offers, and their labels.
import type { AttributeDefinition, SegmentCatalog } from './api-client';

/** A value type of the rule language (text, tags, number, boolean, date, timestamp). */
export type ValueType = SegmentCatalog['fields'][number]['type'];
/** What value an operator takes: none, one scalar, a list, a [low, high] pair, or a number of days. */
export type ValueShape = NonNullable<SegmentCatalog['operator_values'][string]>;
export type Combinator = 'all' | 'any';

/** A field or attribute the builder offers, keyed `field:<name>` or `attribute:<key>`. */
export interface Subject {
  key: string;
  label: string;
  type: ValueType;
  /** The operators its type allows, from the catalog. */
  ops: readonly string[];
  /** Values to suggest (lifecycle stages, enum values, true/false). */
  suggestions: readonly string[];
  /** What value each operator takes, from the catalog. */
  shapes: Readonly<Record<string, ValueShape>>;
}

/** One builder row: what to compare, how, and the value as typed. */
export interface ConditionRow {
  subject: string;
  op: string;
  value: string;
}

/** The builder's state: rows joined by "all" (and) or "any" (or). */
export interface BuilderState {
  combinator: Combinator;
  rows: ConditionRow[];
}

/** The contact and engagement fields the builder offers, with their labels (the catalog has the rest). */
export const BUILDER_FIELDS: readonly { name: string; label: string }[] = [
  { name: 'country', label: 'Country' },
  { name: 'language', label: 'Language' },
  { name: 'lifecycle_stage', label: 'Lifecycle stage' },
  { name: 'tags', label: 'Tags' },
  { name: 'created_at', label: 'Created' },
  { name: 'engagement.last_read_at', label: 'Last read' },
  { name: 'engagement.last_engaged_at', label: 'Last engaged' },
  { name: 'engagement.purchases_count', label: 'Purchases' },
];

/** What value `op` takes for this subject (one scalar when either is unknown). */
export const shapeOf = (subject: Subject | undefined, op: string): ValueShape => subject?.shapes[op] ?? 'one';

/** What to type for this operator's value shape and type, shown as the value's placeholder. */
export function valueHint(shape: ValueShape, type: ValueType): string {
  if (shape === 'list') return 'a, b, c';
  if (shape === 'range') return type === 'number' ? 'low, high' : 'YYYY-MM-DD, YYYY-MM-DD';
  if (shape === 'days') return 'days';
  if (type === 'date' || type === 'timestamp') return 'YYYY-MM-DD';
  if (type === 'boolean') return 'true or false';
  return 'value';
}

/** The subjects for the builder: the offered fields the catalog knows, then the workspace's attributes. */
export function subjectsOf(catalog: SegmentCatalog, attributes: readonly AttributeDefinition[]): Subject[] {
  const shapes = catalog.operator_values as Record<string, ValueShape>;
  const subject = (key: string, label: string, type: ValueType, suggestions: readonly string[]): Subject => ({ key, label, type, ops: catalog.operators[type] ?? [], suggestions, shapes });
  const fields = BUILDER_FIELDS.flatMap((f) => {
    const known = catalog.fields.find((c) => c.name === f.name);
    return known ? [subject(`field:${f.name}`, f.label, known.type, known.values ?? [])] : [];
  });
  const attrs = attributes.map((a) => {
    const type = catalog.attribute_types[a.type] ?? 'text';
    const suggestions = a.type === 'enum' ? (a.enum_values ?? []) : a.type === 'boolean' ? ['true', 'false'] : [];
    return subject(`attribute:${a.key}`, `${a.label ?? a.key} (attribute)`, type, suggestions);
  });
  return [...fields, ...attrs];
}

/** A fresh row: the first subject with its first operator. */
export function newRow(subjects: readonly Subject[]): ConditionRow {
  const first = subjects[0];
  return { subject: first?.key ?? 'field:country', op: first?.ops[0] ?? 'eq', value: '' };
}

function scalarOf(text: string, type: ValueType): unknown {
  const t = text.trim();
  // A value that does not fit the type is sent as typed, so the server names the problem.
  if (type === 'number') return t !== '' && Number.isFinite(Number(t)) ? Number(t) : text;
  if (type === 'boolean') return t === 'true' ? true : t === 'false' ? false : text;
  return text;
}

const splitList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function valueOf(row: ConditionRow, shape: ValueShape, type: ValueType): unknown {
  if (shape === 'list') return splitList(row.value).map((s) => scalarOf(s, type === 'tags' ? 'text' : type));
  if (shape === 'range') return splitList(row.value).map((s) => scalarOf(s, type));
  if (shape === 'days') return /^\s*\d+\s*$/.test(row.value) ? Number(row.value) : row.value;
  return scalarOf(row.value, type === 'tags' ? 'text' : type);
}

/** The rule-language JSON for the builder's rows. */
export function rulesOf(state: BuilderState, subjects: readonly Subject[]): Record<string, unknown> {
  const conditions = state.rows.map((row) => {
    const [kind, name] = splitSubject(row.subject);
    const subject = subjects.find((s) => s.key === row.subject);
    const shape = shapeOf(subject, row.op);
    const condition: Record<string, unknown> = { [kind]: name, op: row.op };
    if (shape !== 'none') condition.value = valueOf(row, shape, subject?.type ?? 'text');
    return condition;
  });
  return { [state.combinator]: conditions };
}

function splitSubject(key: string): ['field' | 'attribute', string] {
  const at = key.indexOf(':');
  return [key.slice(0, at) === 'attribute' ? 'attribute' : 'field', key.slice(at + 1)];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function textOf(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => String(v)).join(', ');
  return String(value);
}

function rowOf(node: unknown, subjects: readonly Subject[]): ConditionRow | null {
  if (!isObj(node) || typeof node.op !== 'string') return null;
  const kind = typeof node.field === 'string' ? 'field' : typeof node.attribute === 'string' ? 'attribute' : null;
  if (!kind) return null;
  const subject = subjects.find((s) => s.key === `${kind}:${String(node[kind])}`);
  if (!subject || !subject.ops.includes(node.op)) return null;
  return { subject: subject.key, op: node.op, value: textOf(node.value) };
}

/**
 * The builder state for rules JSON, or null when the builder cannot show them exactly (the
 * rows would not give back the same JSON): then the rules are edited as JSON only.
 */
export function builderOf(rules: unknown, subjects: readonly Subject[]): BuilderState | null {
  if (!isObj(rules)) return null;
  const combinator: Combinator | null = Array.isArray(rules.all) ? 'all' : Array.isArray(rules.any) ? 'any' : null;
  const group = combinator ? rules : { all: [rules] };
  const list = (combinator ? rules[combinator] : [rules]) as unknown[];
  if (Object.keys(group).length !== 1 || list.length === 0) return null;
  const rows = list.map((node) => rowOf(node, subjects));
  if (rows.some((r) => r === null)) return null;
  const state: BuilderState = { combinator: combinator ?? 'all', rows: rows as ConditionRow[] };
  return canonicalJson(rulesOf(state, subjects)) === canonicalJson(group) ? state : null;
}

/** JSON with object keys sorted, so two values compare equal whatever order their keys were typed in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObj(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** The rules as the advanced editor shows them: indented JSON. */
export const formatRules = (rules: unknown): string => JSON.stringify(rules, null, 2);

/** Parses the advanced editor's text; a syntax error or a non-object becomes a problem at `rules`, like the server's. */
export function parseRulesText(text: string): { rules: unknown } | { problem: string } {
  let rules: unknown;
  try {
    rules = JSON.parse(text);
  } catch (err) {
    return { problem: `not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  return isObj(rules) ? { rules } : { problem: 'must be an object such as {"all": [...]}, {"any": [...]}, {"not": {...}} or a condition' };
}
