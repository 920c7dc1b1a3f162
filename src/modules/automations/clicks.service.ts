// Tracked links in automation messages: each run step's copy of a definition link is a signed
// redirect token (no token stored: every process derives the same signature from the master key),
// a click is recorded on the step's log row, bumps the person's engagement and wakes a run that
// waits for a click.
import { timingSafeEqual } from 'node:crypto';
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { noteClickEngagement } from '../engagement/index.js';
import { queryRowsOf } from '../sql.js';

/** What a run's sends need to render tracked links: where `/r/` is served and the signer. */
export interface LinkEnv {
  publicUrl: string;
  sign: (payload: string) => string;
}

// Why a distinct payload shape ("a<run>.<seq>.<n>", three parts) from broadcast tokens ("<recipient>.<n>",
// two parts): one signer serves both, and no broadcast signature can pass as an automation one.
const TOKEN = /^a([0-9a-z]{1,12})\.([0-9a-z]{1,6})\.(\d)\.([A-Za-z0-9_-]{16})$/;

/** The public URL of link `index` as sent by step `seq` of run `runId`. */
export function automationLinkUrl(env: LinkEnv, runId: number, seq: number, index: number): string {
  const payload = `a${runId.toString(36)}.${seq.toString(36)}.${index}`;
  return `${env.publicUrl}/r/${payload}.${env.sign(payload)}`;
}

/** Whether a `/r/` token has the shape of an automation link (then only `recordAutomationClick` can answer it). */
export function isAutomationLinkToken(token: string): boolean {
  return token.startsWith('a') && token.split('.').length === 4;
}

function parseToken(sign: (payload: string) => string, token: string): { runId: number; seq: number; index: number } | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const expected = Buffer.from(sign(`a${m[1]}.${m[2]}.${m[3]}`));
  const given = Buffer.from(m[4]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { runId: parseInt(m[1]!, 36), seq: parseInt(m[2]!, 36), index: Number(m[3]) };
}

/**
 * Records a click on an automation's tracked link and returns where to send the browser (null for
 * a forged token or a run that no longer exists): the first click on the step's log row, the
 * person's last click (engagement), and a run waiting for a click becomes due now.
 */
export async function recordAutomationClick(db: Db, sign: (payload: string) => string, token: string, now: Date): Promise<string | null> {
  const parsed = parseToken(sign, token);
  if (!parsed) return null;
  const at = now.toISOString();
  return db.transaction(async (tx) => {
    const [row] = await queryRowsOf<{ url: string | null; workspace_id: string; contact_id: string }>(
      tx,
      sql`with s as (
            update automation_step_runs set clicked_at = coalesce(clicked_at, ${at}::timestamptz)
            where run_id = ${parsed.runId} and seq = ${parsed.seq} returning run_id)
          select v.definition -> 'links' ->> ${parsed.index}::int as url, r.workspace_id, r.contact_id
          from s join automation_runs r on r.id = s.run_id join automation_versions v on v.automation_id = r.automation_id and v.version = r.version`,
    );
    if (!row?.url) return null;
    await tx.execute(sql`
      update automation_runs set waiting_for = 'clicked', due_at = ${at}::timestamptz, updated_at = ${at}::timestamptz,
        context = context || jsonb_build_object('last_click', jsonb_build_object('url', ${row.url}::text, 'at', ${at}::text))
      where id = ${parsed.runId} and waiting_for = 'click' and state in ('active', 'waiting')`);
    await noteClickEngagement(tx, row.workspace_id, row.contact_id, now);
    return row.url;
  });
}

/**
 * Which of these runs have a click on a link sent after step `afterSeq` (the step where their last
 * wait for a click ended, so a second wait is not passed by the click that ended the first). One
 * statement for a group.
 */
export async function runsWithNewClicks(db: Db, runs: { runId: number; afterSeq: number }[]): Promise<Set<number>> {
  if (runs.length === 0) return new Set();
  const rows = await queryRowsOf<{ run_id: number }>(
    db,
    sql`select distinct s.run_id::int as run_id from automation_step_runs s
        join unnest(${param(runs.map((r) => r.runId))}::bigint[], ${param(runs.map((r) => r.afterSeq))}::int[]) as x(run_id, after_seq) on x.run_id = s.run_id
        where s.clicked_at is not null and s.seq > x.after_seq`,
  );
  return new Set(rows.map((r) => r.run_id));
}
