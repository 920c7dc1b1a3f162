// Builds requests from the app's own OpenAPI document: a plausible body per operation, and
// hostile variants of every path parameter, query parameter and body field (the security suite).

/** The subset of JSON Schema the generated document uses. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
  $ref?: string;
}

/** One operation of the document. */
export interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  body: JsonSchema | undefined;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema?: JsonSchema }[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
}

/** Every /api/v1 operation in the document. */
export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

/** A small deterministic PRNG (mulberry32), so a failing case can be run again. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values a valid-looking body uses for fields with a well-known meaning. */
const BY_NAME: Record<string, unknown> = {
  phone: '+447400123001',
  phones: ['+447700900123'],
  to: ['+447700900123'],
  email: 'fuzz@example.com',
  topic: 'offers',
  topics: ['offers'],
  language: 'en_US',
  currency: 'EUR',
  country: 'GB',
  default_country: 'GB',
  timezone: 'Europe/London',
  rules: { field: 'country', op: 'eq', value: 'GB' },
  csv: 'phone\n+447400123002\n',
  mapping: { phone: 'phone' },
};

function firstOf(s: JsonSchema): JsonSchema | undefined {
  const alts = s.anyOf ?? s.oneOf;
  return alts?.find((a) => a.type !== 'null') ?? alts?.[0];
}

function typeOf(s: JsonSchema): string | undefined {
  return Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
}

/** A value that plausibly satisfies `s` (so the hostile one in its place is what gets tested). */
export function exampleOf(s: JsonSchema, name = '', ids: Record<string, string> = {}, depth = 0): unknown {
  if (depth > 8) return undefined;
  if (name in ids) return ids[name];
  if (name.endsWith('_ids') && ids[name.replace(/_ids$/, '_id')]) return [ids[name.replace(/_ids$/, '_id')]];
  if (name in BY_NAME) return BY_NAME[name];
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const alt = firstOf(s);
  if (alt) return exampleOf(alt, name, ids, depth + 1);
  if (s.allOf?.[0]) return exampleOf(s.allOf[0], name, ids, depth + 1);
  switch (typeOf(s)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = exampleOf(s.properties?.[key] ?? {}, key, ids, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 0) }, () => exampleOf(s.items ?? {}, name, ids, depth + 1));
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'string':
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (s.format === 'date-time') return '2026-11-30T10:00:00Z';
      if (s.format === 'date') return '2026-11-30';
      if (s.format === 'email') return 'fuzz@example.com';
      return 'fuzz'.padEnd(Math.max(4, s.minLength ?? 0), 'z');
    default:
      return 'fuzz';
  }
}

/** Stands for a 5,000-deep value; `toPayload` writes it as raw JSON (JSON.stringify itself would overflow). */
export const DEEP = '\u0001deep\u0001';
const DEEP_JSON = '{"a":['.repeat(2500) + '1' + ']}'.repeat(2500);

/** Serialises a body, writing each DEEP marker as 5,000 levels of nesting. */
export function toPayload(v: unknown): string {
  return JSON.stringify(v ?? {}).replaceAll(JSON.stringify(DEEP), DEEP_JSON);
}

const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Hostile values for one string or scalar slot (query parameter, body field). */
export const HOSTILE_VALUES: unknown[] = [
  'nul\u0000in the middle',
  'lone \ud800 surrogate',
  'trail \udfff first',
  '',
  ' ',
  'x'.repeat(100_000),
  '0000-01-01T00:00:00Z',
  '0000-01-01',
  '-271821-04-19T00:00:00Z',
  '+275760-09-13T00:00:01Z',
  '9999-12-31T23:59:60Z',
  "' OR 1=1 --",
  '../../etc/passwd',
  '%ZZ',
  '\u202e\ufeff',
  '𝔊𝔯𝔢𝔢𝔫',
  -1,
  0,
  1e308,
  -1e308,
  2 ** 63,
  1.5,
  true,
  false,
  null,
  [],
  [null],
  {},
  { $gt: '' },
  { __proto__: { polluted: true } },
  DEEP,
  Array.from({ length: 2000 }, (_, i) => i),
];

/** Tampered pagination cursors: right keys with wrong values, wrong keys, not JSON at all. */
export const HOSTILE_CURSORS: string[] = [
  cursor({ t: '2020-01-01T00:00:00Z', id: 'x' }),
  cursor({ t: 'yesterday', id: '00000000-0000-4000-8000-000000000000' }),
  cursor({ t: '0000-01-01T00:00:00Z', id: '00000000-0000-4000-8000-000000000000' }),
  cursor({ id: 'x' }),
  cursor({ id: -1 }),
  cursor({ id: 1e300 }),
  cursor({ id: '1' }),
  cursor({ id: { a: 1 } }),
  cursor({ email: 5 }),
  cursor({ email: 'a\u0000b' }),
  cursor({ n: null, l: [], id: 'x' }),
  cursor({ t: 1, id: 2 }),
  cursor([1, 2]),
  cursor('string'),
  cursor(null),
  '!!!not-base64!!!',
  'e30',
];

/** Odd values for `:id` path parameters (URL-encoded where needed). */
export const HOSTILE_IDS: string[] = [
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '-1',
  '0',
  '99999999999999999999999',
  '1e309',
  '%00',
  '%ED%A0%80',
  '%ZZ',
  '..%2F..%2Fetc%2Fpasswd',
  'a'.repeat(101),
  'a'.repeat(5000),
  "1'%20OR%20'1'='1",
];

/** Sets `value` at `path` inside a copy of `body`. */
export function withValueAt(body: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: Record<string, unknown> = body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : {};
  copy[path[0]!] = withValueAt(copy[path[0]!], path.slice(1), value);
  return copy;
}

/** Paths of every property the schema names (nested objects included, arrays by their items). */
export function fieldPathsOf(s: JsonSchema, prefix: string[] = [], depth = 0): string[][] {
  if (depth > 4) return [];
  const alts = [s, ...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])];
  const out: string[][] = [];
  for (const alt of alts) {
    for (const [key, sub] of Object.entries(alt.properties ?? {})) {
      out.push([...prefix, key]);
      out.push(...fieldPathsOf(sub, [...prefix, key], depth + 1));
    }
  }
  const seen = new Set<string>();
  return out.filter((p) => !seen.has(p.join('.')) && seen.add(p.join('.')));
}

/** Whole bodies that are hostile in themselves. */
export const HOSTILE_BODIES: { payload: string; note: string }[] = [
  { payload: '', note: 'empty' },
  { payload: 'false', note: 'false' },
  { payload: '0', note: 'zero' },
  { payload: '""', note: 'empty string' },
  { payload: 'null', note: 'null' },
  { payload: '[]', note: 'array' },
  { payload: '{"\\u0000":1}', note: 'NUL key' },
  { payload: '{"a":"\\ud800"}', note: 'lone surrogate' },
  { payload: '{"__proto__":{"x":1}}', note: 'proto' },
  { payload: '['.repeat(5000) + ']'.repeat(5000), note: 'deep array' },
  { payload: '{"a":'.repeat(5000) + '1' + '}'.repeat(5000), note: 'deep object' },
  { payload: '{"a":1,"a":2}', note: 'duplicate key' },
  { payload: '1e999', note: 'infinity' },
];
