// One contact's automation runs across automations (the inbox's contact panel: what is running for
// this person now, and what ran lately; the contact timeline: newest first, page by page).
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context.js';
import { assertContact } from '../contacts/index.js';
import { queryRowsOf } from '../sql.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import type { ContactRunOut } from './automations.schemas.js';

/** How a contact's runs are ordered: running ones first (the inbox panel), or newest enrolment first (the timeline). */
export type ContactRunOrder = 'running_first' | 'newest';

const RUNS_CURSOR = { running: 'int', id: 'int' } as const;

/**
 * A page of a contact's runs, each with its automation's name, keyset-paged (`limit`, `cursor`) in
 * one of two orders: unfinished first then newest, or newest enrolment first.
 */
export async function listContactRuns(ctx: Ctx, contactId: string, q: { order?: ContactRunOrder; limit?: number; cursor?: string } = {}): Promise<Page<ContactRunOut>> {
  await assertContact(ctx, contactId);
  const order = q.order ?? 'running_first';
  const limit = q.limit ?? 50;
  const after = decodeCursor(q.cursor, RUNS_CURSOR);
  // Newest order treats every run alike (running = 0), so one keyset shape serves both orders.
  const running = order === 'running_first' ? sql`(r.finished_at is null)::int` : sql`0::int`;
  const keyset = after ? sql`and (${running}, r.id) < (${after.running}::int, ${after.id}::bigint)` : sql``;
  // "order by 0" would name a column position: the newest order sorts by id alone.
  const orderBy = order === 'running_first' ? sql`(r.finished_at is null) desc, r.id desc` : sql`r.id desc`;
  const rows = await queryRowsOf<{ id: number; automation_id: string; automation_name: string; state: string; step_id: string | null; due_at: string | Date | null; enrolled_at: string | Date; finished_at: string | Date | null; running: number }>(
    ctx.db,
    sql`select r.id::int as id, r.automation_id, a.name as automation_name, r.state, r.step_id, r.due_at, r.enrolled_at, r.finished_at, ${running} as running
        from automation_runs r join automations a on a.id = r.automation_id
        where r.workspace_id = ${ctx.workspaceId} and r.contact_id = ${contactId}::uuid ${keyset}
        order by ${orderBy} limit ${limit + 1}`,
  );
  const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());
  return toPage(
    rows,
    limit,
    ({ running: _running, ...r }) => ({ ...r, due_at: iso(r.due_at), enrolled_at: iso(r.enrolled_at)!, finished_at: iso(r.finished_at) }),
    (r) => ({ running: Number(r.running), id: r.id }),
  );
}
