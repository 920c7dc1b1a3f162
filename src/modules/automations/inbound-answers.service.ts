// Which inbound messages an automation answers: for auto-replies (autoreplies module), which stay
// silent for those. Read-only; mirrors the trigger scan's matching (triggers.service.ts) without
// enrolling anyone, so it gives the same answer whether the scan has read the message yet or not.
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { normalizeKeyword } from '../consent/index.js';

/** An inbound message as the question needs it. */
export interface InboundForAutomations {
  id: string;
  workspaceId: string;
  contactId: string;
  body: string | null;
  replyId: string | null;
  /** When it reached us, to the microsecond, as text (a run's `last_reply.at` is compared to it exactly). */
  createdAt: string;
  /** No earlier inbound message from this person in the workspace. */
  isFirst: boolean;
}

type Listener = { workspace_id: string; trigger: { type: string; keywords?: string[]; first_message?: boolean; payload?: string[] }; since: string | Date };

/**
 * The ids of the messages an automation answers: a published automation's keyword, first-message
 * or button trigger matches it, or it is the awaited reply of a run that asked a question (a bot's
 * question answered "42" must not also get "a person will answer within 2 hours").
 */
export async function messagesAnsweredByAutomations(db: Db, rows: InboundForAutomations[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (rows.length === 0) return out;
  const workspaceIds = [...new Set(rows.map((r) => r.workspaceId))];
  const listeners = await queryRowsOf<Listener>(
    db,
    sql`select a.workspace_id, v.definition->'trigger' as trigger, (select min(f.published_at) from automation_versions f where f.automation_id = a.id) as since
        from automations a join automation_versions v on v.automation_id = a.id and v.version = a.version
        where a.status = 'published' and a.workspace_id = any(${param(workspaceIds)}::uuid[]) and v.definition->'trigger'->>'type' in ('inbound', 'button')`,
  );
  for (const l of listeners) {
    const words = new Set((l.trigger.keywords ?? []).map(normalizeKeyword));
    for (const m of rows) {
      if (m.workspaceId !== l.workspace_id || new Date(m.createdAt) < new Date(l.since)) continue;
      const hit =
        l.trigger.type === 'button'
          ? m.replyId !== null && (l.trigger.payload ?? []).includes(m.replyId)
          : (words.size === 0 || (m.body !== null && words.has(normalizeKeyword(m.body)))) && (!l.trigger.first_message || m.isFirst);
      if (hit) out.add(m.id);
    }
  }
  // Replies to a run's question: the run waits (or waited) for this person's reply since before the message.
  const waited = await queryRowsOf<{ id: string }>(
    db,
    sql`select x.id from unnest(${param(rows.map((r) => r.id))}::uuid[], ${param(rows.map((r) => r.workspaceId))}::uuid[], ${param(rows.map((r) => r.contactId))}::uuid[], ${param(rows.map((r) => r.createdAt))}::timestamptz[]) as x(id, ws, contact, at)
        where exists (select 1 from automation_runs r where r.workspace_id = x.ws and r.contact_id = x.contact
                        and ((r.waiting_for = 'reply' and r.state = 'waiting' and (r.context->>'waiting_since')::timestamptz < x.at)
                             or (r.context->'last_reply'->>'at')::timestamptz = x.at))`,
  );
  for (const w of waited) out.add(w.id);
  return out;
}
