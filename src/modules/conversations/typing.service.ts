// "An agent is replying": presence for the other agents (a NOTIFY on the inbox channel, so every
// API process's streams hear it) and, while the 24 h window is open, WhatsApp's typing indicator
// for the person, which also marks their messages read (so the read mark moves here too).
import { and, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../context.js';
import { getUser } from '../workspaces/index.js';
import { windowOf } from './conversations.rules.js';
import { conversationTarget } from './conversations.service.js';
import { conversations } from './conversations.tables.js';
import { notifyChanged, notifyTyping } from './notify.js';

/**
 * Announces that the caller is typing in a conversation they may see; returns the person's newest
 * message to send the typing indicator for (null: the window is closed or they never wrote, so no
 * free-form reply can follow and WhatsApp is not told).
 */
export async function startTyping(ctx: Ctx, id: string): Promise<{ numberId: string; wamid: string | null }> {
  const { numberId } = await conversationTarget(ctx, id);
  const userId = ctx.actor.type === 'user' ? ctx.actor.id : null;
  const name = userId ? (await getUser(ctx, userId)).name || null : null;
  await notifyTyping(ctx.db, { workspace_id: ctx.workspaceId, conversation_id: id, user_id: userId, name });
  const [c] = await ctx.db
    .select({ wamid: conversations.lastInboundWamid, lastInboundAt: conversations.lastInboundAt, readAt: conversations.readAt })
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.workspaceId, ctx.workspaceId)));
  if (!c?.wamid || !windowOf(c.lastInboundAt, ctx.now).open) return { numberId, wamid: null };
  // WhatsApp's indicator marks the message (and every earlier one) read: the inbox's mark follows.
  if (!c.readAt || (c.lastInboundAt && c.readAt < c.lastInboundAt)) {
    await ctx.db
      .update(conversations)
      .set({ readAt: sql`greatest(${conversations.readAt}, ${conversations.lastInboundAt})`, updatedAt: ctx.now })
      .where(and(eq(conversations.id, id), eq(conversations.workspaceId, ctx.workspaceId)));
    await notifyChanged(ctx.db, [{ id, workspace_id: ctx.workspaceId }]);
  }
  return { numberId, wamid: c.wamid };
}
