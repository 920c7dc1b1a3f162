// What each kind of step does for one run. Sends pass the send gate (consent for the automation's
// topic, suppression, reachability, and for marketing quiet hours and the frequency cap) and then
// go out through the outbox (one dedupe key per run step: queued once however often this is retried),
// which books the number's shared pacing schedule and respects the messaging limit.
import { sql } from 'drizzle-orm';
import { isAppError } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import { bulkTag, getContact, setContactAttribute, type ContactOut } from '../contacts/index.js';
import { enqueueAutomated, getServiceWindow, type OutboundMessage } from '../messaging/index.js';
import { resolveAudience } from '../segments/index.js';
import { gateVerdicts } from '../sending/index.js';
import { queryRowsOf } from '../sql.js';
import { compileTemplate, findSendableTemplate, templateDefOf, type VariableMap } from '../templates/index.js';
import { durationMs } from './automations.rules.js';
import type { StepIn } from './automations.schemas.js';
import type { ClaimedRun, RunEnv, RunnableVersion } from './engine.service.js';

/** What a step did, and where the run goes. */
export type StepResult =
  | { kind: 'next'; outcome: 'sent' | 'skipped' | 'done'; reason?: string; outboxKey?: string }
  | { kind: 'branch'; to: string; outcome: 'then' | 'else'; reason?: undefined; outboxKey?: undefined }
  | { kind: 'wait'; until: Date; outcome: 'waited'; reason?: string; outboxKey?: undefined }
  | { kind: 'defer'; until: Date; outcome: 'deferred'; reason: string; outboxKey?: undefined }
  | { kind: 'exit'; outcome: 'exited'; reason: string; outboxKey?: undefined }
  | { kind: 'fail'; outcome: 'failed'; reason: string; outboxKey?: undefined };

/** One step of one run, in the run's transaction. */
export interface StepInput {
  run: ClaimedRun;
  seq: number;
  step: StepIn;
  version: RunnableVersion;
  env: RunEnv;
}

/** Runs one step. */
export async function runStep(ctx: Ctx, s: StepInput): Promise<StepResult> {
  const { step } = s;
  switch (step.type) {
    case 'send_template':
    case 'send_message':
      return sendStep(ctx, s, step);
    case 'wait':
      return { kind: 'wait', outcome: 'waited', until: await waitUntil(ctx, s.run.contact_id, step, s.env) };
    case 'branch': {
      const audience = await resolveAudience(ctx, step.rules);
      const [r] = await queryRowsOf<{ hit: boolean }>(ctx.db, sql`select exists (select 1 from contacts c where c.id = ${s.run.contact_id} and c.workspace_id = ${ctx.workspaceId} and (${audience.where})) as hit`);
      return r?.hit ? { kind: 'branch', to: step.then, outcome: 'then' } : { kind: 'branch', to: step.else, outcome: 'else' };
    }
    case 'tag':
      await bulkTag(ctx, { contact_ids: [s.run.contact_id], add: step.add ?? [], remove: step.remove ?? [] });
      return { kind: 'next', outcome: 'done' };
    case 'set_attribute':
      await setContactAttribute(ctx.db, ctx.workspaceId, s.run.contact_id, step.key, step.value, ctx.now);
      return { kind: 'next', outcome: 'done' };
    case 'end':
      return { kind: 'next', outcome: 'done' };
  }
}

type SendStep = Extract<StepIn, { type: 'send_template' | 'send_message' }>;

