import { and, eq, param, sql } from 'drizzle-orm';
import type { Ctx } from '../context.js';
import { apiKeys, users } from './workspaces.tables.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What to call each of these users and API keys (a user's name, else their email; a key's name),
 * for showing who did what. Ids of neither, or of another workspace, are left out. Two statements
 * for any number of ids.
 */
export async function principalNames(ctx: Pick<Ctx, 'db' | 'workspaceId'>, ids: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id) => UUID.test(id)))];
  const out = new Map<string, string>();
  if (wanted.length === 0) return out;
  const people = await ctx.db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.workspaceId, ctx.workspaceId), sql`${users.id} = any(${param(wanted)}::uuid[])`));
  for (const u of people) out.set(u.id, u.name.trim() || u.email);
  const keys = await ctx.db
    .select({ id: apiKeys.id, name: apiKeys.name })
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, ctx.workspaceId), sql`${apiKeys.id} = any(${param(wanted)}::uuid[])`));
  for (const k of keys) out.set(k.id, k.name);
  return out;
}
