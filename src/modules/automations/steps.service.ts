// What each kind of step does, for a group of runs at the same step (set-based where the step
// allows: one read and one write for the group, not one per run). Sends pass the send gate (consent for the automation's
// topic, suppression, reachability, and for marketing quiet hours and the frequency cap) and then
// go out through the outbox (one dedupe key per run step: queued once however often this is retried),
// which books the number's shared pacing schedule and respects the messaging limit.
import { emitEventRows } from '../hooks/index.js';
import { contactCardSql } from '../contacts/index.js';
import { param, sql } from 'drizzle-orm';
import { isAppError } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import { bulkTag, coerceAttribute, getContacts, listAttributes, updateContact, type ContactOut } from '../contacts/index.js';
import { getTopic, normalizeKeyword, recordContactConsent } from '../consent/index.js';
import { enqueueAutomated, getServiceWindows, SERVICE_WINDOW_MS, type AutomatedMessage, type OutboundMessage } from '../messaging/index.js';
import { openHandovers } from '../conversations/index.js';
import { resolveAudience } from '../segments/index.js';
import { gateVerdicts, type GateVerdict } from '../sending/index.js';
import { queryRowsOf } from '../sql.js';
import { compileTemplate, findSendableTemplate, templateDefOf, type VariableMap } from '../templates/index.js';
import { durationMs, fillLinks } from './automations.rules.js';
import { automationLinkUrl, runsWithNewClicks } from './clicks.service.js';
import { WEEKDAYS, type StepIn } from './automations.schemas.js';
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
    | { kind: 'next'; outcome: 'sent' | 'skipped' | 'done' | 'answered' | 'handed_over' }
    | { kind: 'branch'; to: string | null; outcome: 'then' | 'else' | 'replied' | 'happened' | 'timed_out' | 'clicked' | 'not_clicked' | 'skipped' }
    | { kind: 'wait'; until: Date; outcome: 'waited' | 'asked'; waitingFor?: 'reply' | 'event' | 'click'; stay?: boolean }
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

/** Steps that run for a whole group of runs in a few statements; the others run run by run. */
const SET_BASED = new Set<StepIn['type']>(['send_template', 'send_message', 'wait', 'wait_for_reply', 'wait_for_event', 'wait_for_click', 'branch', 'tag', 'hand_over', 'end']);

/** Whether a step type runs set-based (one group, one savepoint) rather than run by run. */
export function isSetBased(type: StepIn['type']): boolean {
  return SET_BASED.has(type);
}

/**
 * Runs one step for several runs that are all at it (same automation version, same step, same
 * workspace): set-based steps in a few statements for the whole group, the others one run after
 * the other. Returns one result per input, in order.
 */
export async function runSteps(ctx: Ctx, inputs: StepInput[]): Promise<StepResult[]> {
  const step = inputs[0]!.step;
  switch (step.type) {
    case 'send_template':
    case 'send_message':
      return sendSteps(ctx, inputs, step);
    case 'wait': {
      const until = await waitUntil(ctx, inputs.map((s) => s.run.contact_id), step, inputs[0]!.env);
      return inputs.map((s) => ({ kind: 'wait', outcome: 'waited', until: until.get(s.run.contact_id)! }));
    }
    case 'branch': {
      const holds = await branchHolds(ctx, inputs, step);
      return inputs.map((s) => (holds.has(s.run.id) ? { kind: 'branch', to: step.then, outcome: 'then' } : { kind: 'branch', to: step.else, outcome: 'else' }));
    }
    case 'wait_for_reply':
      return inputs.map((s) => waitForReply(ctx, s, step));
    case 'wait_for_event':
      return inputs.map((s) => waitForEvent(ctx, s, step));
    case 'wait_for_click': {
      const clicked = await runsWithNewClicks(ctx.db, inputs.filter((s) => !s.waitingFor).map((s) => ({ runId: s.run.id, afterSeq: Number(s.context.click_seq ?? 0) })));
      return inputs.map((s) => waitForClick(ctx, s, step, clicked.has(s.run.id)));
    }
    case 'webhook': {
      // Signed and retried by the outbound webhooks; endpoints subscribed to automation.webhook get one event per person.
      const sent = await emitAutomationWebhook(ctx, inputs.map((s) => s.run.id), step);
      return inputs.map(() => ({ kind: 'next', outcome: sent > 0 ? 'sent' : 'skipped' }));
    }
    case 'tag':
      await bulkTag(ctx, { contact_ids: [...new Set(inputs.map((s) => s.run.contact_id))], add: step.add ?? [], remove: step.remove ?? [] });
      return inputs.map(() => ({ kind: 'next', outcome: 'done' }));
    case 'hand_over': {
      // The inbox gets the conversation, unassigned, with the note; bots stay quiet until an agent closes it.
      const v = inputs[0]!.version;
      if (!v.numberId) return inputs.map(() => ({ kind: 'exit', outcome: 'exited', reason: 'the business number was disconnected' }));
      await openHandovers(ctx.db, { workspaceId: ctx.workspaceId, numberId: v.numberId, contactIds: [...new Set(inputs.map((s) => s.run.contact_id))], note: step.note ?? null, now: ctx.now });
      return inputs.map(() => ({ kind: 'next', outcome: 'handed_over' }));
    }
    case 'end':
      return inputs.map(() => ({ kind: 'next', outcome: 'done' }));
  }
  const out: StepResult[] = [];
  for (const s of inputs) out.push(await runOne(ctx, s));
  return out;
}

