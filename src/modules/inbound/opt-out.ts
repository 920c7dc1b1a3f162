import { sql } from 'drizzle-orm';
import { SYSTEM_ACTOR, type Db, type Log, type SystemCtx } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { countryOfNumber } from '../../lib/phone/index.js';
import { resolveInboundContact } from './resolve-contact.js';
import {
  addOptOutNote,
  addSuppressions,
  appendConsentEvents,
  hasOptOutReasonSince,
  isStopButton,
  keywordSets,
  listTopics,
  matchKeyword,
  normalizeKeyword,
  consentStatesOf,
  phoneHasher,
  removeSuppression,
  suppressionSubject,
  type ConsentEventInput,
  type ConsentSource,
  type KeywordIntent,
  type KeywordSettings,
  type TopicOut,
} from '../consent/index.js';
import { enqueueAutomated } from '../messaging/index.js';
import { noteBroadcastOptOut } from '../broadcasts/index.js';
import { findNumbersByMetaIds } from '../numbers/index.js';
import { getWorkspace } from '../workspaces/index.js';
import type { InboundMessageEvent, WebhookEvent } from './inbound.events.js';
import { confirmationText, type OptOutSettings } from './opt-out.messages.js';

/** A consent change a webhook asks for: who, what scope, and the proof. */
interface Signal {
  phoneNumberId: string;
  waId: string;
  source: ConsentSource;
  /** 'all' (plain STOP), 'marketing' (Stop promotions, user_preferences, 131050), a topic word, or START. */
  scope: { kind: 'all' } | { kind: 'marketing' } | { kind: 'topic'; word: string } | { kind: 'start'; word: string | null };
  /** Stable id of the triggering event (wamid, or a synthetic one) so replays record nothing new. */
  eventKey: string;
  wamid: string | null;
  text: string | null;
  keyword: string | null;
  at: Date;
  /** The person wrote this (STOP text or button): they get a short confirmation. */
  confirm: boolean;
  profileName: string | undefined;
}

/**
 * Cheap test on a raw body: does it carry inbound messages (a `"messages":` key, not the
 * `"field":"messages"` every body has)? What people write is processed first (a bot's keyword).
 */
export function carriesMessages(raw: string): boolean {
  return /"messages"\s*:/.test(raw);
}

/** Cheap test on a raw body: can it carry an opt-out at all? Most bodies are statuses and skip the parse. */
export function mayCarryOptOut(raw: string): boolean {
  return carriesMessages(raw) || raw.includes('user_preferences') || raw.includes('131050');
}

interface WorkspaceRules {
  sets: ReturnType<typeof keywordSets>;
  settings: OptOutSettings;
  /** The workspace as read once for the batch (its name and all its settings), for later keyword handlers. */
  workspace: { name: string; settings: Record<string, unknown> };
  name: string;
  topics: TopicOut[];
}

/** A workspace's opt-out rules (keywords, settings, topics), loaded once per webhook batch. */
export type OptOutRules = (workspaceId: string) => Promise<WorkspaceRules>;

/** Rules for one batch: each workspace's settings and topics are read once, however many messages it has. */
export function optOutRules(db: Db): OptOutRules {
  const cache = new Map<string, Promise<WorkspaceRules>>();
  return (workspaceId) => {
    let hit = cache.get(workspaceId);
    if (!hit) {
      hit = (async () => {
        const ws = await getWorkspace({ db, workspaceId });
        const settings = ((ws.settings as { opt_out?: OptOutSettings & KeywordSettings }).opt_out ?? {}) as OptOutSettings & KeywordSettings;
        return { sets: keywordSets(settings), settings, workspace: { name: ws.name, settings: ws.settings as Record<string, unknown> }, name: ws.name, topics: await listTopics(db, workspaceId) };
      })();
      cache.set(workspaceId, hit);
    }
    return hit;
  };
}

/** Business numbers by Meta phone-number id, as webhook processing already has them. */
export type NumbersByMetaId = Map<string, { id: string; workspaceId: string } | undefined>;

function messageSignal(ev: InboundMessageEvent, intent: KeywordIntent | undefined): Signal | undefined {
  const base = { phoneNumberId: ev.phoneNumberId, waId: ev.waId, eventKey: ev.wamid, wamid: ev.wamid, text: ev.body, at: ev.at, profileName: ev.profileName };
  if (ev.type === 'button' || ev.type === 'interactive') {
    if (isStopButton(ev.body, ev.replyId)) return { ...base, source: 'stop_button', scope: { kind: 'marketing' }, keyword: null, confirm: true };
  }
  if (!intent || intent.kind === 'review') return undefined;
  if (intent.kind === 'start') return { ...base, source: 'inbound_message', scope: { kind: 'start', word: intent.topic }, keyword: intent.keyword, confirm: true };
  return { ...base, source: 'stop_keyword', scope: intent.topic ? { kind: 'topic', word: intent.topic } : { kind: 'all' }, keyword: intent.keyword, confirm: true };
}

