import { and, asc, eq, inArray } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/index.js';
import { workspaceRowById } from '../sql.js';
import type { Ctx, Db } from '../context.js';
import { createTopicIn, updateTopicIn, type TopicOut } from './consent.schemas.js';
import { topics } from './consent.tables.js';

/** Maps a topic row to the API shape. */
export function toTopicOut(r: typeof topics.$inferSelect): TopicOut {
  return { id: r.id, key: r.key, name: r.name, category: r.category as TopicOut['category'], description: r.description, frequency: r.frequency, created_at: r.createdAt.toISOString() };
}

/** Creates a topic people can subscribe to. */
export async function createTopic(ctx: Ctx, input: unknown): Promise<TopicOut> {
  const data = createTopicIn.parse(input);
  const [row] = await ctx.db
    .insert(topics)
    .values({ workspaceId: ctx.workspaceId, key: data.key, name: data.name, category: data.category, description: data.description ?? null, frequency: data.frequency ?? null, createdAt: ctx.now, updatedAt: ctx.now })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError('TOPIC_KEY_TAKEN', `a topic with key "${data.key}" already exists`, { field: 'key' });
  await recordAudit(ctx, { action: 'topic.created', targetType: 'topic', targetId: row.id, details: { key: row.key, category: row.category } });
  return toTopicOut(row);
}

/** Changes a topic's name, description or promised frequency. */
export async function updateTopic(ctx: Ctx, id: string, input: unknown): Promise<TopicOut> {
  const data = updateTopicIn.parse(input);
  const [row] = await ctx.db
    .update(topics)
    .set({ ...(data.name !== undefined ? { name: data.name } : {}), ...(data.description !== undefined ? { description: data.description } : {}), ...(data.frequency !== undefined ? { frequency: data.frequency } : {}), updatedAt: ctx.now })
    .where(and(eq(topics.id, id), eq(topics.workspaceId, ctx.workspaceId)))
    .returning();
  if (!row) throw notFound('topic', id);
  await recordAudit(ctx, { action: 'topic.updated', targetType: 'topic', targetId: id, details: { fields: Object.keys(data) } });
  return toTopicOut(row);
}

/** Every topic of the workspace (a workspace has a handful). */
export async function listTopics(db: Db, workspaceId: string): Promise<TopicOut[]> {
  const rows = await db.select().from(topics).where(eq(topics.workspaceId, workspaceId)).orderBy(asc(topics.createdAt), asc(topics.key));
  return rows.map(toTopicOut);
}

/** One topic by id. */
export async function getTopic(ctx: Ctx, id: string): Promise<TopicOut> {
  const row = await workspaceRowById(ctx, topics, id, 'topic');
  return toTopicOut(row);
}

/** Resolves topic keys to topics, failing with a 422 that names the unknown key. */
export async function topicsByKeys(db: Db, workspaceId: string, keys: string[], field = 'topic'): Promise<TopicOut[]> {
  const all = await listTopics(db, workspaceId);
  return keys.map((k) => {
    const t = all.find((x) => x.key === k);
    if (!t) throw new AppError('VALIDATION_FAILED', `${field}: no topic with key "${k}"; create it first (POST /api/v1/topics)`, { fields: [{ field, message: `unknown topic "${k}"` }] });
    return t;
  });
}

/** A topic as other modules name it (opt-in statements, a broadcast's audience). */
export interface TopicRef {
  id: string;
  key: string;
  name: string;
  frequency: string | null;
}

/** The workspace's topics with these ids, by id (ids of deleted or foreign topics are absent). */
export async function topicsById(db: Db, workspaceId: string, ids: string[]): Promise<Map<string, TopicRef>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: topics.id, key: topics.key, name: topics.name, frequency: topics.frequency })
    .from(topics)
    .where(and(eq(topics.workspaceId, workspaceId), inArray(topics.id, ids)));
  return new Map(rows.map((t) => [t.id, t]));
}
