// Choosing and claiming: at most one auto-reply per message, each kind at most once per 24 h per
// person and number (the claim is a conditional upsert on autoreply_sent), and the outbox rows of
// the claims that took, in the same transaction.
import { param, sql } from 'drizzle-orm';
import { enrollInAutomation } from '../automations/index.js';
import type { Ctx } from '../context.js';
import { enqueueAutomated, type AutomatedMessage, type OutboundMessage } from '../messaging/index.js';
import { queryRowsOf } from '../sql.js';
import { candidatesFor, FAQ_ROW_PREFIX, type Candidate, type FaqMenu } from './autoreplies.rules.js';
import type { Eligible } from './answer.service.js';
import type { WorkspaceRules } from './settings.service.js';

const WINDOW_MS = 24 * 3_600_000;

/** A message and the auto-reply chosen for it. */
export interface Chosen {
  e: Eligible;
  c: Candidate;
  menu: FaqMenu | null;
}

/**
 * One decision per message, in the order the person sent them, against what was sent in the last
 * 24 h (read once for the batch) plus what this batch chose already. A message some earlier pass
 * answered (a re-read) is passed over.
 */
export async function chooseReplies(ctx: Ctx, rules: WorkspaceRules, eligible: Eligible[]): Promise<Chosen[]> {
  if (eligible.length === 0) return [];
  const oldest = Math.min(...eligible.map((e) => e.sentAt.getTime())) - WINDOW_MS;
  const recent = await queryRowsOf<{ number_id: string; contact_id: string; kind: string; message_id: string; sent_at: string | Date }>(
    ctx.db,
    sql`select number_id, contact_id, kind, message_id, sent_at from autoreply_sent
        where workspace_id = ${ctx.workspaceId} and contact_id = any(${param([...new Set(eligible.map((e) => e.m.contact_id))])}::uuid[]) and sent_at > ${new Date(oldest).toISOString()}::timestamptz`,
  );
  const answered = new Set(recent.map((r) => r.message_id));
  const last = new Map<string, Map<string, number>>();
  const note = (num: string, contact: string, kind: string, at: number) => {
    const key = `${num}:${contact}`;
    (last.get(key) ?? last.set(key, new Map()).get(key)!).set(kind, at);
  };
  for (const r of recent) note(r.number_id, r.contact_id, r.kind, new Date(r.sent_at).getTime());
  const out: Chosen[] = [];
  const ordered = [...eligible].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime() || (a.m.id < b.m.id ? -1 : 1));
  for (const e of ordered) {
    if (answered.has(e.m.id)) continue;
    const replies = rules.repliesFor(e.m.number_id)!;
    const sent = last.get(`${e.m.number_id}:${e.m.contact_id}`) ?? new Map<string, number>();
    const inWindow = (at: number | undefined) => at !== undefined && at > e.sentAt.getTime() - WINDOW_MS;
    const anySent = [...sent.values()].some(inWindow);
    const c = candidatesFor({ text: e.text, replyId: e.m.reply_id, isFirst: e.m.is_first, isOpen: e.isOpen }, replies, anySent).find((x) => !inWindow(sent.get(x.key)));
    if (!c) continue;
    note(e.m.number_id, e.m.contact_id, c.key, e.sentAt.getTime());
    out.push({ e, c, menu: c.kind === 'faq_menu' ? replies.faq!.menu : null });
  }
  return out;
}

/**
 * Claims the chosen replies (one upsert: it takes only where the last one of the kind is 24 h
 * older than the message, so a concurrent or repeated pass gets nothing back), then queues what
 * the claims that took say: one outbox row per message (`autoreply:<message id>`), and FAQ
 * enrolments. The reply answers the person's message, so it is a session message inside the
 * window it opened; the outbox still refuses it at send time if the person opted out since.
 */
export async function sendClaimed(ctx: Ctx, chosen: Chosen[]): Promise<number> {
  if (chosen.length === 0) return 0;
  const col = <T>(f: (x: Chosen) => T) => param(chosen.map(f));
  const took = await queryRowsOf<{ message_id: string }>(
    ctx.db,
    sql`insert into autoreply_sent as s (workspace_id, number_id, contact_id, kind, message_id, sent_at)
        select ${ctx.workspaceId}, x.num, x.contact, x.kind, x.msg, x.at
        from unnest(${col((x) => x.e.m.number_id)}::uuid[], ${col((x) => x.e.m.contact_id)}::uuid[], ${col((x) => x.c.key)}::text[], ${col((x) => x.e.m.id)}::uuid[], ${col((x) => x.e.sentAt.toISOString())}::timestamptz[]) as x(num, contact, kind, msg, at)
        on conflict (number_id, contact_id, kind) do update set message_id = excluded.message_id, sent_at = excluded.sent_at
        where s.sent_at <= excluded.sent_at - interval '24 hours'
        returning s.message_id`,
  );
  const claimed = new Set(took.map((t) => t.message_id));
  const mine = chosen.filter((x) => claimed.has(x.e.m.id));
  const queued: AutomatedMessage[] = mine.flatMap(({ e, c, menu }) => {
    const message = messageOf(c, menu);
    return message ? [{ workspaceId: ctx.workspaceId, numberId: e.m.number_id, contactId: e.m.contact_id, waId: e.waId, kind: `auto_reply_${c.kind}`, dedupeKey: `autoreply:${e.m.id}`, message, inboundAt: e.sentAt }] : [];
  });
  await enqueueAutomated(ctx.db, queued, ctx.now);
  await enrolFromFaq(ctx, mine);
  return mine.length;
}

/** The session message of a candidate (none for a FAQ row that only enrols). */
function messageOf(c: Candidate, menu: FaqMenu | null): OutboundMessage | null {
  if (c.kind === 'faq_menu' && menu) {
    const rows = menu.rows.map((r) => ({ id: `${FAQ_ROW_PREFIX}${r.id}`, title: r.title, ...(r.description ? { description: r.description } : {}) }));
    return { type: 'interactive', interactive: { type: 'list', body: { text: menu.body }, action: { button: menu.button, sections: [{ rows }] } } };
  }
  return c.text ? { type: 'text', text: c.text } : null;
}

/** FAQ rows that enrol: one enrolment per automation for the batch (in a savepoint, so a paused automation only skips). */
async function enrolFromFaq(ctx: Ctx, mine: Chosen[]): Promise<void> {
  const byAutomation = new Map<string, string[]>();
  for (const { e, c } of mine) if (c.automationId) (byAutomation.get(c.automationId) ?? byAutomation.set(c.automationId, []).get(c.automationId)!).push(e.m.contact_id);
  for (const [automationId, contactIds] of byAutomation) {
    try {
      await ctx.db.transaction((tx) => enrollInAutomation({ ...ctx, db: tx }, automationId, { contact_ids: [...new Set(contactIds)] }));
    } catch (err) {
      ctx.log.warn({ automationId, err: { message: err instanceof Error ? err.message : String(err) } }, 'auto-reply: FAQ enrolment skipped');
    }
  }
}