/**
 * Finds opt-outs (and, when `includeStart`, START re-subscriptions) in webhook events and applies
 * them: ledger events, derived state, suppression and a one-time confirmation, all in the caller's
 * transaction. Webhook intake calls it in the transaction that stores the raw bodies, so a STOP is
 * committed before Meta gets its 200; processing calls it again and, thanks to dedupe keys on
 * every write, the replay changes nothing.
 */
export async function applyOptOutSignals(ctx: SystemCtx, events: WebhookEvent[], opts: { includeStart: boolean; numbers?: NumbersByMetaId; rules?: OptOutRules }): Promise<number> {
  const { db, now, log } = ctx;
  const ids = [...new Set(events.flatMap((e) => ('phoneNumberId' in e ? [e.phoneNumberId] : [])))];
  if (ids.length === 0) return 0;
  const numbers: NumbersByMetaId = opts.numbers ?? new Map((await findNumbersByMetaIds(db, ids)).map((n) => [n.phoneNumberId, n]));
  const rulesFor = opts.rules ?? optOutRules(db);
  let applied = 0;
  for (const ev of events) {
    const n = 'phoneNumberId' in ev ? numbers.get(ev.phoneNumberId) : undefined;
    if (!n) continue;
    let signal: Signal | undefined;
    if (ev.kind === 'message' && (ev.type === 'text' || ev.type === 'button' || ev.type === 'interactive')) {
      const rules = await rulesFor(n.workspaceId);
      const intent = ev.type === 'text' ? matchKeyword(ev.body, rules.sets) : undefined;
      if (intent?.kind === 'review') await noteForReview(db, n.workspaceId, ev, now, log);
      signal = messageSignal(ev, intent);
    } else if (ev.kind === 'user_preference' && ev.value === 'stop' && ev.waId) {
      signal = { phoneNumberId: ev.phoneNumberId, waId: ev.waId, source: 'user_preferences', scope: { kind: 'marketing' }, eventKey: `${ev.waId}:${ev.at.getTime()}`, wamid: null, text: null, keyword: null, at: ev.at, confirm: false, profileName: undefined };
    } else if (ev.kind === 'status' && ev.status === 'failed' && ev.errorCodes.includes(131050) && ev.recipientWaId) {
      signal = { phoneNumberId: ev.phoneNumberId, waId: ev.recipientWaId, source: 'delivery_failure', scope: { kind: 'marketing' }, eventKey: ev.wamid, wamid: ev.wamid, text: null, keyword: null, at: ev.at, confirm: false, profileName: undefined };
    }
    if (!signal || (signal.scope.kind === 'start' && !opts.includeStart)) continue;
    const rules = await rulesFor(n.workspaceId);
    if (await applySignal(db, { workspaceId: n.workspaceId, numberId: n.id }, rules, signal, now, log)) applied++;
  }
  return applied;
}

async function applySignal(db: Db, n: { workspaceId: string; numberId: string }, rules: WorkspaceRules, s: Signal, now: Date, log: Log): Promise<boolean> {
  const contact = await resolveInboundContact(db, n.workspaceId, s.waId, s.profileName, now, log);
  const hash = (await phoneHasher(db, n.workspaceId))(suppressionSubject(contact));
  const evidence = { ...(s.wamid ? { wamid: s.wamid } : {}), ...(s.text !== null ? { text: s.text } : {}), ...(s.keyword ? { keyword: s.keyword } : {}), channel: 'whatsapp' };
  const event = (topicId: string | null, action: 'grant' | 'withdraw'): ConsentEventInput => ({
    contactId: contact.id,
    phoneHash: hash,
    topicId,
    action,
    source: s.source,
    evidence,
    occurredAt: s.at,
    dedupeKey: `${s.source}:${s.eventKey}:${topicId ?? '*'}`,
  });
  const before = await statusesOf(db, n.workspaceId, contact.id);
  let topicIds: (string | null)[];
  let confirmKind: 'stop_all' | 'stop_topic' | 'start';
  let topicNames: string[] = [];
  switch (s.scope.kind) {
    case 'all':
      topicIds = [null];
      confirmKind = 'stop_all';
      break;
    case 'marketing':
      topicIds = rules.topics.filter((t) => t.category === 'marketing').map((t) => t.id);
      topicNames = rules.topics.filter((t) => t.category === 'marketing').map((t) => t.name);
      confirmKind = 'stop_topic';
      break;
    case 'topic': {
      const topic = findTopic(rules.topics, s.scope.word);
      if (!topic) {
        // "stop the delivery please" is not "STOP offers": a person reviews it instead of a guess either way.
        await addOptOutNote(db, { workspaceId: n.workspaceId, contactId: contact.id, kind: 'review', text: s.text, wamid: s.wamid, at: now });
        return false;
      }
      topicIds = [topic.id];
      topicNames = [topic.name];
      confirmKind = 'stop_topic';
      break;
    }
    case 'start': {
      const word = s.scope.word;
      const topic = word ? findTopic(rules.topics, word) : undefined;
      if (word && !topic) return false;
      // A plain START re-subscribes what the person had stopped; nothing else is assumed.
      topicIds = topic ? [topic.id] : withdrawnTopicIds(before);
      topicNames = rules.topics.filter((t) => topicIds.includes(t.id)).map((t) => t.name);
      confirmKind = 'start';
      break;
    }
  }
  const action = s.scope.kind === 'start' ? 'grant' : 'withdraw';
  const res = topicIds.length > 0 ? await appendConsentEvents(db, n.workspaceId, SYSTEM_ACTOR, topicIds.map((id) => event(id, action)), now) : { recorded: [], blocked: [] };
  let changed = res.recorded.length > 0 && changedState(before, topicIds, action);
  if (s.scope.kind === 'all') {
    const added = await addSuppressions(db, n.workspaceId, [hash], 'opted_out', s.source, now);
    changed = changed || added.length > 0;
  }
  if (s.scope.kind === 'start' && res.recorded.length > 0) {
    changed = (await removeSuppression(db, n.workspaceId, hash)) || changed;
  }
  if (res.recorded.length === 0 && !changed) return false;
  // Credited to the broadcasts the person got shortly before (a broadcast's opt-out rate drives auto-pause).
  if (action === 'withdraw') await noteBroadcastOptOut(db, n.workspaceId, contact.id, s.at);
  log.info({ workspaceId: n.workspaceId, contactId: contact.id, source: s.source, scope: s.scope.kind }, s.scope.kind === 'start' ? 'consent re-granted by the person' : 'opt-out committed');
  if (s.confirm && changed) {
    await enqueueAutomated(
      db,
      [{ workspaceId: n.workspaceId, numberId: n.numberId, contactId: contact.id, waId: contact.waId ?? s.waId, kind: `${confirmKind}_confirmation`, dedupeKey: `confirm:${s.eventKey}`, inboundAt: s.at, message: { type: 'text', text: confirmationText(confirmKind, { business: rules.name, topics: topicNames, keyword: s.keyword, settings: rules.settings, hints: { language: contact.language, country: contact.country ?? (contact.phone ? countryOfNumber(contact.phone) : null) } }) } }],
      now,
    );
  }
  return true;
}

