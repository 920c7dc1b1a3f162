// One contact's automation runs across automations (the inbox's contact panel: what is running for
// this person now, and what ran lately).
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context.js';
import { assertContact } from '../contacts/index.js';
import { queryRowsOf } from '../sql.js';
import type { ContactRunOut } from './automations.schemas.js';

/** A contact's runs, unfinished first then newest (at most 50), each with its automation's name. */
export async function listContactRuns(ctx: Ctx, contactId: string): Promise<ContactRunOut[]> {
  await assertContact(ctx, contactId);
  const rows = await queryRowsOf<{ id: number; automation_id: string; automation_name: string; state: string; step_id: string | null; due_at: string | Date | null; enrolled_at: string | Date; finished_at: string | Date | null }>(
    ctx.db,
    sql`select r.id::int as id, r.automation_id, a.name as automation_name, r.state, r.step_id, r.due_at, r.enrolled_at, r.finished_at
        from automation_runs r join automations a on a.id = r.automation_id
        where r.workspace_id = ${ctx.workspaceId} and r.contact_id = ${contactId}::uuid
        order by (r.finished_at is null) desc, r.id desc limit 50`,
  );
  const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());
  return rows.map((r) => ({ ...r, due_at: iso(r.due_at), enrolled_at: iso(r.enrolled_at)!, finished_at: iso(r.finished_at) }));
}
