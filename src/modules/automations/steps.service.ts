// What each kind of step does for one run. Sends pass the send gate (consent for the automation's
// topic, suppression, reachability, and for marketing quiet hours and the frequency cap) and then
// go out through the outbox (one dedupe key per run step: queued once however often this is retried),
// which books the number's shared pacing schedule and respects the messaging limit.
import { sql } from 'drizzle-orm';
import { isAppError } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import { bulkTag, coerceAttribute, getContact, listAttributes, updateContact, type ContactOut } from '../contacts/index.js';
import { getTopic, normalizeKeyword, recordContactConsent } from '../consent/index.js';
import { enqueueAutomated, getServiceWindow, SERVICE_WINDOW_MS, type OutboundMessage } from '../messaging/index.js';
import { resolveAudience } from '../segments/index.js';
import { gateVerdicts } from '../sending/index.js';
import { queryRowsOf } from '../sql.js';
import { compileTemplate, findSendableTemplate, templateDefOf, type VariableMap } from '../templates/index.js';
import { durationMs } from './automations.rules.js';
import type { StepIn } from './automations.schemas.js';
import type { ClaimedRun, RunEnv, RunnableVersion } from './engine.service.js';

/** Fields every result may carry: the reason, the outbox key of a send, what the run should remember. */
interface ResultExtras {
  reason?: string | undefined;
  outboxKey?: string | undefined;
  context?: Record<string, unknown> | undefined;
}

/** What a step did, and where the run goes. */
export type StepResult = ResultExtras &
  (
    | { kind: 'next'; outcome: 'sent' | 'skipped' | 'done' | 'answered' }
    | { kind: 'branch'; to: string | null; outcome: 'then' | 'else' | 'replied' | 'timed_out' | 'skipped' }
    | { kind: 'wait'; until: Date; outcome: 'waited' | 'asked'; waitingFor?: 'reply'; stay?: boolean }
    | { kind: 'defer'; until: Date; outcome: 'deferred'; reason: string }
    | { kind: 'exit'; outcome: 'exited'; reason: string }
    | { kind: 'fail'; outcome: 'failed'; reason: string }
  );

/** One step of one run, in the run's transaction. */
export interface StepInput {
  run: ClaimedRun;
  seq: number;
  step: StepIn;
  /** Where the step leads by default (its `next`, else the following step; null: the end). */
  nextId: string | null;
  version: RunnableVersion;
  env: RunEnv;
  /** What the run was waiting for when it woke on this step ('reply', 'replied'), else null. */
  waitingFor: string | null;
  /** What the run remembers (the last reply, an ask step's attempts). */
  context: Record<string, unknown>;
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
    case 'branch':
      return (await branchHolds(ctx, s, step)) ? { kind: 'branch', to: step.then, outcome: 'then' } : { kind: 'branch', to: step.else, outcome: 'else' };
    case 'wait_for_reply':
      if (s.waitingFor === 'replied') return { kind: 'branch', to: step.on_reply ?? s.nextId, outcome: 'replied' };
      if (s.waitingFor === 'reply') return { kind: 'branch', to: step.on_timeout ?? s.nextId, outcome: 'timed_out' };
      return { kind: 'wait', outcome: 'waited', until: new Date(ctx.now.getTime() + durationMs(step.timeout)), waitingFor: 'reply', stay: true };
    case 'ask':
      return askStep(ctx, s, step);
    case 'tag':
      await bulkTag(ctx, { contact_ids: [s.run.contact_id], add: step.add ?? [], remove: step.remove ?? [] });
      return { kind: 'next', outcome: 'done' };
    case 'set_attribute':
      await updateContact(ctx, s.run.contact_id, { attributes: { [step.key]: step.value } });
      return { kind: 'next', outcome: 'done' };
    case 'withdraw_consent': {
      // The person is asked nothing more: marketing on this topic ends, with the reason in the ledger.
      const topic = await getTopic(ctx, s.version.topicId!);
      await recordContactConsent(ctx, s.run.contact_id, { topic: topic.key, action: 'withdraw', source: 'automation', evidence: { note: step.reason } });
      return { kind: 'exit', outcome: 'exited', reason: `consent withdrawn: ${step.reason}` };
    }
    case 'end':
      return { kind: 'next', outcome: 'done' };
  }
}

