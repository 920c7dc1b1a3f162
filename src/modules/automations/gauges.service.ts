import { sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/** Automation runs in flight (active or waiting) and those whose next step is due now, all workspaces (operator metrics). */
export async function automationTimers(db: Db): Promise<{ waiting: number; due: number }> {
  // Both read the partial index automation_runs_due_idx (due_at, over active and waiting runs only).
  const [row] = await queryRowsOf<{ waiting: number; due: number }>(
    db,
    sql`select count(*)::int as waiting, (count(*) filter (where due_at <= clock_timestamp()))::int as due
        from automation_runs where state in ('active', 'waiting')`,
  );
  return { waiting: row?.waiting ?? 0, due: row?.due ?? 0 };
}
