// The condition builder's model and its two-way mapping to the rule language (docs/design.md §15).
// The builder shows one level: an "all"/"any" group of field or attribute conditions. Rules it
// cannot show exactly (nesting, consent, events, other fields) stay editable as JSON.
import type { AttributeDefinition } from './api-client';

export type ValueType = 'text' | 'tags' | 'number' | 'boolean' | 'date' | 'timestamp';
export type Combinator = 'all' | 'any';

/** A field or attribute the builder offers, keyed `field:<name>` or `attribute:<key>`. */
export interface Subject {
  key: string;
  label: string;
  type: ValueType;
  /** Values to suggest (lifecycle stages, enum values, true/false). */
  suggestions: readonly string[];
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

const LIFECYCLE_STAGES = ['new', 'onboarding', 'active', 'loyal', 'at_risk', 'dormant', 'reactivating', 'churned', 'archived'];

/** The contact and engagement fields the builder offers, with their types. */
export const BUILDER_FIELDS: readonly { name: string; label: string; type: ValueType }[] = [
  { name: 'country', label: 'Country', type: 'text' },
  { name: 'language', label: 'Language', type: 'text' },
  { name: 'lifecycle_stage', label: 'Lifecycle stage', type: 'text' },
  { name: 'tags', label: 'Tags', type: 'tags' },
  { name: 'created_at', label: 'Created', type: 'timestamp' },
  { name: 'engagement.last_read_at', label: 'Last read', type: 'timestamp' },
  { name: 'engagement.last_engaged_at', label: 'Last engaged', type: 'timestamp' },
  { name: 'engagement.purchases_count', label: 'Purchases', type: 'number' },
];

/** Operators by value type, as the server accepts them. */
export const OPERATORS: Record<ValueType, readonly string[]> = {
  text: ['eq', 'neq', 'in', 'not_in', 'contains', 'starts_with', 'exists', 'not_exists'],
  tags: ['contains', 'not_contains', 'contains_any', 'contains_all', 'exists', 'not_exists'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'exists', 'not_exists'],
  boolean: ['eq', 'neq', 'exists', 'not_exists'],
  date: ['before', 'after', 'between', 'in_last_days', 'not_in_last_days', 'in_next_days', 'anniversary_within_days', 'exists', 'not_exists'],
  timestamp: ['before', 'after', 'between', 'in_last_days', 'not_in_last_days', 'in_next_days', 'anniversary_within_days', 'exists', 'not_exists'],
};

const NO_VALUE = ['exists', 'not_exists'];
const LIST_OPS = ['in', 'not_in', 'contains_any', 'contains_all'];
const DAY_OPS = ['in_last_days', 'not_in_last_days', 'in_next_days', 'anniversary_within_days'];

/** True when the operator takes no value (`exists`, `not_exists`). */
export const isValueless = (op: string): boolean => NO_VALUE.includes(op);

/** What to type for this operator and type, shown as the value's placeholder. */
export function valueHint(op: string, type: ValueType): string {
  if (LIST_OPS.includes(op)) return 'a, b, c';
  if (op === 'between') return type === 'number' ? 'low, high' : 'YYYY-MM-DD, YYYY-MM-DD';
  if (DAY_OPS.includes(op)) return 'days';
  if (type === 'date' || type === 'timestamp') return 'YYYY-MM-DD';
  if (type === 'boolean') return 'true or false';
  return 'value';
}

/** The subjects for the builder: the fixed fields, then the workspace's attributes. */
export function subjectsOf(attributes: readonly AttributeDefinition[]): Subject[] {
  const fields = BUILDER_FIELDS.map((f) => ({ key: `field:${f.name}`, label: f.label, type: f.type, suggestions: f.name === 'lifecycle_stage' ? LIFECYCLE_STAGES : [] }));
  const attrs = attributes.map((a): Subject => {
    const type: ValueType = a.type === 'string' || a.type === 'enum' ? 'text' : a.type;
    const suggestions = a.type === 'enum' ? (a.enum_values ?? []) : a.type === 'boolean' ? ['true', 'false'] : [];
    return { key: `attribute:${a.key}`, label: `${a.label ?? a.key} (attribute)`, type, suggestions };
  });
  return [...fields, ...attrs];
}

/** A fresh row: the first subject with its first operator. */
export function newRow(subjects: readonly Subject[]): ConditionRow {
  const first = subjects[0];
  return { subject: first?.key ?? 'field:country', op: first ? (OPERATORS[first.type][0] ?? 'eq') : 'eq', value: '' };
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

function valueOf(row: ConditionRow, type: ValueType): unknown {
  if (LIST_OPS.includes(row.op)) return splitList(row.value).map((s) => scalarOf(s, type === 'tags' ? 'text' : type));
  if (row.op === 'between') return splitList(row.value).map((s) => scalarOf(s, type));
  if (DAY_OPS.includes(row.op)) return /^\s*\d+\s*$/.test(row.value) ? Number(row.value) : row.value;
  return scalarOf(row.value, type === 'tags' ? 'text' : type);
}

/** The rule-language JSON for the builder's rows. */
export function rulesOf(state: BuilderState, subjects: readonly Subject[]): Record<string, unknown> {
  const conditions = state.rows.map((row) => {
    const [kind, name] = splitSubject(row.subject);
    const type = subjects.find((s) => s.key === row.subject)?.type ?? 'text';
    const condition: Record<string, unknown> = { [kind]: name, op: row.op };
    if (!isValueless(row.op)) condition.value = valueOf(row, type);
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
  if (!subject || !OPERATORS[subject.type].includes(node.op)) return null;
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
