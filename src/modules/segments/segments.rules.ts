// Parses and validates segment rules (docs/design.md §15) into a typed tree. Pure: the catalog of
// attribute definitions and topic keys is passed in. Every error names the JSON path of the node.
import { AppError } from '../../lib/errors.js';
import { LIFECYCLE_STAGES } from '../lifecycle/index.js';

export type AttributeType = 'string' | 'number' | 'boolean' | 'date' | 'enum';
export type ValueType = 'text' | 'tags' | 'number' | 'boolean' | 'date' | 'timestamp';

/** The field names the language knows, with their value types. */
export const SEGMENT_FIELDS = {
  name: 'text',
  phone: 'text',
  country: 'text',
  timezone: 'text',
  language: 'text',
  lifecycle_stage: 'text',
  tags: 'tags',
  created_at: 'timestamp',
  lifecycle_changed_at: 'timestamp',
  unreachable: 'boolean',
  'engagement.last_inbound_at': 'timestamp',
  'engagement.last_read_at': 'timestamp',
  'engagement.last_click_at': 'timestamp',
  'engagement.last_sent_at': 'timestamp',
  'engagement.last_delivered_at': 'timestamp',
  'engagement.first_purchase_at': 'timestamp',
  'engagement.last_purchase_at': 'timestamp',
  'engagement.last_engaged_at': 'timestamp',
  'engagement.received_30d': 'number',
  'engagement.read_30d': 'number',
  'engagement.replied_30d': 'number',
  'engagement.received_90d': 'number',
  'engagement.read_90d': 'number',
  'engagement.replied_90d': 'number',
  'engagement.purchases_count': 'number',
  'engagement.purchases_total': 'number',
  'engagement.read_rate_90d': 'number',
  'engagement.reply_rate_90d': 'number',
} as const satisfies Record<string, ValueType>;
export type SegmentField = keyof typeof SEGMENT_FIELDS;

/** Field values the language accepts (other fields take any value of their type). */
export const FIELD_VALUES: Partial<Record<SegmentField, readonly string[]>> = { lifecycle_stage: LIFECYCLE_STAGES };

/** The value type an attribute of each definition type is compared as. */
export const ATTRIBUTE_VALUE_TYPES = { string: 'text', enum: 'text', number: 'number', boolean: 'boolean', date: 'date' } as const satisfies Record<AttributeType, ValueType>;

/** What value an operator takes: none, one scalar, a non-empty list, a [low, high] pair, or a number of days. */
export type ValueShape = 'none' | 'one' | 'list' | 'range' | 'days';

/** Every operator with the shape of its value. */
export const OPERATOR_VALUES = {
  eq: 'one',
  neq: 'one',
  gt: 'one',
  gte: 'one',
  lt: 'one',
  lte: 'one',
  contains: 'one',
  not_contains: 'one',
  starts_with: 'one',
  before: 'one',
  after: 'one',
  in: 'list',
  not_in: 'list',
  contains_any: 'list',
  contains_all: 'list',
  between: 'range',
  in_last_days: 'days',
  not_in_last_days: 'days',
  in_next_days: 'days',
  anniversary_within_days: 'days',
  exists: 'none',
  not_exists: 'none',
} as const satisfies Record<string, ValueShape>;
/** An operator of the language. */
export type Operator = keyof typeof OPERATOR_VALUES;

/** The operators each value type allows, in the order the builder offers them. */
export const OPS: Record<ValueType, readonly Operator[]> = {
  text: ['eq', 'neq', 'in', 'not_in', 'contains', 'starts_with', 'exists', 'not_exists'],
  tags: ['contains', 'not_contains', 'contains_any', 'contains_all', 'exists', 'not_exists'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'exists', 'not_exists'],
  boolean: ['eq', 'neq', 'exists', 'not_exists'],
  date: ['before', 'after', 'between', 'in_last_days', 'not_in_last_days', 'in_next_days', 'anniversary_within_days', 'exists', 'not_exists'],
  timestamp: ['before', 'after', 'between', 'in_last_days', 'not_in_last_days', 'in_next_days', 'anniversary_within_days', 'exists', 'not_exists'],
};