/** Checks the gate, renders, and queues the message (or says why not). */
async function sendStep(ctx: Ctx, s: StepInput, step: SendStep): Promise<StepResult> {
  const { version: v, run } = s;
  const category = v.definition.resolved.categories[step.id];
  // A template's category decides; a free-form message is marketing when the topic is.
  const marketing = step.type === 'send_template' ? category === 'MARKETING' : v.definition.resolved.topic_category === 'marketing';
  if (!v.topicId || !v.numberId) return { kind: 'exit', outcome: 'exited', reason: !v.topicId ? 'the topic was deleted' : 'the business number was disconnected' };
  const verdicts = await gateVerdicts(ctx.db, { workspaceId: ctx.workspaceId, topicId: v.topicId, marketing, contactIds: [run.contact_id], policy: s.env.policy, now: ctx.now, fallbackTimezone: s.env.timezone });
  const verdict = verdicts.get(run.contact_id)!;
  // Why exit: a STOP or a withdrawal of the automation's topic ends the run, not just this step.
  if (verdict.kind === 'skip') return { kind: 'exit', outcome: 'exited', reason: verdict.reason };
  if (verdict.kind === 'defer') return { kind: 'defer', outcome: 'deferred', until: verdict.until, reason: verdict.reason };
  const contact = await getContact(ctx, run.contact_id);
  const waId = contact.wa_id ?? (contact.phone ? contact.phone.slice(1) : contact.user_id!);
  let message: OutboundMessage | null = null;
  let template: Extract<OutboundMessage, { type: 'template' }> | undefined;
  const ref = step.type === 'send_template' ? step.template : step.fallback_template;
  if (ref) {
    const rendered = await renderFor(ctx, v.numberId, ref, contact);
    if (!rendered.ok) return { kind: 'next', outcome: 'skipped', reason: rendered.reason };
    template = rendered.message;
  }
  if (step.type === 'send_message') {
    const window = await getServiceWindow(ctx.db, v.numberId, waId, ctx.now);
    if (!window.open && !template) return { kind: 'next', outcome: 'skipped', reason: 'the 24-hour window is closed and the step has no fallback template' };
    message = { type: 'text', text: step.text };
  }
  const outboxKey = `auto:${run.id}:${s.seq}`;
  await enqueueAutomated(ctx.db, [{ workspaceId: ctx.workspaceId, numberId: v.numberId, contactId: run.contact_id, waId, kind: 'automation', dedupeKey: outboxKey, message: message ?? template!, ...(template ? { template } : {}), marketing }], ctx.now);
  return { kind: 'next', outcome: 'sent', outboxKey };
}

type Rendered = { ok: true; message: Extract<OutboundMessage, { type: 'template' }> } | { ok: false; reason: string };

async function renderFor(ctx: Ctx, numberId: string, ref: { name: string; language: string; variables?: VariableMap | undefined }, c: ContactOut): Promise<Rendered> {
  try {
    const tpl = await findSendableTemplate(ctx, { name: ref.name, language: ref.language, numberId });
    const r = compileTemplate(templateDefOf(tpl), ref.variables ?? {})({ name: c.name, profile_name: c.profile_name, phone: c.phone ?? '', country: c.country, language: c.language, attributes: c.attributes });
    return r.ok ? { ok: true, message: r.message } : { ok: false, reason: r.reason };
  } catch (err) {
    if (isAppError(err)) return { ok: false, reason: `${err.code}: ${err.message}` };
    throw err;
  }
}

/** When a wait ends: after its duration, then at the next `until_time` in the person's zone (else the workspace's, else UTC). */
async function waitUntil(ctx: Ctx, contactId: string, step: Extract<StepIn, { type: 'wait' }>, env: RunEnv): Promise<Date> {
  const base = new Date(ctx.now.getTime() + durationMs(step.duration ?? {}));
  if (!step.until_time) return base;
  const [r] = await queryRowsOf<{ at: string | Date }>(
    ctx.db,
    sql`with z as (select coalesce((select name from pg_timezone_names where name = c.timezone), (select name from pg_timezone_names where name = ${env.timezone}::text), 'UTC') as tz
                   from contacts c where c.id = ${contactId}),
             d as (select tz, (date_trunc('day', ${base.toISOString()}::timestamptz at time zone tz) + ${step.until_time}::interval) at time zone tz as today from z)
        select case when today >= ${base.toISOString()}::timestamptz then today
                    else (date_trunc('day', ${base.toISOString()}::timestamptz at time zone tz) + interval '1 day' + ${step.until_time}::interval) at time zone tz end as at
        from d`,
  );
  return r ? new Date(r.at) : base;
}