type WaitForReplyStep = Extract<StepIn, { type: 'wait_for_reply' }>;

/** Waits for an answer; on waking, goes to `on_reply` or `on_timeout`. */
function waitForReply(ctx: Ctx, s: StepInput, step: WaitForReplyStep): StepResult {
  if (s.waitingFor === 'replied') return { kind: 'branch', to: step.on_reply ?? s.nextId, outcome: 'replied' };
  if (s.waitingFor === 'reply') return { kind: 'branch', to: step.on_timeout ?? s.nextId, outcome: 'timed_out' };
  return { kind: 'wait', outcome: 'waited', until: new Date(ctx.now.getTime() + durationMs(step.timeout)), waitingFor: 'reply', stay: true };
}

type WaitForEventStep = Extract<StepIn, { type: 'wait_for_event' }>;

/**
 * Waits for a customer event (the trigger scan wakes the run when one arrives after the wait
 * began: `waitingFor` 'evented'); on waking, goes to `on_event` or, at the timeout, `on_timeout`.
 */
function waitForEvent(ctx: Ctx, s: StepInput, step: WaitForEventStep): StepResult {
  if (s.waitingFor === 'evented') return { kind: 'branch', to: step.on_event ?? s.nextId, outcome: 'happened' };
  if (s.waitingFor === 'event') return { kind: 'branch', to: step.on_timeout ?? s.nextId, outcome: 'timed_out' };
  // `since` is the business clock, as the events' `received_at` is: only an event received after it counts.
  return { kind: 'wait', outcome: 'waited', until: new Date(ctx.now.getTime() + durationMs(step.timeout)), waitingFor: 'event', stay: true, context: { awaiting: { event: step.event, where: step.where ?? null, since: ctx.now.toISOString() } } };
}

type WaitForClickStep = Extract<StepIn, { type: 'wait_for_click' }>;

/**
 * Waits for a click on one of the run's tracked links (a click wakes the run: `waitingFor`
 * 'clicked'); a click already made on a link sent since the run's last click wait passes at once.
 */
function waitForClick(ctx: Ctx, s: StepInput, step: WaitForClickStep, clickedAlready: boolean): StepResult {
  // `click_seq`: later click waits count only clicks on links sent after this step.
  const seen = { click_seq: s.seq };
  if (s.waitingFor === 'clicked' || (!s.waitingFor && clickedAlready)) return { kind: 'branch', to: step.on_click ?? s.nextId, outcome: 'clicked', context: seen };
  if (s.waitingFor === 'click') return { kind: 'branch', to: step.on_timeout ?? s.nextId, outcome: 'not_clicked', context: seen };
  return { kind: 'wait', outcome: 'waited', until: new Date(ctx.now.getTime() + durationMs(step.timeout)), waitingFor: 'click', stay: true };
}

/** The steps that run run by run: they read or write one person's answer or consent. */
async function runOne(ctx: Ctx, s: StepInput): Promise<StepResult> {
  const { step } = s;
  switch (step.type) {
    case 'ask':
      return askStep(ctx, s, step);
    case 'set_attribute':
      await updateContact(ctx, s.run.contact_id, { attributes: { [step.key]: step.value } });
      return { kind: 'next', outcome: 'done' };
    case 'withdraw_consent': {
      // The person is asked nothing more: marketing on this topic ends, with the reason in the ledger.
      const topic = await getTopic(ctx, s.version.topicId!);
      await recordContactConsent(ctx, s.run.contact_id, { topic: topic.key, action: 'withdraw', source: 'automation', evidence: { note: step.reason } });
      return { kind: 'exit', outcome: 'exited', reason: `consent withdrawn: ${step.reason}` };
    }
    default:
      return (await runSteps(ctx, [s]))[0]!;
  }
}