export const BROADCAST_INTERACTIONS = ['sent', 'received', 'read', 'replied', 'not_read', 'clicked', 'opted_out'] as const;
export type BroadcastInteraction = (typeof BROADCAST_INTERACTIONS)[number];
export const CONSENT_STATUSES = ['granted', 'withdrawn', 'none'] as const;

/** A comparison value after validation: dates stay 'YYYY-MM-DD' strings, timestamps ISO strings. */
export type CondValue = string | number | boolean | string[] | number[] | [string, string] | [number, number] | null;

/** A validated condition or group. `path` is where it sat in the client's JSON. */
export type SegmentNode =
  | { kind: 'all' | 'any'; path: string; children: SegmentNode[] }
  | { kind: 'not'; path: string; child: SegmentNode }
  | { kind: 'field'; path: string; field: SegmentField; type: ValueType; op: string; value: CondValue }
  | { kind: 'attribute'; path: string; key: string; type: ValueType; op: string; value: CondValue }
  | { kind: 'consent'; path: string; topic: string; status: (typeof CONSENT_STATUSES)[number]; sources: string[] | null; inLastDays: number | null }
  | {
      kind: 'event';
      path: string;
      type: string;
      product: string | null;
      properties: Record<string, unknown> | null;
      withinDays: number | null;
      minCount: number;
      maxCount: number | null;
      minAmount: number | null;
    }
  | { kind: 'broadcast'; path: string; id: string; interaction: BroadcastInteraction }
  | { kind: 'segment'; path: string; id: string };

/** What the parser needs to know about the workspace. */
export interface RulesCatalog {
  attributes: Map<string, { type: AttributeType; enumValues: string[] | null }>;
  topicKeys: Set<string>;
}