type SendStep = Extract<StepIn, { type: 'send_template' | 'send_message' }>;

/** Checks the gate, renders, and queues the message (or says why not). */
async function sendStep(ctx: Ctx, s: StepInput, step: SendStep): Promise<StepResult> {
  const { version: v } = s;
  // A template's category decides; a free-form message is marketing when the topic is.
  const marketing = step.type === 'send_template' ? v.definition.resolved.categories[step.id] === 'MARKETING' : v.definition.resolved.topic_category === 'marketing';
  const ref = step.type === 'send_template' ? step.template : step.fallback_template;
  const text = step.type === 'send_message' ? freeForm(step.text, step.buttons) : null;
  return queueMessage(ctx, s, { marketing, template: ref, text });
}

/** A free-form text, with reply buttons when given. */
function freeForm(text: string, buttons: { id: string; title: string }[] | undefined): OutboundMessage {
  return buttons ? { type: 'interactive', interactive: { type: 'button', body: { text }, action: { buttons: buttons.map((b) => ({ type: 'reply' as const, reply: b })) } } } : { type: 'text', text };
}

/**
 * The send gate for one run step, then the outbox: a refusal exits the run, a deferral parks it, a
 * free-form message outside the 24 h window goes as its template or is skipped with the reason.
 */
async function queueMessage(ctx: Ctx, s: StepInput, m: { marketing: boolean; template: TemplateRef | undefined; text: OutboundMessage | null }): Promise<StepResult> {
  const { version: v, run } = s;
  if (!v.topicId || !v.numberId) return { kind: 'exit', outcome: 'exited', reason: !v.topicId ? 'the topic was deleted' : 'the business number was disconnected' };
  const contact = await getContact(ctx, run.contact_id);
  const waId = contact.wa_id ?? (contact.phone ? contact.phone.slice(1) : contact.user_id!);
  const window = m.text ? await getServiceWindow(ctx.db, v.numberId, waId, ctx.now) : null;
  // Why: a free-form message to someone who wrote in the last hour answers them (a bot's reply at
  // 22:00 to a message sent at 22:00); quiet hours and the cap are for outreach, not conversation.
  const talking = window?.closesAt ? ctx.now.getTime() - (window.closesAt.getTime() - SERVICE_WINDOW_MS) < CONVERSATION_MS : false;
  const marketing = m.marketing && !(m.text && talking);
  const verdicts = await gateVerdicts(ctx.db, { workspaceId: ctx.workspaceId, topicId: v.topicId, marketing, contactIds: [run.contact_id], policy: s.env.policy, now: ctx.now, fallbackTimezone: s.env.timezone });
  const verdict = verdicts.get(run.contact_id)!;
  // Why exit: a STOP or a withdrawal of the automation's topic ends the run, not just this step.
  if (verdict.kind === 'skip') return { kind: 'exit', outcome: 'exited', reason: verdict.reason };
  if (verdict.kind === 'defer') return { kind: 'defer', outcome: 'deferred', until: verdict.until, reason: verdict.reason };
  let template: Extract<OutboundMessage, { type: 'template' }> | undefined;
  if (m.template) {
    const rendered = await renderFor(ctx, v.numberId, m.template, contact);
    if (!rendered.ok) return { kind: 'next', outcome: 'skipped', reason: rendered.reason };
    template = rendered.message;
  }
  if (window && !window.open && !template) return { kind: 'next', outcome: 'skipped', reason: 'the 24-hour window is closed and the step has no fallback template' };
  const outboxKey = `auto:${run.id}:${s.seq}`;
  await enqueueAutomated(ctx.db, [{ workspaceId: ctx.workspaceId, numberId: v.numberId, contactId: run.contact_id, waId, kind: 'automation', dedupeKey: outboxKey, message: m.text ?? template!, ...(template ? { template } : {}), marketing }], ctx.now);
  return { kind: 'next', outcome: 'sent', outboxKey };
}