type SendStep = Extract<StepIn, { type: 'send_template' | 'send_message' }>;

/** Checks the gate, renders, and queues the messages (or says why not), for a group at one send step. */
async function sendSteps(ctx: Ctx, inputs: StepInput[], step: SendStep): Promise<StepResult[]> {
  const v = inputs[0]!.version;
  // A template's category decides; a free-form message is marketing when the topic is.
  const marketing = step.type === 'send_template' ? v.definition.resolved.categories[step.id] === 'MARKETING' : v.definition.resolved.topic_category === 'marketing';
  const ref = step.type === 'send_template' ? step.template : step.fallback_template;
  const text = step.type === 'send_message' ? (link: LinkOf) => freeForm(fillLinks(step.text, link), step.buttons) : null;
  return queueMessages(ctx, inputs, { marketing, template: ref, text });
}

/** A free-form text, with reply buttons when given. */
function freeForm(text: string, buttons: { id: string; title: string }[] | undefined): OutboundMessage {
  return buttons ? { type: 'interactive', interactive: { type: 'button', body: { text }, action: { buttons: buttons.map((b) => ({ type: 'reply' as const, reply: b })) } } } : { type: 'text', text };
}

/** The URL a run step sends for link N of the definition: its tracked copy, or the link itself without a link env. */
type LinkOf = (index: number) => string;
type QueuedMessage = { marketing: boolean; template: TemplateRef | undefined; text: ((link: LinkOf) => OutboundMessage) | null };

function linkOfRun(s: StepInput): LinkOf {
  const links = s.version.definition.links ?? [];
  const env = s.env.links;
  return (n) => (env ? automationLinkUrl(env, s.run.id, s.seq, n) : (links[n] ?? ''));
}

/**
 * The send gate for a group of run steps, then the outbox: a refusal exits the run, a deferral
 * parks it, a free-form message outside the 24 h window goes as its template or is skipped with
 * the reason. One read of the contacts, windows and gate for the group, one outbox insert.
 */