/** Limits that keep one rule from turning into a runaway query. */
export const RULE_LIMITS = { depth: 8, nodes: 200, listValues: 1000, maxDays: 3660, segmentDepth: 3 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A 422 pointing at one node of the rules. */
export function rulesError(path: string, problem: string): AppError {
  return new AppError('SEGMENT_RULES_INVALID', `${path}: ${problem}`, { path, problem });
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates client rules against the catalog; throws SEGMENT_RULES_INVALID at the first bad node. */
export function parseSegmentRules(rules: unknown, catalog: RulesCatalog, root = 'rules'): SegmentNode {
  let count = 0;
  const walk = (v: unknown, path: string, depth: number): SegmentNode => {
    count += 1;
    if (count > RULE_LIMITS.nodes) throw rulesError(path, `too many conditions (at most ${RULE_LIMITS.nodes}); split the audience into saved segments`);
    if (depth > RULE_LIMITS.depth) throw rulesError(path, `nested too deeply (at most ${RULE_LIMITS.depth} levels)`);
    if (!isObj(v)) throw rulesError(path, 'must be an object such as {"all": [...]}, {"any": [...]}, {"not": {...}} or a condition');
    const keys = Object.keys(v);
    if ('all' in v || 'any' in v) {
      const kind = 'all' in v ? 'all' : 'any';
      onlyKeys(v, [kind], path);
      const list = v[kind];
      if (!Array.isArray(list) || list.length === 0) {
        // Why not "everyone": an empty list is more often a mistake than a wish; a broadcast says so explicitly.
        throw rulesError(`${path}.${kind}`, 'must be a non-empty array of conditions (to reach every contact, a broadcast uses "audience": {"all_contacts": true, "topic": …})');
      }
      return { kind, path, children: list.map((c, i) => walk(c, `${path}.${kind}[${i}]`, depth + 1)) };
    }
    if ('not' in v) {
      onlyKeys(v, ['not'], path);
      return { kind: 'not', path, child: walk(v.not, `${path}.not`, depth + 1) };
    }
    if ('field' in v) return parseField(v, path);
    if ('attribute' in v) return parseAttribute(v, path, catalog);
    if ('consent' in v) return parseConsent(v, path, catalog);
    if ('event' in v) return parseEvent(v, path);
    if ('broadcast' in v) return parseBroadcast(v, path);
    if ('segment' in v) {
      onlyKeys(v, ['segment'], path);
      if (typeof v.segment !== 'string' || !UUID.test(v.segment)) throw rulesError(`${path}.segment`, 'must be the id of a saved segment or list');
      return { kind: 'segment', path, id: v.segment.toLowerCase() };
    }
    throw rulesError(path, `unknown node with keys ${JSON.stringify(keys)}; use all, any, not, field, attribute, consent, event, broadcast or segment`);
  };
  return walk(rules, root, 1);
}

function onlyKeys(v: Record<string, unknown>, allowed: string[], path: string): void {
  const extra = Object.keys(v).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw rulesError(path, `unexpected key "${extra[0]}"; this node allows ${allowed.map((k) => `"${k}"`).join(', ')}`);
}

function parseField(v: Record<string, unknown>, path: string): SegmentNode {
  onlyKeys(v, ['field', 'op', 'value'], path);
  const field = v.field;
  if (typeof field !== 'string' || !(field in SEGMENT_FIELDS)) {
    throw rulesError(`${path}.field`, `unknown field ${JSON.stringify(field)}; known fields: ${Object.keys(SEGMENT_FIELDS).join(', ')}`);
  }
  const type: ValueType = SEGMENT_FIELDS[field as SegmentField];
  const op = parseOp(v.op, type, path);
  let value = parseValue(v.value, type, op, path);
  const allowed = FIELD_VALUES[field as SegmentField];
  if (allowed) value = checkAllowed(value, allowed, `${path}.value`);
  if (field === 'country') value = upper(value);
  return { kind: 'field', path, field: field as SegmentField, type, op, value };
}

function parseAttribute(v: Record<string, unknown>, path: string, catalog: RulesCatalog): SegmentNode {
  onlyKeys(v, ['attribute', 'op', 'value'], path);
  const key = v.attribute;
  const def = typeof key === 'string' ? catalog.attributes.get(key) : undefined;
  if (typeof key !== 'string' || !def) throw rulesError(`${path}.attribute`, `${JSON.stringify(key)} is not a defined attribute; define it with POST /api/v1/attributes first`);
  const type: ValueType = ATTRIBUTE_VALUE_TYPES[def.type];
  const op = parseOp(v.op, type, path);
  let value = parseValue(v.value, type, op, path);
  if (def.type === 'enum' && def.enumValues && ['eq', 'neq', 'in', 'not_in'].includes(op)) value = checkAllowed(value, def.enumValues, `${path}.value`);
  return { kind: 'attribute', path, key, type, op, value };
}

function parseConsent(v: Record<string, unknown>, path: string, catalog: RulesCatalog): SegmentNode {
  onlyKeys(v, ['consent'], path);
  const c = v.consent;
  const p = `${path}.consent`;
  if (!isObj(c)) throw rulesError(p, 'must be an object such as {"topic": "offers", "status": "granted"}');
  onlyKeys(c, ['topic', 'status', 'source', 'in_last_days'], p);
  if (typeof c.topic !== 'string' || !catalog.topicKeys.has(c.topic)) throw rulesError(`${p}.topic`, `${JSON.stringify(c.topic)} is not a topic key of this workspace`);
  const status = c.status ?? 'granted';
  if (!CONSENT_STATUSES.includes(status as never)) throw rulesError(`${p}.status`, 'must be "granted", "withdrawn" or "none"');
  let sources: string[] | null = null;
  if (c.source !== undefined) {
    const list = Array.isArray(c.source) ? c.source : [c.source];
    if (list.length === 0 || !list.every((s) => typeof s === 'string' && s.length > 0)) throw rulesError(`${p}.source`, 'must be a consent source name or a list of them');
    sources = list as string[];
  }
  const inLastDays = c.in_last_days === undefined ? null : days(c.in_last_days, `${p}.in_last_days`);
  if (status === 'none' && (sources || inLastDays !== null)) throw rulesError(p, 'source and in_last_days apply to granted or withdrawn consent, not "none"');
  return { kind: 'consent', path, topic: c.topic, status: status as 'granted', sources, inLastDays };
}

function parseEvent(v: Record<string, unknown>, path: string): SegmentNode {
  onlyKeys(v, ['event'], path);
  const e = v.event;
  const p = `${path}.event`;
  if (!isObj(e)) throw rulesError(p, 'must be an object such as {"type": "purchase", "within_days": 90}');
  onlyKeys(e, ['type', 'product', 'properties', 'within_days', 'min_count', 'max_count', 'min_amount'], p);
  if (typeof e.type !== 'string' || e.type.length === 0 || e.type.length > 100) throw rulesError(`${p}.type`, 'must be the event type, e.g. "purchase"');
  if (e.product !== undefined && (typeof e.product !== 'string' || e.product.length === 0)) throw rulesError(`${p}.product`, 'must be a product id or name');
  if (e.properties !== undefined && !isObj(e.properties)) throw rulesError(`${p}.properties`, 'must be an object of property values the event must contain');
  const count = (x: unknown, f: string): number | null => {
    if (x === undefined) return null;
    if (!Number.isInteger(x) || (x as number) < 0 || (x as number) > 1_000_000) throw rulesError(`${p}.${f}`, 'must be a whole number ≥ 0');
    return x as number;
  };
  const minCount = count(e.min_count, 'min_count') ?? 1;
  const maxCount = count(e.max_count, 'max_count');
  if (minCount < 1) throw rulesError(`${p}.min_count`, 'must be at least 1; use {"not": {"event": ...}} for people who did not do it');
  if (maxCount !== null && maxCount < minCount) throw rulesError(`${p}.max_count`, 'must not be less than min_count');
  if (e.min_amount !== undefined && (typeof e.min_amount !== 'number' || !Number.isFinite(e.min_amount))) throw rulesError(`${p}.min_amount`, 'must be a number');
  return {
    kind: 'event',
    path,
    type: e.type,
    product: (e.product as string | undefined) ?? null,
    properties: (e.properties as Record<string, unknown> | undefined) ?? null,
    withinDays: e.within_days === undefined ? null : days(e.within_days, `${p}.within_days`),
    minCount,
    maxCount,
    minAmount: (e.min_amount as number | undefined) ?? null,
  };
}

function parseBroadcast(v: Record<string, unknown>, path: string): SegmentNode {
  onlyKeys(v, ['broadcast'], path);
  const b = v.broadcast;
  const p = `${path}.broadcast`;
  if (!isObj(b)) throw rulesError(p, 'must be an object such as {"id": "...", "interaction": "read"}');
  onlyKeys(b, ['id', 'interaction'], p);
  if (typeof b.id !== 'string' || !UUID.test(b.id)) throw rulesError(`${p}.id`, 'must be a broadcast id');
  if (!BROADCAST_INTERACTIONS.includes(b.interaction as never)) throw rulesError(`${p}.interaction`, `must be one of ${BROADCAST_INTERACTIONS.join(', ')}`);
  return { kind: 'broadcast', path, id: b.id.toLowerCase(), interaction: b.interaction as BroadcastInteraction };
}

function parseOp(op: unknown, type: ValueType, path: string): string {
  const allowed: readonly string[] = OPS[type];
  if (typeof op !== 'string' || !allowed.includes(op)) throw rulesError(`${path}.op`, `${JSON.stringify(op)} does not apply to a ${type} value; use one of ${allowed.join(', ')}`);
  return op;
}

function days(v: unknown, path: string): number {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > RULE_LIMITS.maxDays) throw rulesError(path, `must be a whole number of days from 1 to ${RULE_LIMITS.maxDays}`);
  return v as number;
}

function parseValue(v: unknown, type: ValueType, op: string, path: string): CondValue {
  const at = `${path}.value`;
  const shape: ValueShape = OPERATOR_VALUES[op as Operator];
  if (shape === 'none') {
    if (v !== undefined) throw rulesError(at, `${op} takes no value`);
    return null;
  }
  // An anniversary can be today (0 days) and is at most a year away.
  if (op === 'anniversary_within_days') {
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 366) throw rulesError(at, 'must be a whole number of days from 0 to 366');
    return v as number;
  }
  if (shape === 'days') return days(v, at);
  if (shape === 'list') {
    if (!Array.isArray(v) || v.length === 0 || v.length > RULE_LIMITS.listValues) throw rulesError(at, `must be a non-empty list of at most ${RULE_LIMITS.listValues} values`);
    const itemType = type === 'tags' ? 'text' : type;
    return v.map((x, i) => scalar(x, itemType, `${at}[${i}]`)) as string[] | number[];
  }
  if (shape === 'range') {
    if (!Array.isArray(v) || v.length !== 2) throw rulesError(at, 'must be [low, high]');
    const lo = scalar(v[0], type, `${at}[0]`);
    const hi = scalar(v[1], type, `${at}[1]`);
    if ((lo as number | string) > (hi as number | string)) throw rulesError(at, 'low must not be greater than high');
    return [lo, hi] as [string, string] | [number, number];
  }
  return scalar(v, type === 'tags' ? 'text' : type, at);
}

