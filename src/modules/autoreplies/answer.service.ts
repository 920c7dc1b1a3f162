// Answers one batch of inbound messages: drops those something else answers (STOP/START words,
// the preference centre's words, opt-in keywords, automations, an agent handling the
// conversation, a suppressed person), decides at most one auto-reply per message, claims it per
// person, number and kind for 24 h, and queues it in the outbox, all in the caller's transaction.
import { param, sql } from 'drizzle-orm';
import { queryRowsOf } from '../sql.js';
import { keywordSets, normalizeKeyword, phoneHasher, suppressedAmong } from '../consent/index.js';
import { getContacts, type ContactOut } from '../contacts/index.js';
import { SYSTEM_ACTOR, type Ctx, type Db, type Log } from '../context.js';
import { handledWhen } from '../conversations/index.js';
import { messagesAnsweredByAutomations } from '../automations/index.js';
import { activeOptinKeywords } from '../optin/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { FAQ_ROW_PREFIX, isOpenAt, isReservedText } from './autoreplies.rules.js';
import { loadRules, type WorkspaceRules } from './settings.service.js';
import { chooseReplies, sendClaimed } from './claim.service.js';

/** A new inbound message as the scan reads it. */
export interface Inbound {
  id: string;
  workspace_id: string;
  number_id: string;
  contact_id: string;
  type: string;
  body: string | null;
  reply_id: string | null;
  sent_at: string | Date;
  created_at: string | Date;
  /** `created_at` to the microsecond, as text (a JS Date would drop the microseconds). */
  at_key: string;
  is_first: boolean;
}

/** A message that may get an auto-reply, with what the decision needs. */
export interface Eligible {
  m: Inbound;
  sentAt: Date;
  text: string;
  isOpen: boolean;
  contact: ContactOut;
  waId: string;
}

/**
 * Why only fresh messages: an answer to a message the worker reads an hour late (it was down) would
 * arrive out of place ("we are closed" in the afternoon); an agent answers those instead.
 */
const FRESH_MS = 60 * 60_000;

type Deps = { db: Db; now: Date; log: Log };
const SILENT_TYPES = new Set(['reaction', 'system']);

/** Answers a batch (in the caller's transaction). */
export async function answerBatch(deps: Deps, rows: Omit<Inbound, 'is_first'>[]): Promise<void> {
  const fresh = rows.filter((r) => deps.now.getTime() - new Date(r.sent_at).getTime() <= FRESH_MS);
  const rules = await loadRules(deps.db, [...new Set(fresh.map((r) => r.workspace_id))]);
  for (const [workspaceId, wsRules] of rules) {
    const mine = fresh.filter((r) => r.workspace_id === workspaceId && wsRules.repliesFor(r.number_id));
    if (mine.length === 0) continue;
    const ctx: Ctx = { db: deps.db, workspaceId, actor: SYSTEM_ACTOR, now: deps.now, log: deps.log };
    const eligible = await eligibleOf(ctx, wsRules, mine);
    const chosen = await chooseReplies(ctx, wsRules, eligible);
    await sendClaimed(ctx, chosen);
  }
}

/** The messages of one workspace that nothing else answers, with their facts. */
async function eligibleOf(ctx: Ctx, rules: WorkspaceRules, rows: Omit<Inbound, 'is_first'>[]): Promise<Eligible[]> {
  const settings = await getWorkspaceSettings(ctx.db, ctx.workspaceId);
  const sets = keywordSets(settings.opt_out ?? undefined);
  const optinWords = (await activeOptinKeywords(ctx.db, [ctx.workspaceId])).get(ctx.workspaceId) ?? new Set<string>();
  const left = rows.filter((r) => {
    const text = r.body ? normalizeKeyword(r.body) : '';
    // A tap on someone else's button or list (a template's quick reply, a bot's buttons, "Stop promotions") is theirs to answer.
    if (r.reply_id && !r.reply_id.startsWith(FAQ_ROW_PREFIX)) return false;
    // A reaction (👍 to our message) or a system notice (the person changed number) is not a question.
    if (SILENT_TYPES.has(r.type)) return false;
    return !isReservedText(text, sets.stop, sets.start) && !optinWords.has(text);
  });
  const handled = await handledWhen(
    ctx.db,
    left.map((r) => ({ id: r.id, workspaceId: r.workspace_id, numberId: r.number_id, contactId: r.contact_id, receivedAt: r.at_key })),
  );
  const free = left.filter((r) => !handled.has(r.id));
  const firsts = await firstMessages(ctx.db, free);
  const open: Inbound[] = free.map((r) => ({ ...r, is_first: firsts.has(r.id) }));
  const byAutomation = await messagesAnsweredByAutomations(
    ctx.db,
    open.map((r) => ({ id: r.id, workspaceId: r.workspace_id, contactId: r.contact_id, body: r.body, replyId: r.reply_id, createdAt: r.at_key, isFirst: r.is_first })),
  );
  const rest = open.filter((r) => !byAutomation.has(r.id));
  const contacts = await reachable(ctx, [...new Set(rest.map((r) => r.contact_id))]);
  return rest.flatMap((m) => {
    const contact = contacts.get(m.contact_id);
    if (!contact) return [];
    const sentAt = new Date(m.sent_at);
    return [{ m, sentAt, text: m.body ? normalizeKeyword(m.body) : '', isOpen: isOpenAt(rules.calendarFor(m.number_id), sentAt), contact, waId: contact.wa_id ?? (contact.phone ? contact.phone.slice(1) : contact.user_id!) }];
  });
}

/** Which of these messages are the person's first inbound message ever in the workspace (by their send time; within one second, by arrival, since WhatsApp stamps whole seconds). */
async function firstMessages(db: Db, rows: Omit<Inbound, 'is_first'>[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const firsts = await queryRowsOf<{ id: string }>(
    db,
    sql`select x.id from unnest(${param(rows.map((r) => r.id))}::uuid[], ${param(rows.map((r) => r.workspace_id))}::uuid[], ${param(rows.map((r) => r.contact_id))}::uuid[], ${param(rows.map((r) => new Date(r.sent_at).toISOString()))}::timestamptz[], ${param(rows.map((r) => r.at_key))}::timestamptz[]) as x(id, ws, contact, at, received)
        where not exists (select 1 from messages e where e.workspace_id = x.ws and e.contact_id = x.contact and e.direction = 'in' and (e.sent_at, e.created_at, e.id) < (x.at, x.received, x.id))`,
  );
  return new Set(firsts.map((r) => r.id));
}

/** The contacts that may get a service message: known, with an address, and not suppressed (a STOP of everything). */
async function reachable(ctx: Ctx, ids: string[]): Promise<Map<string, ContactOut>> {
  const contacts = await getContacts(ctx, ids);
  const hash = await phoneHasher(ctx.db, ctx.workspaceId);
  const addressOf = (c: ContactOut) => c.phone ?? c.user_id;
  const suppressed = await suppressedAmong(ctx.db, ctx.workspaceId, [...contacts.values()].flatMap((c) => (addressOf(c) ? [hash(addressOf(c)!)] : [])));
  for (const [id, c] of contacts) if (!addressOf(c) || suppressed.has(hash(addressOf(c)!))) contacts.delete(id);
  return contacts;
}
