// Scalar conditions of the segment language: a column (text, number, boolean, timestamp, tags,
// a date attribute) against an operator, and what such a condition says about a contact that has
// no row in a side table. Pure: no I/O; every client value is a bind parameter.
import { param, sql, type SQL } from 'drizzle-orm';
import { addDays, anniversaryKeys, localMidnight } from './segment-dates.js';
import { nn } from './segment-sql-sets.js';
import { rulesError, type CondValue, type ValueType } from './segments.rules.js';

/** The clock a condition is compiled against: the workspace zone, now, and today's date there. */
export interface DateEnv {
  zone: string;
  now: Date;
  today: string;
}

/**
 * Whether a scalar condition holds for a contact without an engagement row (its value is
 * `missing`: NULL for times and rates, 0 for counts). Mirrors compileScalar's NULL rules.
 */
export function holdsForMissing(missing: number | null, type: ValueType, op: string, value: CondValue): boolean {
  if (op === 'exists') return missing !== null;
  if (op === 'not_exists') return missing === null;
  if (op === 'neq') return missing === null || missing !== value;
  if (op === 'not_in') return missing === null || !(value as number[]).includes(missing);
  if (op === 'not_in_last_days') return missing === null;
  if (missing === null || type !== 'number') return false;
  const v = value as number;
  switch (op) {
    case 'eq':
      return missing === v;
    case 'in':
      return (value as number[]).includes(missing);
    case 'gt':
      return missing > v;
    case 'gte':
      return missing >= v;
    case 'lt':
      return missing < v;
    case 'lte':
      return missing <= v;
    case 'between':
      return missing >= (value as number[])[0]! && missing <= (value as number[])[1]!;
  }
  return false;
}

/** Whether a text condition holds for the stage a contact without a lifecycle row has ('new'). Mirrors compileScalar. */
export function holdsForMissingText(missing: string, op: string, value: CondValue): boolean {
  const v = typeof value === 'string' ? value.toLowerCase() : '';
  switch (op) {
    case 'exists':
      return true;
    case 'neq':
      return missing !== value;
    case 'eq':
      return missing === value;
    case 'in':
      return (value as string[]).includes(missing);
    case 'not_in':
      return !(value as string[]).includes(missing);
    case 'contains':
      return missing.toLowerCase().includes(v);
    case 'starts_with':
      return missing.toLowerCase().startsWith(v);
  }
  return false;
}

