// The automation engine: claims due runs (SKIP LOCKED, a lease) and runs each one's steps until its
// next wait, committing the steps' effects, their log rows and the run's new position together.
import { sql } from 'drizzle-orm';
import { SYSTEM_ACTOR, type Ctx, type Db, type Log } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { gateVerdicts, marketingPolicyFrom, type MarketingPolicy } from '../sending/index.js';
import { MAX_STEPS_PER_GO, nextOf } from './automations.rules.js';
import type { DefinitionIn } from './automations.schemas.js';
import { runStep, type StepResult } from './steps.service.js';

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

/** What a run's steps need besides the run: the workspace's marketing policy and zone. */
export interface RunEnv {
  policy: MarketingPolicy;
  timezone: string | null;
}

/**
 * Claims up to `limit` due runs of published automations and advances each in its own transaction.
 * Returns how many were claimed. A run whose worker died keeps its lease until it passes, then any
 * worker takes it again; the `seq` check makes a second worker's late commit roll back.
 */
export async function runDueAutomations(deps: { db: Db; now: Date; log: Log }, limit = 200, leaseMs = 60_000): Promise<number> {
  const { db, now } = deps;
  const nowIso = now.toISOString();
  const runs = await queryRowsOf<ClaimedRun>(
    db,
    sql`update automation_runs r set locked_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz
        where r.id in (
          select r2.id from automation_runs r2 join automations a on a.id = r2.automation_id
          where r2.state in ('active', 'waiting') and r2.due_at <= ${nowIso}::timestamptz and a.status = 'published'
            and (r2.locked_until is null or r2.locked_until < ${nowIso}::timestamptz)
          order by r2.due_at limit ${limit} for update of r2 skip locked)
        returning r.id::int as id, r.workspace_id, r.automation_id, r.version, r.contact_id, r.step_id, r.seq`,
  );
  const versions = new Map<string, RunnableVersion>();
  const envs = new Map<string, RunEnv>();
  for (const run of runs) {
    const key = `${run.automation_id}:${run.version}`;
    if (!versions.has(key)) versions.set(key, await loadVersion(db, run.automation_id, run.version));
    if (!envs.has(run.workspace_id)) envs.set(run.workspace_id, await envOf(db, run.workspace_id));
    try {
      await db.transaction((tx) => advanceRun(tx, run, versions.get(key)!, envs.get(run.workspace_id)!, deps));
    } catch (err) {
      // The transaction rolled back: nothing of this go happened. The lease runs out and it is tried again.
      deps.log.warn({ err, run: run.id, automation: run.automation_id }, 'automation run step failed; will retry');
    }
  }
  return runs.length;
}

async function loadVersion(db: Db, automationId: string, version: number): Promise<RunnableVersion> {
  const [v] = await queryRowsOf<{ definition: RunnableVersion['definition']; topic_id: string | null; number_id: string | null }>(
    db,
    sql`select definition, topic_id, number_id from automation_versions where automation_id = ${automationId} and version = ${version}`,
  );
  return { definition: v!.definition, topicId: v!.topic_id, numberId: v!.number_id };
}

async function envOf(db: Db, workspaceId: string): Promise<RunEnv> {
  const settings = (await getWorkspaceSettings(db, workspaceId)) as { broadcasts?: Record<string, unknown>; timezone?: string };
  return { policy: marketingPolicyFrom(settings.broadcasts), timezone: settings.timezone ?? null };
}