async function queueMessages(ctx: Ctx, inputs: StepInput[], m: QueuedMessage): Promise<StepResult[]> {
  const v = inputs[0]!.version;
  if (!v.topicId || !v.numberId) return inputs.map(() => ({ kind: 'exit', outcome: 'exited', reason: !v.topicId ? 'the topic was deleted' : 'the business number was disconnected' }));
  const { topicId, numberId } = v;
  const contacts = await getContacts(ctx, [...new Set(inputs.map((s) => s.run.contact_id))]);
  const waIdOf = (c: ContactOut) => c.wa_id ?? (c.phone ? c.phone.slice(1) : c.user_id!);
  const windows = m.text ? await getServiceWindows(ctx.db, numberId, [...contacts.values()].map(waIdOf), ctx.now) : new Map<string, never>();
  // Why: a free-form message to someone who wrote in the last hour answers them (a bot's reply at
  // 22:00 to a message sent at 22:00); quiet hours and the cap are for outreach, not conversation.
  const talking = (c: ContactOut) => {
    const closesAt = windows.get(waIdOf(c))?.closesAt;
    return closesAt ? ctx.now.getTime() - (closesAt.getTime() - SERVICE_WINDOW_MS) < CONVERSATION_MS : false;
  };
  const marketingFor = (c: ContactOut) => m.marketing && !(m.text && talking(c));
  const verdicts = new Map<string, GateVerdict>();
  for (const marketing of [true, false]) {
    const ids = [...contacts.values()].filter((c) => marketingFor(c) === marketing).map((c) => c.id);
    if (ids.length === 0) continue;
    const got = await gateVerdicts(ctx.db, { workspaceId: ctx.workspaceId, topicId, marketing, contactIds: ids, policy: inputs[0]!.env.policy, now: ctx.now, fallbackTimezone: inputs[0]!.env.timezone });
    for (const [id, verdict] of got) verdicts.set(id, verdict);
  }
  const render = m.template ? await templateRenderer(ctx, numberId, m.template) : undefined;
  const queued: AutomatedMessage[] = [];
  const results = inputs.map((s): StepResult => {
    const contact = contacts.get(s.run.contact_id);
    const verdict: GateVerdict = (contact && verdicts.get(contact.id)) || { kind: 'skip', reason: 'unknown_contact' };
    // A pause the person chose holds this marketing send only: the run goes on (a pause is not a STOP).
    if (verdict.kind === 'skip' && verdict.reason === 'paused_by_contact') return { kind: 'next', outcome: 'skipped', reason: verdict.reason };
    // Why exit: a STOP or a withdrawal of the automation's topic ends the run, not just this step.
    if (verdict.kind === 'skip') return { kind: 'exit', outcome: 'exited', reason: verdict.reason };
    if (verdict.kind === 'defer') return { kind: 'defer', outcome: 'deferred', until: verdict.until, reason: verdict.reason };
    const link = linkOfRun(s);
    let template: TemplateMessage | undefined;
    if (render) {
      const rendered = render(contact!, link);
      if (!rendered.ok) return { kind: 'next', outcome: 'skipped', reason: rendered.reason };
      template = rendered.message;
    }
    const waId = waIdOf(contact!);
    if (m.text && !windows.get(waId)?.open && !template) return { kind: 'next', outcome: 'skipped', reason: 'the 24-hour window is closed and the step has no fallback template' };
    const outboxKey = `auto:${s.run.id}:${s.seq}`;
    const text = m.text && windows.get(waId)?.open ? m.text(link) : null;
    queued.push({ workspaceId: ctx.workspaceId, numberId, contactId: contact!.id, waId, kind: 'automation', dedupeKey: outboxKey, message: text ?? template!, ...(template ? { template } : {}), marketing: marketingFor(contact!) });
    return { kind: 'next', outcome: 'sent', outboxKey };
  });
  await enqueueAutomated(ctx.db, queued, ctx.now);
  return results;
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
  const [sent] = await queueMessages(ctx, [s], { marketing: false, template: undefined, text: () => freeForm(prefix + step.question, step.buttons) });
  if (sent!.outcome !== 'sent') return sent!;
  return { kind: 'wait', outcome: 'asked', until: new Date(ctx.now.getTime() + durationMs(step.timeout)), waitingFor: 'reply', stay: true, outboxKey: sent!.outboxKey, context: { asked: { ...(s.context.asked as object), [step.id]: attempts + 1 } } };
}

type BranchStep = Extract<StepIn, { type: 'branch' }>;

/** A branch's test, for a group: which runs' people match the segment rules now, or whose last reply's text or button does. */
async function branchHolds(ctx: Ctx, inputs: StepInput[], step: BranchStep): Promise<Set<number>> {
  if (step.reply) {
    const { equals = [], contains = [], payload = [] } = step.reply;
    const holds = (s: StepInput) => {
      const reply = (s.context.last_reply ?? { text: null, payload: null }) as LastReply;
      const text = reply.text ? normalizeKeyword(reply.text) : '';
      return equals.some((w) => normalizeKeyword(w) === text) || contains.some((w) => text.includes(normalizeKeyword(w))) || (reply.payload !== null && payload.includes(reply.payload));
    };
    return new Set(inputs.filter(holds).map((s) => s.run.id));
  }
  const audience = await resolveAudience(ctx, step.rules ?? {});
  const ids = [...new Set(inputs.map((s) => s.run.contact_id))];
  const hits = await queryRowsOf<{ id: string }>(ctx.db, sql`select c.id from contacts c where c.id = any(${param(ids)}::uuid[]) and c.workspace_id = ${ctx.workspaceId} and (${audience.where})`);
  const matched = new Set(hits.map((h) => h.id));
  return new Set(inputs.filter((s) => matched.has(s.run.contact_id)).map((s) => s.run.id));
}

type TemplateRef = Extract<StepIn, { type: 'send_template' }>['template'];
/** The attribute name a tracked link's URL is rendered through (not a key a person can have: attribute keys are lowercase words). */
const LINK_ATTRIBUTE = '\u0000link';
type TemplateMessage = Extract<OutboundMessage, { type: 'template' }>;
type Rendered = { ok: true; message: TemplateMessage } | { ok: false; reason: string };

