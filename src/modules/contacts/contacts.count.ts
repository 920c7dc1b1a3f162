// How many contacts a list filter matches: exact up to a cap, PostgreSQL's estimate above it.
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { filterConditions } from './contacts.crud.js';
import { contactFilter, type ContactCountOut, type ContactFilter } from './contacts.schemas.js';
import { contacts } from './contacts.tables.js';

/** Up to this many matches the count is exact; beyond it, an estimate (`exact: false`). */
export const EXACT_COUNT_UP_TO = 100_000;

/**
 * Counts the workspace's contacts matching `filter` (the list's filters). Why capped: `count(*)`
 * visits every matching row (PGlite has one connection, so a 1 M-row count would hold up every
 * other request); counting at most EXACT_COUNT_UP_TO + 1 rows bounds the cost. Past the cap the
 * answer is the planner's row estimate for the same condition, never below the cap. `upTo` is
 * the cap (tests lower it).
 */
export async function countContacts(ctx: Ctx, filter: ContactFilter, upTo = EXACT_COUNT_UP_TO): Promise<ContactCountOut> {
  const where = filterConditions(ctx.workspaceId, contactFilter.parse(filter));
  const [row] = await queryRowsOf<{ n: number }>(ctx.db, sql`select count(*)::int as n from (select 1 from ${contacts} where ${where} limit ${upTo + 1}) m`);
  const n = row?.n ?? 0;
  if (n <= upTo) return { count: n, exact: true };
  const [plan] = await queryRowsOf<{ 'QUERY PLAN': unknown }>(ctx.db, sql`explain (format json) select 1 from ${contacts} where ${where}`);
  return { count: Math.max(upTo + 1, planRows(plan?.['QUERY PLAN'])), exact: false };
}

// EXPLAIN's JSON comes back parsed (PGlite, node-postgres) or as text, depending on the driver.
function planRows(plan: unknown): number {
  const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as [{ Plan: { 'Plan Rows': number } }] | undefined;
  return Math.round(parsed?.[0]?.Plan?.['Plan Rows'] ?? 0);
}
