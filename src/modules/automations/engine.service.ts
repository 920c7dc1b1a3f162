// The automation engine: claims due runs (SKIP LOCKED, in one transaction) and moves them through
// their steps until their next wait (lockstep.service), committing the steps' effects, their log
// rows and the runs' new positions together.
import { emitEventRows } from '../hooks/index.js';
import { contactCardSql } from '../contacts/index.js';
import { param, sql } from 'drizzle-orm';
import { type Db, type Log } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { gateVerdicts, marketingPolicyFrom, type MarketingPolicy } from '../sending/index.js';
import type { DefinitionIn } from './automations.schemas.js';
import { advanceInLockstep, type RunEnd, type StepLog } from './lockstep.service.js';
import type { LinkEnv } from './clicks.service.js';

/** A claimed run. */
export interface ClaimedRun {
  id: number;
  workspace_id: string;
  automation_id: string;
  version: number;
  contact_id: string;
  step_id: string | null;
  seq: number;
}

/** A published version as the engine runs it. */
export interface RunnableVersion {
  definition: DefinitionIn & { resolved: { topic_category: string; categories: Record<string, string> } };
  topicId: string | null;
  numberId: string | null;
}

/** What a run's steps need besides the run: the workspace's marketing policy and zone, and how to render tracked links. */
export interface RunEnv {
  policy: MarketingPolicy;
  timezone: string | null;
  /** Absent (tests, tools): links go out as they are, untracked. */
  links: LinkEnv | undefined;
}

/** On PGlite one transaction holds the only connection: smaller batches keep webhook acks waiting less. */
export const AUTOMATION_BATCH = { postgres: 1000, pglite: 100 } as const;

/**
 * Claims up to `limit` due runs of published automations and advances them in one transaction:
 * the runs stay locked (SKIP LOCKED: other workers take others), each run's steps run in a
 * savepoint (a step that throws fails that run, with the reason, not the batch), and the step log
 * rows and the runs' new states are written in one statement each. A crash rolls the whole batch
 * back: no step's effect commits without its log row and the run's new position, so each step
 * runs once. Returns how many runs were claimed.
 */
export async function runDueAutomations(deps: { db: Db; now: Date; log: Log; links?: LinkEnv | undefined }, limit: number = AUTOMATION_BATCH.postgres): Promise<number> {
  const { now } = deps;
  return deps.db.transaction(async (tx) => {
    const runs = await queryRowsOf<ClaimedRun & { waiting_for: string | null; context: Record<string, unknown> }>(
      tx,
      sql`select r.id::int as id, r.workspace_id, r.automation_id, r.version, r.contact_id, r.step_id, r.seq, r.waiting_for, r.context
          from automation_runs r join automations a on a.id = r.automation_id
          where r.state in ('active', 'waiting') and r.due_at <= ${now.toISOString()}::timestamptz and a.status = 'published'
          order by r.due_at limit ${limit} for update of r skip locked`,
    );
    if (runs.length === 0) return 0;
    const versions = new Map<string, RunnableVersion>();
    const envs = new Map<string, RunEnv>();
    for (const run of runs) {
      const key = `${run.automation_id}:${run.version}`;
      if (!versions.has(key)) versions.set(key, await loadVersion(tx, run.automation_id, run.version));
      if (!envs.has(run.workspace_id)) envs.set(run.workspace_id, { ...(await envOf(tx, run.workspace_id)), links: deps.links });
    }
    const refusals = await refusalsOf(tx, runs, versions);
    const { logs, ends } = await advanceInLockstep(
      tx,
      runs.map((run) => ({ run, v: versions.get(`${run.automation_id}:${run.version}`)!, env: envs.get(run.workspace_id)!, refusal: refusals.get(run.id) ?? null })),
      deps,
    );
    await writeLogs(tx, logs, now);
    await writeEnds(tx, ends, now);
    return runs.length;
  });
}

async function loadVersion(db: Db, automationId: string, version: number): Promise<RunnableVersion> {
  const [v] = await queryRowsOf<{ definition: RunnableVersion['definition']; topic_id: string | null; number_id: string | null }>(
    db,
    sql`select definition, topic_id, number_id from automation_versions where automation_id = ${automationId} and version = ${version}`,
  );
  return { definition: v!.definition, topicId: v!.topic_id, numberId: v!.number_id };
}

async function envOf(db: Db, workspaceId: string): Promise<Omit<RunEnv, 'links'>> {
  const settings = (await getWorkspaceSettings(db, workspaceId)) as { broadcasts?: Record<string, unknown>; timezone?: string };
  return { policy: marketingPolicyFrom(settings.broadcasts), timezone: settings.timezone ?? null };
}

/**
 * Why each run's person may no longer be in their automation (STOP, a withdrawal of its topic,
 * suppression): one gate query per workspace and topic for the whole batch.
 */
