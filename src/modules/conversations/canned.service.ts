// Canned replies: a workspace's saved answers (CRUD), and each filled in for one conversation
// (variables from the contact, the workspace and the agent) for the composer's picker.
import { and, asc, eq, ilike, or, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/index.js';
import { getContact } from '../contacts/index.js';
import type { Ctx } from '../context.js';
import { getUser, getWorkspace } from '../workspaces/index.js';
import { firstNameOf, renderCanned, variablesIn, type CannedVariable } from './canned.rules.js';
import { cannedReplyIn, cannedReplyPatch, type CannedReplyOut, type RenderedCannedOut } from './canned.schemas.js';
import { conversationTarget } from './conversations.service.js';
import { cannedReplies } from './conversations.tables.js';

type Row = typeof cannedReplies.$inferSelect;

/** How many canned replies a workspace may keep (the picker lists them all). */
export const MAX_CANNED_REPLIES = 500;

function toOut(r: Row): CannedReplyOut {
  return { id: r.id, shortcut: r.shortcut, text: r.text, variables: variablesIn(r.text), created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString() };
}

const shortcutTaken = (shortcut: string) => new AppError('CANNED_SHORTCUT_TAKEN', `a canned reply with the shortcut "${shortcut}" already exists`, { field: 'shortcut' });

/** Drizzle wraps the driver's error, so the unique violation's code may be on `cause`. */
function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return (e.code ?? e.cause?.code) === '23505';
}

async function assertShortcutFree(ctx: Ctx, shortcut: string, exceptId?: string): Promise<void> {
  const [taken] = await ctx.db
    .select({ id: cannedReplies.id })
    .from(cannedReplies)
    .where(and(eq(cannedReplies.workspaceId, ctx.workspaceId), sql`lower(${cannedReplies.shortcut}) = lower(${shortcut})`));
  if (taken && taken.id !== exceptId) throw shortcutTaken(shortcut);
}

/** Saves a new canned reply (unknown variables are a 422 naming them). */
export async function createCannedReply(ctx: Ctx, input: unknown): Promise<CannedReplyOut> {
  const data = cannedReplyIn.parse(input);
  await assertShortcutFree(ctx, data.shortcut);
  const [{ n } = { n: 0 }] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(cannedReplies).where(eq(cannedReplies.workspaceId, ctx.workspaceId));
  if (n >= MAX_CANNED_REPLIES) throw new AppError('CANNED_LIMIT_REACHED', `a workspace keeps at most ${MAX_CANNED_REPLIES} canned replies; delete one first`);
  try {
    const [row] = await ctx.db
      .insert(cannedReplies)
      .values({ workspaceId: ctx.workspaceId, shortcut: data.shortcut, text: data.text, createdBy: ctx.actor.type === 'user' ? ctx.actor.id : null, createdAt: ctx.now, updatedAt: ctx.now })
      .returning();
    await recordAudit(ctx, { action: 'canned_reply.created', targetType: 'canned_reply', targetId: row!.id, details: { shortcut: data.shortcut } });
    return toOut(row!);
  } catch (err) {
    if (isUniqueViolation(err)) throw shortcutTaken(data.shortcut);
    throw err;
  }
}

async function loadRow(ctx: Ctx, id: string): Promise<Row> {
  const [row] = await ctx.db.select().from(cannedReplies).where(and(eq(cannedReplies.id, id), eq(cannedReplies.workspaceId, ctx.workspaceId)));
  if (!row) throw notFound('canned reply', id);
  return row;
}

/** One canned reply. */
export async function getCannedReply(ctx: Ctx, id: string): Promise<CannedReplyOut> {
  return toOut(await loadRow(ctx, id));
}

/** The workspace's canned replies by shortcut, optionally those with `q` in the shortcut or text. */
export async function listCannedReplies(ctx: Ctx, q: { q?: string | undefined } = {}): Promise<CannedReplyOut[]> {
  const like = q.q ? `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : undefined;
  const rows = await ctx.db
    .select()
    .from(cannedReplies)
    .where(and(eq(cannedReplies.workspaceId, ctx.workspaceId), like ? or(ilike(cannedReplies.shortcut, like), ilike(cannedReplies.text, like)) : undefined))
    .orderBy(asc(sql`lower(${cannedReplies.shortcut})`))
    .limit(MAX_CANNED_REPLIES);
  return rows.map(toOut);
}

/** Changes a canned reply's shortcut or text. */
export async function updateCannedReply(ctx: Ctx, id: string, input: unknown): Promise<CannedReplyOut> {
  const data = cannedReplyPatch.parse(input);
  await loadRow(ctx, id);
  if (data.shortcut !== undefined) await assertShortcutFree(ctx, data.shortcut, id);
  try {
    const [row] = await ctx.db
      .update(cannedReplies)
      .set({ ...data, updatedAt: ctx.now })
      .where(and(eq(cannedReplies.id, id), eq(cannedReplies.workspaceId, ctx.workspaceId)))
      .returning();
    await recordAudit(ctx, { action: 'canned_reply.updated', targetType: 'canned_reply', targetId: id, details: { fields: Object.keys(data) } });
    return toOut(row!);
  } catch (err) {
    if (isUniqueViolation(err) && data.shortcut) throw shortcutTaken(data.shortcut);
    throw err;
  }
}

/** Deletes a canned reply. */
export async function deleteCannedReply(ctx: Ctx, id: string): Promise<void> {
  const row = await loadRow(ctx, id);
  await ctx.db.delete(cannedReplies).where(and(eq(cannedReplies.id, id), eq(cannedReplies.workspaceId, ctx.workspaceId)));
  await recordAudit(ctx, { action: 'canned_reply.deleted', targetType: 'canned_reply', targetId: id, details: { shortcut: row.shortcut } });
}

/** The variables' values for a conversation: its contact, the workspace, and the calling agent. */
async function valuesFor(ctx: Ctx, conversationId: string): Promise<Record<CannedVariable, string | null>> {
  const { contactId } = await conversationTarget(ctx, conversationId);
  const contact = await getContact(ctx, contactId);
  const workspace = await getWorkspace(ctx);
  const agent = ctx.actor.type === 'user' && ctx.actor.id ? await getUser(ctx, ctx.actor.id) : null;
  const name = contact.name ?? contact.profile_name;
  return { first_name: firstNameOf(name), name, phone: contact.phone, business_name: workspace.name, agent_name: agent ? agent.name || null : null };
}

/** Every canned reply (or those matching `q`) filled in for one conversation the caller may see. */
export async function renderCannedReplies(ctx: Ctx, conversationId: string, q: { q?: string | undefined } = {}): Promise<RenderedCannedOut[]> {
  const values = await valuesFor(ctx, conversationId);
  return (await listCannedReplies(ctx, q)).map((r) => ({ ...r, rendered: renderCanned(r.text, values) }));
}