/** How recently the person must have written for a free-form message to count as a reply, not outreach. */
const CONVERSATION_MS = 60 * 60_000;

type AskStep = Extract<StepIn, { type: 'ask' }>;
type LastReply = { text: string | null; payload: string | null };

/**
 * A question whose valid answer is stored in a typed attribute: asks (a free-form message, so
 * inside the 24 h window), waits for the reply, checks it against the attribute's type, stores it,
 * or asks again up to `retries` times; without a valid answer in time it goes to `on_timeout`.
 */
async function askStep(ctx: Ctx, s: StepInput, step: AskStep): Promise<StepResult> {
  const attempts = Number((s.context.asked as Record<string, number> | undefined)?.[step.id] ?? 0);
  const giveUp = (reason: string): StepResult => ({ kind: 'branch', to: step.on_timeout ?? s.nextId, outcome: 'timed_out', reason });
  if (s.waitingFor === 'reply') return giveUp('no answer in time');
  let prefix = '';
  if (s.waitingFor === 'replied') {
    const reply = (s.context.last_reply ?? { text: null, payload: null }) as LastReply;
    const def = (await listAttributes(ctx.db, ctx.workspaceId)).find((d) => d.key === step.attribute);
    const checked = def ? coerceAttribute(def, reply.payload ?? reply.text ?? '') : { error: `the attribute ${step.attribute} is not defined` };
    if ('value' in checked) {
      await updateContact(ctx, s.run.contact_id, { attributes: { [step.attribute]: checked.value } });
      return { kind: 'next', outcome: 'answered', context: { asked: { ...(s.context.asked as object), [step.id]: 0 } } };
    }
    if (attempts > (step.retries ?? 2)) return giveUp(`no valid answer (${checked.error})`);
    prefix = `${step.invalid_text ?? 'Sorry, I did not get that.'}\n\n`;
  }
  const sent = await queueMessage(ctx, s, { marketing: false, template: undefined, text: freeForm(prefix + step.question, step.buttons) });
  if (sent.outcome !== 'sent') return sent;
  return { kind: 'wait', outcome: 'asked', until: new Date(ctx.now.getTime() + durationMs(step.timeout)), waitingFor: 'reply', stay: true, outboxKey: sent.outboxKey, context: { asked: { ...(s.context.asked as object), [step.id]: attempts + 1 } } };
}

type BranchStep = Extract<StepIn, { type: 'branch' }>;

/** A branch's test: segment rules against the person now, or their last reply's text or button. */
async function branchHolds(ctx: Ctx, s: StepInput, step: BranchStep): Promise<boolean> {
  if (step.reply) {
    const reply = (s.context.last_reply ?? { text: null, payload: null }) as LastReply;
    const text = reply.text ? normalizeKeyword(reply.text) : '';
    const { equals = [], contains = [], payload = [] } = step.reply;
    return equals.some((w) => normalizeKeyword(w) === text) || contains.some((w) => text.includes(normalizeKeyword(w))) || (reply.payload !== null && payload.includes(reply.payload));
  }
  const audience = await resolveAudience(ctx, step.rules ?? {});
  const [r] = await queryRowsOf<{ hit: boolean }>(ctx.db, sql`select exists (select 1 from contacts c where c.id = ${s.run.contact_id} and c.workspace_id = ${ctx.workspaceId} and (${audience.where})) as hit`);
  return Boolean(r?.hit);
}

type TemplateRef = { name: string; language: string; variables?: VariableMap | undefined };

type Rendered = { ok: true; message: Extract<OutboundMessage, { type: 'template' }> } | { ok: false; reason: string };

async function renderFor(ctx: Ctx, numberId: string, ref: TemplateRef, c: ContactOut): Promise<Rendered> {
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