async function refusalsOf(tx: Db, runs: ClaimedRun[], versions: Map<string, RunnableVersion>): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const groups = new Map<string, { workspaceId: string; topicId: string; runs: ClaimedRun[] }>();
  for (const run of runs) {
    const topicId = versions.get(`${run.automation_id}:${run.version}`)!.topicId;
    if (!topicId) {
      out.set(run.id, 'the topic was deleted');
      continue;
    }
    const key = `${run.workspace_id}:${topicId}`;
    (groups.get(key) ?? groups.set(key, { workspaceId: run.workspace_id, topicId, runs: [] }).get(key)!).runs.push(run);
  }
  for (const g of groups.values()) {
    const verdicts = await gateVerdicts(tx, { workspaceId: g.workspaceId, topicId: g.topicId, marketing: false, contactIds: [...new Set(g.runs.map((r) => r.contact_id))], policy: { quietHours: null, frequencyCap: null }, now: new Date() });
    for (const run of g.runs) {
      const v = verdicts.get(run.contact_id);
      if (v?.kind === 'skip' && v.reason !== 'unreachable') out.set(run.id, v.reason);
    }
  }
  return out;
}

async function writeLogs(tx: Db, logs: StepLog[], now: Date): Promise<void> {
  if (logs.length === 0) return;
  const col = <K extends keyof StepLog>(k: K) => param(logs.map((l) => l[k]));
  await tx.execute(sql`insert into automation_step_runs (run_id, seq, workspace_id, automation_id, step_id, outcome, reason, outbox_key, at)
                       select x.run_id, x.seq, x.ws, x.aid, x.step_id, x.outcome, x.reason, x.outbox_key, ${now.toISOString()}::timestamptz
                       from unnest(${col('runId')}::bigint[], ${col('seq')}::int[], ${col('workspaceId')}::uuid[], ${col('automationId')}::uuid[], ${col('stepId')}::text[],
                                   ${col('outcome')}::text[], ${col('reason')}::text[], ${col('outboxKey')}::text[]) as x(run_id, seq, ws, aid, step_id, outcome, reason, outbox_key)`);
}

/**
 * The runs' new states in one statement. Why `waiting_since` is the database clock: replies are
 * matched against their own (database) creation time, so a message that came before the run began
 * to wait never counts as its answer.
 */
async function writeEnds(tx: Db, ends: RunEnd[], now: Date): Promise<void> {
  if (ends.length === 0) return;
  const nowIso = now.toISOString();
  await tx.execute(sql`
    update automation_runs r set state = x.state, seq = x.seq, step_id = x.step_id, due_at = x.due_at, reason = x.reason, waiting_for = x.waiting_for,
      context = case when x.waiting_for = 'reply' then x.context || jsonb_build_object('waiting_since', now()) else x.context end,
      finished_at = case when x.state in ('completed', 'exited', 'failed') then ${nowIso}::timestamptz end, locked_until = null, updated_at = ${nowIso}::timestamptz
    from unnest(${param(ends.map((e) => e.id))}::bigint[], ${param(ends.map((e) => e.state))}::text[], ${param(ends.map((e) => e.seq))}::int[], ${param(ends.map((e) => e.stepId))}::text[],
                ${param(ends.map((e) => e.dueAt?.toISOString() ?? null))}::timestamptz[], ${param(ends.map((e) => e.reason))}::text[], ${param(ends.map((e) => e.waitingFor))}::text[],
                ${param(ends.map((e) => JSON.stringify(e.context)))}::jsonb[]) as x(id, state, seq, step_id, due_at, reason, waiting_for, context)
    where r.id = x.id`);
  await emitRunsCompleted(tx, ends.filter((e) => e.state === 'completed').map((e) => e.id), now);
}

/** `automation.run.completed` for the runs that completed, per workspace, in the engine's transaction. */
async function emitRunsCompleted(tx: Db, ids: number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  const byWorkspace = await queryRowsOf<{ workspace_id: string; ids: string[] }>(tx, sql`select workspace_id, array_agg(id::text) as ids from automation_runs where id = any(${param(ids)}::bigint[]) group by workspace_id`);
  for (const w of byWorkspace) {
    await emitEventRows(
      tx,
      w.workspace_id,
      sql`select 'automation.run.completed'::text as type,
            jsonb_build_object('run_id', r.id::text, 'automation_id', r.automation_id, 'automation_name', a.name, 'version', r.version, 'contact_id', r.contact_id, 'occurred_at', ${now.toISOString()}::text)
            || ${contactCardSql(w.workspace_id, sql`r.contact_id`)} as data
          from automation_runs r join automations a on a.id = r.automation_id
          where r.id = any(${param(w.ids)}::bigint[])`,
      now,
    );
  }
}
