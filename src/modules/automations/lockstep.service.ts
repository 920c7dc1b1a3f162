// The lockstep executor: moves a claimed batch of runs through their steps, one step at a time for
// every run at it (set-based), with a savepoint per group and run-by-run retries on failure.
import { isAppError } from '../../lib/errors.js';
import { SYSTEM_ACTOR, type Ctx, type Db, type Log } from '../context.js';
import { MAX_STEPS_PER_GO, nextOf } from './automations.rules.js';
import type { StepIn } from './automations.schemas.js';
import type { ClaimedRun, RunEnv, RunnableVersion } from './engine.service.js';
import { isSetBased, runSteps, type StepInput, type StepResult } from './steps.service.js';

/** A step's log row, written with the rest of the batch. */
export interface StepLog {
  runId: number;
  seq: number;
  workspaceId: string;
  automationId: string;
  stepId: string;
  outcome: string;
  reason: string | null;
  outboxKey: string | null;
}

/** Where a run ends up after its go: its new state, position, timer and memory. */
export interface RunEnd {
  id: number;
  seq: number;
  state: 'active' | 'waiting' | 'completed' | 'exited' | 'failed';
  stepId: string | null;
  dueAt: Date | null;
  reason: string | null;
  waitingFor: 'reply' | 'event' | 'click' | null;
  context: Record<string, unknown>;
}

type Claimed = ClaimedRun & { waiting_for: string | null; context: Record<string, unknown> };

/** A run on its way through this go: where it is, what it remembers, what it did. */
interface Moving {
  run: Claimed;
  v: RunnableVersion;
  env: RunEnv;
  seq: number;
  stepId: string | null;
  /** What the run waited for; only the step it woke on sees it, every later step starts fresh. */
  waitingFor: string | null;
  context: Record<string, unknown>;
}

/**
 * Moves every claimed run from where it is until a wait, a deferral, the end or an exit, in
 * lockstep: each round groups the runs by automation version and step, and runs each group's step
 * once for the whole group (set-based steps in a few statements; see steps.service). Why a group
 * runs in a savepoint: a step that throws rolls back only that group's step, which is then retried
 * run by run, each in its own savepoint, so only the run whose step fails is failed (with the
 * reason) and the others go on; steps already done this go stay done, with their log rows.
 */
export async function advanceInLockstep(
  tx: Db,
  claimed: { run: Claimed; v: RunnableVersion; env: RunEnv; refusal: string | null }[],
  deps: { now: Date; log: Log },
): Promise<{ logs: StepLog[]; ends: RunEnd[] }> {
  const logs: StepLog[] = [];
  const ends: RunEnd[] = [];
  const endOf = (m: Moving, e: Partial<RunEnd> & Pick<RunEnd, 'state'>): RunEnd => ({ id: m.run.id, seq: m.seq, stepId: null, dueAt: null, reason: null, waitingFor: null, context: m.context, ...e });
  let moving: Moving[] = [];
  for (const c of claimed) {
    const m: Moving = { run: c.run, v: c.v, env: c.env, seq: c.run.seq, stepId: c.run.step_id, waitingFor: c.run.waiting_for, context: { ...c.run.context } };
    // Exit on STOP or a withdrawal of the automation's topic, whatever the next step is (not only before a send).
    if (c.refusal) ends.push(endOf(m, { state: 'exited', reason: c.refusal }));
    else moving.push(m);
  }
  for (let n = 0; n < MAX_STEPS_PER_GO && moving.length > 0; n++) {
    const still: Moving[] = [];
    for (const group of groupByStep(moving)) {
      const steps = group[0]!.v.definition.steps;
      const i = steps.findIndex((s) => s.id === group[0]!.stepId);
      if (i < 0) {
        for (const m of group) ends.push(endOf(m, { state: 'completed' }));
        continue;
      }
      for (const m of group) m.seq += 1;
      const results = await runGroup(tx, group, steps[i]!, nextOf(steps, i), deps);
      group.forEach((m, k) => {
        const r = results[k]!;
        m.waitingFor = null;
        if (r instanceof Error) {
          deps.log.warn({ err: r, run: m.run.id, automation: m.run.automation_id }, 'automation step failed');
          const reason = failureOf(r);
          logs.push(logOf(m, { outcome: 'failed', reason }));
          return ends.push(endOf(m, { state: 'failed', reason }));
        }
        if (r.context) Object.assign(m.context, r.context);
        logs.push(logOf(m, { outcome: r.outcome, reason: r.reason ?? null, outboxKey: r.outboxKey ?? null }));
        const to = whereTo(m, r, steps, i);
        if (to.end) return ends.push(endOf(m, to.end));
        m.stepId = to.next;
        still.push(m);
      });
    }
    moving = still;
  }
  // Many steps without a wait (the graph check forbids loops without one): let other runs go first.
  for (const m of moving) ends.push(endOf(m, { state: 'active', stepId: m.stepId, dueAt: deps.now }));
  return { logs, ends };
}