export function tagPredicate(col: SQL, op: string, value: CondValue): SQL {
  switch (op) {
    case 'contains':
      return sql`${col} @> array[${value as string}]::text[]`;
    case 'not_contains':
      return sql`not (${col} @> array[${value as string}]::text[])`;
    case 'contains_any':
      return sql`${col} && ${param(value as string[])}::text[]`;
    case 'contains_all':
      return sql`${col} @> ${param(value as string[])}::text[]`;
    case 'exists':
      return sql`cardinality(${col}) > 0`;
    default:
      return sql`cardinality(${col}) = 0`;
  }
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/** A scalar column (text, number, boolean, timestamp) against an operator. */
export function compileScalar(col: SQL, type: ValueType, op: string, value: CondValue, env: DateEnv): SQL {
  if (op === 'exists') return nn(sql`(${col} is not null)`);
  if (op === 'not_exists') return nn(sql`(${col} is null)`);
  if (type === 'timestamp') return compileTimestamp(col, op, value, env);
  const cast = type === 'number' ? sql`::numeric` : type === 'boolean' ? sql`::boolean` : sql`::text`;
  const arrCast = type === 'number' ? sql`::numeric[]` : sql`::text[]`;
  switch (op) {
    case 'eq':
      return sql`${col} = ${value}${cast}`;
    case 'neq':
      return sql`${col} is distinct from ${value}${cast}`;
    case 'in':
      return sql`${col} = any(${param(value)}${arrCast})`;
    case 'not_in':
      return sql`(${col} is null or ${col} <> all(${param(value)}${arrCast}))`;
    case 'contains':
      return sql`${col} ilike ${`%${escapeLike(value as string)}%`}`;
    case 'starts_with':
      return sql`${col} ilike ${`${escapeLike(value as string)}%`}`;
    case 'gt':
      return sql`${col} > ${value}::numeric`;
    case 'gte':
      return sql`${col} >= ${value}::numeric`;
    case 'lt':
      return sql`${col} < ${value}::numeric`;
    case 'lte':
      return sql`${col} <= ${value}::numeric`;
    case 'between': {
      const [lo, hi] = value as [number, number];
      return sql`${col} between ${lo}::numeric and ${hi}::numeric`;
    }
  }
  throw rulesError('rules', `operator ${op} is not supported here`);
}

/** The instant a date (local midnight) or timestamp value stands for. */
function instantOf(v: string, env: DateEnv): Date {
  return v.length === 10 ? localMidnight(v, env.zone) : new Date(v);
}

function compileTimestamp(col: SQL, op: string, value: CondValue, env: DateEnv): SQL {
  const ts = (d: Date): SQL => sql`${d.toISOString()}::timestamptz`;
  switch (op) {
    case 'before':
      return sql`${col} < ${ts(instantOf(value as string, env))}`;
    case 'after': {
      const v = value as string;
      // "after 2026-03-01" means from the next local day on; after a timestamp means later than it.
      return v.length === 10 ? sql`${col} >= ${ts(localMidnight(addDays(v, 1), env.zone))}` : sql`${col} > ${ts(new Date(v))}`;
    }
    case 'between': {
      const [lo, hi] = value as [string, string];
      const end = hi.length === 10 ? sql`${col} < ${ts(localMidnight(addDays(hi, 1), env.zone))}` : sql`${col} <= ${ts(new Date(hi))}`;
      return sql`(${col} >= ${ts(instantOf(lo, env))} and ${end})`;
    }
    case 'in_last_days':
      return sql`${col} >= ${ts(localMidnight(addDays(env.today, 1 - (value as number)), env.zone))}`;
    case 'not_in_last_days':
      return sql`(${col} is null or ${col} < ${ts(localMidnight(addDays(env.today, 1 - (value as number)), env.zone))})`;
    case 'in_next_days':
      return sql`(${col} >= ${ts(env.now)} and ${col} < ${ts(localMidnight(addDays(env.today, value as number), env.zone))})`;
    case 'anniversary_within_days':
      return sql`to_char(${col} at time zone ${env.zone}, 'MM-DD') = any(${param(anniversaryKeys(env.today, value as number))}::text[])`;
  }
  throw rulesError('rules', `operator ${op} is not supported for timestamps`);
}

/** Date attributes are 'YYYY-MM-DD' strings, so calendar comparisons are string comparisons. */
export function compileDateAttribute(raw: SQL, op: string, value: CondValue, env: DateEnv): SQL {
  const d = (v: string): SQL => sql`${v.slice(0, 10)}::text`;
  switch (op) {
    case 'before':
      return sql`${raw} < ${d(value as string)}`;
    case 'after':
      return sql`${raw} > ${d(value as string)}`;
    case 'between': {
      const [lo, hi] = value as [string, string];
      return sql`${raw} between ${d(lo)} and ${d(hi)}`;
    }
    case 'in_last_days':
      return sql`${raw} between ${addDays(env.today, 1 - (value as number))}::text and ${env.today}::text`;
    case 'not_in_last_days':
      return sql`(${raw} is null or ${raw} < ${addDays(env.today, 1 - (value as number))}::text or ${raw} > ${env.today}::text)`;
    case 'in_next_days':
      return sql`${raw} between ${env.today}::text and ${addDays(env.today, (value as number) - 1)}::text`;
    case 'anniversary_within_days':
      return sql`substr(${raw}, 6, 5) = any(${param(anniversaryKeys(env.today, value as number))}::text[])`;
  }
  throw rulesError('rules', `operator ${op} is not supported for dates`);
}