/** The step's template, found and compiled once, as a function of the person it goes to and their run's links. */
async function templateRenderer(ctx: Ctx, numberId: string, ref: TemplateRef): Promise<(c: ContactOut, link: LinkOf) => Rendered> {
  try {
    const tpl = await findSendableTemplate(ctx, { name: ref.name, language: ref.language, numberId });
    // Why a reserved attribute per link: the template compiles once for the group; each run's tracked URL differs.
    const vars = Object.fromEntries(Object.entries(ref.variables ?? {}).map(([k, v]) => [k, 'tracked_link' in v ? { attribute: `${LINK_ATTRIBUTE}${v.tracked_link}` } : v]));
    const compiled = compileTemplate(templateDefOf(tpl), vars as VariableMap);
    const used = Object.values(ref.variables ?? {}).flatMap((v) => ('tracked_link' in v ? [v.tracked_link] : []));
    return (c, link) => {
      const attributes = used.length === 0 ? c.attributes : { ...c.attributes, ...Object.fromEntries(used.map((n) => [`${LINK_ATTRIBUTE}${n}`, link(n)])) };
      const r = compiled({ name: c.name, profile_name: c.profile_name, phone: c.phone ?? '', country: c.country, language: c.language, attributes });
      return r.ok ? { ok: true, message: r.message } : { ok: false, reason: r.reason };
    };
  } catch (err) {
    if (!isAppError(err)) throw err;
    const reason = `${err.code}: ${err.message}`;
    return () => ({ ok: false, reason });
  }
}

/**
 * When a wait ends, per person: after its duration, then at the next `until_time` on one of
 * `on_days` (both optional) in the person's zone (else the workspace's, else UTC). Zone names are
 * checked against PostgreSQL's list once for the group (a bad stored zone falls back instead of
 * failing the statement).
 */
async function waitUntil(ctx: Ctx, contactIds: string[], step: Extract<StepIn, { type: 'wait' }>, env: RunEnv): Promise<Map<string, Date>> {
  const base = new Date(ctx.now.getTime() + durationMs(step.duration ?? {}));
  const out = new Map(contactIds.map((id) => [id, base]));
  if (!step.until_time && !step.on_days) return out;
  const b = base.toISOString();
  // Candidates: the wait's local time (or the start of the day) on each of the next 8 local days;
  // the first on an allowed day that is not past (a time-less day counts until it ends, from `base`).
  const days = (step.on_days ?? WEEKDAYS).map((d) => WEEKDAYS.indexOf(d) + 1);
  const time = step.until_time ?? '00:00';
  const timed = step.until_time !== undefined;
  const rows = await queryRowsOf<{ id: string; at: string | Date }>(
    ctx.db,
    sql`with c as (select c.id, c.timezone from contacts c where c.id = any(${param([...new Set(contactIds)])}::uuid[])),
             zones as (select name from pg_timezone_names where name in (select timezone from c union select ${env.timezone}::text)),
             z as (select c.id, coalesce((select name from zones where name = c.timezone), (select name from zones where name = ${env.timezone}::text), 'UTC') as tz from c),
             d as (select z.id, (day + ${time}::interval) at time zone z.tz as at, (day + interval '1 day') at time zone z.tz as day_end, extract(isodow from day)::int as dow
                   from z cross join lateral (select date_trunc('day', ${b}::timestamptz at time zone z.tz) + make_interval(days => k) as day from generate_series(0, 7) as k) as g)
        select id, min(case when ${timed} then at else greatest(at, ${b}::timestamptz) end) as at
        from d where dow = any(${param(days)}::int[]) and (case when ${timed} then at >= ${b}::timestamptz else day_end > ${b}::timestamptz end)
        group by id`,
  );
  for (const r of rows) out.set(r.id, new Date(r.at));
  return out;
}

type WebhookStep = Extract<StepIn, { type: 'webhook' }>;

/** One `automation.webhook` event per run of the group (its person's card, the step's name and values); returns how many were written. */
async function emitAutomationWebhook(ctx: Ctx, runIds: number[], step: WebhookStep): Promise<number> {
  return emitEventRows(
    ctx.db,
    ctx.workspaceId,
    sql`select 'automation.webhook'::text as type,
          jsonb_build_object('event', ${step.name}::text, 'values', ${JSON.stringify(step.data ?? {})}::jsonb, 'step_id', ${step.id}::text, 'run_id', r.id::text,
            'automation_id', r.automation_id, 'contact_id', r.contact_id, 'occurred_at', ${ctx.now.toISOString()}::text)
          || ${contactCardSql(ctx.workspaceId, sql`r.contact_id`)} as data
        from automation_runs r where r.id = any(${param(runIds)}::bigint[]) and r.workspace_id = ${ctx.workspaceId}::uuid`,
    ctx.now,
  );
}