/** Runs one run's steps from where it is until a wait, a deferral, the end or an exit. */
async function advanceRun(tx: Db, claimed: ClaimedRun, v: RunnableVersion, env: RunEnv, deps: { now: Date; log: Log }): Promise<void> {
  // Why the check under a row lock: a worker whose lease ran out may still be here; only the one
  // that finds the position it claimed may move the run on (the other commits nothing). What the
  // run waits for and remembers is read here too: the trigger scan may have marked a reply since.
  const [current] = await queryRowsOf<{ seq: number; state: string; waiting_for: string | null; context: Record<string, unknown> }>(
    tx,
    sql`select seq, state, waiting_for, context from automation_runs where id = ${claimed.id} for update`,
  );
  if (!current || current.seq !== claimed.seq || !['active', 'waiting'].includes(current.state)) return;
  const ctx: Ctx = { db: tx, workspaceId: claimed.workspace_id, actor: SYSTEM_ACTOR, now: deps.now, log: deps.log };
  // Exit on STOP or a withdrawal of the automation's topic, whatever the next step is (not only before a send).
  const refusal = await refusalOf(tx, claimed, v);
  if (refusal) return finish(tx, claimed.id, claimed.seq, deps.now, 'exited', refusal);
  const steps = v.definition.steps;
  const index = new Map(steps.map((s, i) => [s.id, i]));
  let stepId = claimed.step_id;
  let seq = claimed.seq;
  // Only the step the run woke on sees what it waited for; every later step starts fresh.
  let waitingFor = current.waiting_for;
  const context = { ...current.context };
  for (let n = 0; n < MAX_STEPS_PER_GO; n++) {
    const i = stepId === null ? undefined : index.get(stepId);
    if (i === undefined) return finish(tx, claimed.id, seq, deps.now, 'completed', null);
    seq += 1;
    const r: StepResult = await runStep(ctx, { run: claimed, seq, step: steps[i]!, nextId: nextOf(steps, i), version: v, env, waitingFor, context });
    waitingFor = null;
    if (r.context) Object.assign(context, r.context);
    await logStep(tx, claimed, seq, stepId!, r, deps.now);
    if (r.kind === 'exit') return finish(tx, claimed.id, seq, deps.now, 'exited', r.reason);
    if (r.kind === 'fail') return finish(tx, claimed.id, seq, deps.now, 'failed', r.reason);
    if (r.kind === 'defer') return park(tx, { id: claimed.id, seq, stepId, until: r.until, now: deps.now, reason: r.reason, context });
    if (r.kind === 'wait') return park(tx, { id: claimed.id, seq, stepId: r.stay ? stepId : nextOf(steps, i), until: r.until, now: deps.now, reason: null, context, waitingFor: r.waitingFor ?? null });
    const next = r.kind === 'branch' ? r.to : nextOf(steps, i);
    if (steps[i]!.type === 'end') return finish(tx, claimed.id, seq, deps.now, 'completed', null);
    stepId = next;
  }
  // Many steps without a wait (the graph check forbids loops without one): let other runs go first.
  await park(tx, { id: claimed.id, seq, stepId, until: deps.now, now: deps.now, reason: null, context, state: 'active' });
}

/** Why this person may no longer be in the automation (consent for its topic, suppression), or null. */
async function refusalOf(tx: Db, run: ClaimedRun, v: RunnableVersion): Promise<string | null> {
  if (!v.topicId) return 'the topic was deleted';
  const verdict = (await gateVerdicts(tx, { workspaceId: run.workspace_id, topicId: v.topicId, marketing: false, contactIds: [run.contact_id], policy: { quietHours: null, frequencyCap: null }, now: new Date() })).get(run.contact_id);
  return verdict?.kind === 'skip' && verdict.reason !== 'unreachable' ? verdict.reason : null;
}

async function logStep(tx: Db, run: ClaimedRun, seq: number, stepId: string, r: StepResult, now: Date): Promise<void> {
  await tx.execute(sql`insert into automation_step_runs (run_id, seq, workspace_id, automation_id, step_id, outcome, reason, outbox_key, at)
                       values (${run.id}, ${seq}, ${run.workspace_id}, ${run.automation_id}, ${stepId}, ${r.outcome}, ${r.reason ?? null}, ${r.outboxKey ?? null}, ${now.toISOString()}::timestamptz)`);
}

async function finish(tx: Db, id: number, seq: number, now: Date, state: 'completed' | 'exited' | 'failed', reason: string | null): Promise<void> {
  await tx.execute(sql`update automation_runs set state = ${state}, reason = ${reason}, seq = ${seq}, step_id = null, due_at = null, locked_until = null, waiting_for = null,
                         finished_at = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz where id = ${id}`);
}

/** Where a run stops until its timer: the step, when, why, and whether it waits for a reply. */
interface Parking {
  id: number;
  seq: number;
  stepId: string | null;
  until: Date;
  now: Date;
  reason: string | null;
  context: Record<string, unknown>;
  waitingFor?: 'reply' | null;
  state?: 'waiting' | 'active';
}

async function park(tx: Db, p: Parking): Promise<void> {
  if (p.stepId === null) return finish(tx, p.id, p.seq, p.now, 'completed', null);
  // Why the database clock for `waiting_since`: replies are matched against their own (database)
  // creation time, so a message that came before the run began to wait never counts as its answer.
  const since = p.waitingFor === 'reply' ? sql`jsonb_build_object('waiting_since', now())` : sql`'{}'::jsonb`;
  await tx.execute(sql`update automation_runs set state = ${p.state ?? 'waiting'}, reason = ${p.reason}, seq = ${p.seq}, step_id = ${p.stepId}, due_at = ${p.until.toISOString()}::timestamptz,
                         waiting_for = ${p.waitingFor ?? null}, context = ${JSON.stringify(p.context)}::jsonb || ${since},
                         locked_until = null, updated_at = ${p.now.toISOString()}::timestamptz where id = ${p.id}`);
}