/** Keeps a message that mentions a STOP word but is not a clear opt-out, for a person to review. */
async function noteForReview(db: Db, workspaceId: string, ev: InboundMessageEvent, now: Date, log: Log): Promise<void> {
  const contact = await resolveInboundContact(db, workspaceId, ev.waId, ev.profileName, now, log);
  await addOptOutNote(db, { workspaceId, contactId: contact.id, kind: 'review', text: ev.body, wamid: ev.wamid, at: now });
  log.info({ workspaceId, contactId: contact.id }, 'message mentions an opt-out word; kept for review');
}

function findTopic(topics: TopicOut[], word: string): TopicOut | undefined {
  const w = normalizeKeyword(word);
  return topics.find((t) => normalizeKeyword(t.key) === w || normalizeKeyword(t.name) === w);
}

async function statusesOf(db: Db, workspaceId: string, contactId: string): Promise<Map<string, string>> {
  const rows = await consentStatesOf(db, workspaceId, [contactId]);
  return new Map(rows.map((r) => [r.topic_id, r.status]));
}

function changedState(before: Map<string, string>, topicIds: (string | null)[], action: 'grant' | 'withdraw'): boolean {
  const target = action === 'grant' ? 'granted' : 'withdrawn';
  if (topicIds.includes(null)) return before.size === 0 || [...before.values()].some((s) => s !== target);
  return topicIds.some((id) => before.get(id!) !== target);
}

function withdrawnTopicIds(statuses: Map<string, string>): string[] {
  return [...statuses].filter(([, status]) => status === 'withdrawn').map(([topicId]) => topicId);
}

/** Keeps "why are you leaving?" answers: the first non-keyword message within a day of a full opt-out. */
async function captureOptOutReason(db: Db, m: { workspaceId: string; contactId: string; wamid: string; text: string | null; at: Date }): Promise<boolean> {
  if (!m.text) return false;
  const since = new Date(m.at.getTime() - 24 * 3600_000);
  const recent = await queryRowsOf(
    db,
    sql`select 1 from consent_events where workspace_id = ${m.workspaceId} and contact_id = ${m.contactId} and action = 'withdraw' and topic_id is null and occurred_at > ${since.toISOString()}::timestamptz limit 1`,
  );
  if (recent.length === 0) return false;
  if (await hasOptOutReasonSince(db, m.workspaceId, m.contactId, since)) return false;
  await addOptOutNote(db, { workspaceId: m.workspaceId, contactId: m.contactId, kind: 'reason', text: m.text.slice(0, 2000), wamid: m.wamid, at: m.at });
  return true;
}

/**
 * Keeps the answer to "why are you leaving?" when the workspace asks it: a plain message (not a
 * keyword) within a day of a full opt-out.
 */
export async function captureReasonIfAsked(db: Db, rules: OptOutRules, m: { workspaceId: string; contactId: string; wamid: string; text: string | null; at: Date }): Promise<boolean> {
  const r = await rules(m.workspaceId);
  if (r.settings.ask_reason !== true || matchKeyword(m.text, r.sets) !== undefined) return false;
  return captureOptOutReason(db, m);
}
