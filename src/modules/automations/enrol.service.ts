// Enrolment: people enter an automation's published version as runs, in one statement.
import { param, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/** How an enrolment went: new runs, people left out (already in, or in the re-entry cool-down), unknown ids. */
export interface EnrollResult {
  enrolled: number;
  skipped: number;
  unknown: number;
}

/** Who enrols whom, on which version. `eventKey` names the trigger event (so a re-read event never enrols twice). */
export interface EnrollRequest {
  workspaceId: string;
  automationId: string;
  version: number;
  now: Date;
  source: Record<string, unknown>;
  eventKey?: string;
  /**
   * A recurring occasion (a birthday this year, an appointment): the person enters once per
   * occasion (`eventKey`), not once for ever, but never while a run of theirs is still going.
   */
  perOccasion?: boolean;
  /** A test run: again even after an earlier run (but never while one is going). */
  test?: boolean;
}

/**
 * Who to enrol: ids (with, for triggers, each one's event key: `keys[i]` names what enrolled
 * `ids[i]`, in place of `eventKey`), or a condition on contacts `c`.
 */
export type Enrollees = { ids: string[]; keys?: string[] } | { where: SQL };

/**
 * Inserts one run per person who is not already in the automation (or whose last enrolment is
 * older than the re-entry cool-down), set-based. Why the dedupe key: with no re-entry it is the
 * contact itself, so two enrolments racing (an API call and a trigger) still make one run. A person
 * named twice in one call (two events in one scan) is enrolled once, for the first key.
 */
export async function enrollContacts(db: Db, req: EnrollRequest, who: Enrollees): Promise<EnrollResult> {
  const [v] = await queryRowsOf<{ first: string; reentry: number | null }>(
    db,
    sql`select definition->'steps'->0->>'id' as first, (definition->>'reentry_days')::int as reentry from automation_versions where automation_id = ${req.automationId} and version = ${req.version}`,
  );
  if (!v) return { enrolled: 0, skipped: 0, unknown: 'ids' in who ? who.ids.length : 0 };
  const nowIso = sql`${req.now.toISOString()}::timestamptz`;
  const people =
    'ids' in who
      ? sql`select distinct on (c.id) c.id, x.key from unnest(${param(who.ids)}::uuid[], ${param(who.keys ?? who.ids.map(() => req.eventKey ?? null))}::text[]) with ordinality as x(id, key, n)
            join contacts c on c.id = x.id where c.workspace_id = ${req.workspaceId} order by c.id, x.n`
      : sql`select c.id, ${req.eventKey ?? null}::text as key from contacts c where c.workspace_id = ${req.workspaceId} and (${who.where})`;
  const keyed = 'ids' in who ? who.keys !== undefined || req.eventKey !== undefined : req.eventKey !== undefined;
  const dedupe = req.test
    ? sql`'t:' || ${String(req.now.getTime())}::text || ':' || c.id`
    : req.perOccasion
    ? sql`'o:' || coalesce(c.key, '') || ':' || c.id`
    : v.reentry === null
      ? sql`'c:' || c.id`
      : keyed
        ? sql`'e:' || c.key || ':' || c.id`
        : sql`'c:' || c.id || ':' || (select count(*) from automation_runs p where p.automation_id = ${req.automationId} and p.contact_id = c.id)`;
  const cooled = req.perOccasion || req.test ? sql`false` : v.reentry === null ? sql`true` : sql`p.enrolled_at > ${nowIso} - make_interval(days => ${v.reentry})`;
  const [r] = await queryRowsOf<{ matched: number; enrolled: number }>(
    db,
    sql`with m as (${people}),
        ins as (
          insert into automation_runs (workspace_id, automation_id, version, contact_id, state, step_id, seq, due_at, source, dedupe_key, enrolled_at, updated_at)
          select ${req.workspaceId}, ${req.automationId}, ${req.version}, c.id, 'active', ${v.first}, 0, ${nowIso}, ${JSON.stringify(req.source)}::jsonb || case when c.key is null then '{}'::jsonb else jsonb_build_object('key', c.key) end, ${dedupe}, ${nowIso}, ${nowIso}
          from m c
          where not exists (select 1 from automation_runs p where p.automation_id = ${req.automationId} and p.contact_id = c.id and (p.state in ('active', 'waiting') or ${cooled}))
          on conflict (automation_id, dedupe_key) do nothing
          returning 1)
        select (select count(*)::int from m) as matched, (select count(*)::int from ins) as enrolled`,
  );
  const matched = r?.matched ?? 0;
  const enrolled = r?.enrolled ?? 0;
  return { enrolled, skipped: matched - enrolled, unknown: 'ids' in who ? new Set(who.ids).size - matched : 0 };
}