/** The runs grouped by automation version and the step they are at. */
function groupByStep(moving: Moving[]): Moving[][] {
  const groups = new Map<string, Moving[]>();
  for (const m of moving) {
    const key = `${m.run.automation_id}:${m.run.version}:${m.stepId}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(m);
  }
  return [...groups.values()];
}

/** A step log row for a run at its current step. */
function logOf(m: Moving, r: { outcome: string; reason: string | null; outboxKey?: string | null }): StepLog {
  return { runId: m.run.id, seq: m.seq, workspaceId: m.run.workspace_id, automationId: m.run.automation_id, stepId: m.stepId!, outcome: r.outcome, reason: r.reason, outboxKey: r.outboxKey ?? null };
}

/** Where a run goes after a step's result: on to a step, or to an end of this go (a wait, a deferral, an exit, the end). */
function whereTo(m: Moving, r: StepResult, steps: RunnableVersion['definition']['steps'], i: number): { next: string; end?: undefined } | { end: Partial<RunEnd> & Pick<RunEnd, 'state'> } {
  if (r.kind === 'exit') return { end: { state: 'exited', reason: r.reason } };
  if (r.kind === 'fail') return { end: { state: 'failed', reason: r.reason } };
  if (r.kind === 'defer') return { end: { state: 'waiting', stepId: m.stepId, dueAt: r.until, reason: r.reason } };
  if (r.kind === 'wait') {
    const to = r.stay ? m.stepId : nextOf(steps, i);
    return { end: to === null ? { state: 'completed' } : { state: 'waiting', stepId: to, dueAt: r.until, waitingFor: r.waitingFor ?? null } };
  }
  const next = r.kind === 'branch' ? r.to : nextOf(steps, i);
  if (steps[i]!.type === 'end' || next === null) return { end: { state: 'completed' } };
  return { next };
}

/**
 * One step for a group of runs: set-based in one savepoint; if that throws (or the step runs run
 * by run anyway), each run in its own savepoint, so a failure is that run's alone.
 */
async function runGroup(tx: Db, group: Moving[], step: StepIn, nextId: string | null, deps: { now: Date; log: Log }): Promise<(StepResult | Error)[]> {
  const first = group[0]!.run;
  const ctx = (db: Db): Ctx => ({ db, workspaceId: first.workspace_id, actor: SYSTEM_ACTOR, now: deps.now, log: deps.log });
  const inputOf = (m: Moving): StepInput => ({ run: m.run, seq: m.seq, step, nextId, version: m.v, env: m.env, waitingFor: m.waitingFor, context: m.context });
  if (isSetBased(step.type) && group.length > 1) {
    try {
      return await tx.transaction((sp) => runSteps(ctx(sp), group.map(inputOf)));
    } catch (err) {
      deps.log.debug({ err, automation: first.automation_id, step: step.id }, 'automation step failed for a group; retrying run by run');
    }
  }
  const out: (StepResult | Error)[] = [];
  for (const m of group) {
    try {
      out.push((await tx.transaction((sp) => runSteps(ctx(sp), [inputOf(m)])))[0]!);
    } catch (err) {
      out.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  return out;
}

/** A failure's reason for the run: the error code and message, never a stack or a secret. */
function failureOf(err: unknown): string {
  if (isAppError(err)) return `${err.code}: ${err.message}`.slice(0, 500);
  return 'internal error (see the server log)';
}