function scalar(v: unknown, type: ValueType, at: string): string | number | boolean {
  switch (type) {
    case 'text':
    case 'tags':
      if (typeof v !== 'string' || v.length > 1000) throw rulesError(at, 'must be a string');
      return v;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw rulesError(at, 'must be a number');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw rulesError(at, 'must be true or false');
      return v;
    case 'date':
      if (typeof v !== 'string' || !DATE.test(v) || !validDate(v)) throw rulesError(at, 'must be a date as YYYY-MM-DD');
      return v;
    case 'timestamp':
      if (typeof v !== 'string' || !(DATE.test(v) ? validDate(v) : ISO_TS.test(v) && inStorableYears(Date.parse(v)))) {
        throw rulesError(at, 'must be a date (YYYY-MM-DD, in the workspace time zone) or an ISO 8601 timestamp with an offset');
      }
      return v;
  }
}

function validDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return inStorableYears(d.getTime()) && d.toISOString().startsWith(s);
}

// PostgreSQL has no year 0 (JavaScript's year 0 is 1 BC), so such a value would fail in SQL.
function inStorableYears(ms: number): boolean {
  if (Number.isNaN(ms)) return false;
  const year = new Date(ms).getUTCFullYear();
  return year >= 1 && year <= 9999;
}

function checkAllowed(value: CondValue, allowed: readonly string[], at: string): CondValue {
  const list = Array.isArray(value) ? value : [value];
  const bad = list.find((x) => typeof x === 'string' && !allowed.includes(x));
  if (bad !== undefined) throw rulesError(at, `${JSON.stringify(bad)} is not one of ${allowed.join(', ')}`);
  return value;
}

function upper(value: CondValue): CondValue {
  if (typeof value === 'string') return value.toUpperCase();
  if (Array.isArray(value)) return value.map((x) => (typeof x === 'string' ? x.toUpperCase() : x)) as string[];
  return value;
}

/** Ids of saved segments a rule refers to (resolved by the service before compiling). */
export function referencedSegments(node: SegmentNode): string[] {
  switch (node.kind) {
    case 'all':
    case 'any':
      return node.children.flatMap(referencedSegments);
    case 'not':
      return referencedSegments(node.child);
    case 'segment':
      return [node.id];
    default:
      return [];
  }
}
