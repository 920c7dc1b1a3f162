import { and, eq, gt, isNull, param, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import { mapPage, type Page } from '../../lib/pagination.js';
import { workspaceRowsByKey } from '../sql.js';
import { recordAudit } from '../audit/index.js';
import { contactSubjectOf } from '../contacts/index.js';
import type { Ctx, Db } from '../context.js';
import { optOutNotes } from './consent.tables.js';
import { appendConsentEvents } from './ledger.service.js';
import { addSuppressions, phoneHasher, suppressionSubject } from './suppression.service.js';

/** A message kept for review, or an opt-out reason. */
export interface OptOutNoteOut {
  id: number;
  kind: string;
  contact_id: string | null;
  text: string | null;
  wamid: string | null;
  created_at: string;
  reviewed_at: string | null;
}

function toOut(r: typeof optOutNotes.$inferSelect): OptOutNoteOut {
  return { id: r.id, kind: r.kind, contact_id: r.contactId, text: r.text, wamid: r.wamid, created_at: r.createdAt.toISOString(), reviewed_at: r.reviewedAt?.toISOString() ?? null };
}

/**
 * Keeps a message for review (`review`: mentions a STOP word without being a clear opt-out) or an
 * opt-out reason (`reason`). A message already kept (same wamid) is left as it is.
 */
export async function addOptOutNote(db: Db, n: { workspaceId: string; contactId: string; kind: 'review' | 'reason'; text: string | null; wamid: string | null; at: Date }): Promise<void> {
  await db.insert(optOutNotes).values({ workspaceId: n.workspaceId, contactId: n.contactId, kind: n.kind, text: n.text, wamid: n.wamid, createdAt: n.at }).onConflictDoNothing();
}

/** Whether the contact already gave an opt-out reason after `since`. */
export async function hasOptOutReasonSince(db: Db, workspaceId: string, contactId: string, since: Date): Promise<boolean> {
  const [row] = await db.select({ id: optOutNotes.id }).from(optOutNotes).where(and(eq(optOutNotes.workspaceId, workspaceId), eq(optOutNotes.contactId, contactId), eq(optOutNotes.kind, 'reason'), gt(optOutNotes.createdAt, since))).limit(1);
  return row !== undefined;
}

/** Messages that mention a STOP word without being a clear opt-out ("review"), and opt-out reasons ("reason"), newest first. */
export async function listOptOutNotes(ctx: Ctx, q: { kind?: 'review' | 'reason'; open?: boolean; limit: number; cursor?: string }): Promise<Page<OptOutNoteOut>> {
  const page = await workspaceRowsByKey(ctx.db, optOutNotes, {
    workspaceId: ctx.workspaceId,
    key: 'id',
    kind: 'int',
    order: 'desc',
    filters: [q.kind ? eq(optOutNotes.kind, q.kind) : undefined, q.open ? isNull(optOutNotes.reviewedAt) : undefined],
    limit: q.limit,
    cursor: q.cursor,
  });
  return mapPage(page, toOut);
}

/**
 * Settles a message kept for review: `opt_out` withdraws every topic and suppresses the number
 * (the reviewer read it as a STOP), `dismiss` leaves consent as it is. Either way it is marked reviewed.
 */
export async function resolveOptOutNote(ctx: Ctx, id: number, action: 'opt_out' | 'dismiss'): Promise<OptOutNoteOut> {
  const [note] = await ctx.db.select().from(optOutNotes).where(and(eq(optOutNotes.id, id), eq(optOutNotes.workspaceId, ctx.workspaceId), eq(optOutNotes.kind, 'review')));
  if (!note) throw notFound('review item', String(id));
  if (note.reviewedAt) throw new AppError('CONFLICT', 'this message was already reviewed', { reviewed_at: note.reviewedAt.toISOString() });
  if (action === 'opt_out' && note.contactId) {
    const c = await contactSubjectOf(ctx.db, ctx.workspaceId, note.contactId);
    const hash = (await phoneHasher(ctx.db, ctx.workspaceId))(suppressionSubject(c!));
    await appendConsentEvents(
      ctx.db,
      ctx.workspaceId,
      ctx.actor,
      [{ contactId: note.contactId, phoneHash: hash, topicId: null, action: 'withdraw', source: 'agent', evidence: { note: 'reviewed message read as an opt-out', text: note.text ?? '', ...(note.wamid ? { wamid: note.wamid } : {}) }, occurredAt: note.createdAt, dedupeKey: `review:${note.id}` }],
      ctx.now,
    );
    await addSuppressions(ctx.db, ctx.workspaceId, [hash], 'opted_out', 'agent', ctx.now);
  }
  const [row] = await ctx.db.update(optOutNotes).set({ reviewedAt: ctx.now }).where(eq(optOutNotes.id, note.id)).returning();
  await recordAudit(ctx, { action: `opt_out_review.${action}`, targetType: 'contact', targetId: note.contactId, details: { note_id: note.id } });
  return toOut(row!);
}

/** Merge step: the opt-out notes of the dropped contacts move to the kept one. */
export async function moveOptOutNotes(db: Db, workspaceId: string, keepId: string, dropIds: string[]): Promise<void> {
  await db.execute(sql`update opt_out_notes set contact_id = ${keepId} where workspace_id = ${workspaceId} and contact_id = any(${param(dropIds)}::uuid[])`);
}
