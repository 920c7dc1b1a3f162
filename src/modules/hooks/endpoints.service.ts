// Webhook endpoints: create (the secret shown once), read, change, rotate, re-enable, delete.
import { and, desc, eq, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import type { SecretBox } from '../../lib/secrets.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx } from '../context.js';
import { newWebhookSecret } from './hooks.rules.js';
import { endpointIn, endpointPatch, type EndpointOut } from './hooks.schemas.js';
import { hookEndpoints } from './hooks.tables.js';

/** What endpoint use cases need besides the context: the secret box and the URL policy. */
export interface HookDeps {
  box: SecretBox;
  /** Why a URL may not be stored (see `webhookUrlProblem`), or undefined. */
  checkUrl: (url: string) => string | undefined;
}

type Row = typeof hookEndpoints.$inferSelect;

/** How many endpoints a workspace may keep (every event fans out to each). */
export const MAX_ENDPOINTS = 20;

function toOut(r: Row, secret?: string): EndpointOut {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    events: r.events,
    enabled: r.enabled,
    disabled_reason: r.disabledReason,
    failing_since: r.failingSince?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    ...(secret ? { secret } : {}),
  };
}

function assertUrl(deps: HookDeps, url: string): void {
  const why = deps.checkUrl(url);
  if (why) throw new AppError('VALIDATION_FAILED', `url ${why}`, { fields: [{ field: 'url', message: why }] });
}

/** Adds an endpoint; the answer carries its signing secret, the only time it is shown. */
export async function createEndpoint(ctx: Ctx, deps: HookDeps, input: unknown): Promise<EndpointOut> {
  const d = endpointIn.parse(input);
  assertUrl(deps, d.url);
  const [{ n } = { n: 0 }] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(hookEndpoints).where(eq(hookEndpoints.workspaceId, ctx.workspaceId));
  if (n >= MAX_ENDPOINTS) throw new AppError('WEBHOOK_ENDPOINT_LIMIT_REACHED', `a workspace keeps at most ${MAX_ENDPOINTS} webhook endpoints; delete one first`);
  const secret = newWebhookSecret();
  const [row] = await ctx.db
    .insert(hookEndpoints)
    .values({ workspaceId: ctx.workspaceId, url: d.url, description: d.description ?? null, events: [...new Set(d.events)], secretSealed: deps.box.seal(secret), createdAt: ctx.now, updatedAt: ctx.now })
    .returning();
  await recordAudit(ctx, { action: 'webhook_endpoint.created', targetType: 'webhook_endpoint', targetId: row!.id, details: { url: d.url, events: row!.events } });
  return toOut(row!, secret);
}

/** The workspace's endpoint row (404 for another workspace's or an unknown id). */
export async function endpointRow(ctx: Pick<Ctx, 'db' | 'workspaceId'>, id: string): Promise<Row> {
  const [row] = await ctx.db.select().from(hookEndpoints).where(and(eq(hookEndpoints.id, id), eq(hookEndpoints.workspaceId, ctx.workspaceId)));
  if (!row) throw notFound('webhook endpoint', id);
  return row;
}

/** One endpoint, without its secret. */
export async function getEndpoint(ctx: Ctx, id: string): Promise<EndpointOut> {
  return toOut(await endpointRow(ctx, id));
}

/** The workspace's endpoints, newest first (a workspace has at most `MAX_ENDPOINTS`). */
export async function listEndpoints(ctx: Ctx): Promise<{ data: EndpointOut[]; next_cursor: null }> {
  const rows = await ctx.db.select().from(hookEndpoints).where(eq(hookEndpoints.workspaceId, ctx.workspaceId)).orderBy(desc(hookEndpoints.createdAt), desc(hookEndpoints.id));
  return { data: rows.map((r) => toOut(r)), next_cursor: null };
}

/** Changes an endpoint: URL, events, description, enabled (re-enabling clears the failure run), or a new secret (returned once). */
export async function updateEndpoint(ctx: Ctx, deps: HookDeps, id: string, input: unknown): Promise<EndpointOut> {
  const d = endpointPatch.parse(input);
  const current = await endpointRow(ctx, id);
  if (d.url !== undefined) assertUrl(deps, d.url);
  const secret = d.rotate_secret ? newWebhookSecret() : undefined;
  const enabling = d.enabled === true && !current.enabled;
  const [row] = await ctx.db
    .update(hookEndpoints)
    .set({
      ...(d.url !== undefined ? { url: d.url } : {}),
      ...(d.events !== undefined ? { events: [...new Set(d.events)] } : {}),
      ...(d.description !== undefined ? { description: d.description } : {}),
      ...(d.enabled !== undefined ? { enabled: d.enabled, disabledReason: d.enabled ? null : 'disabled by a user' } : {}),
      ...(enabling ? { failingSince: null } : {}),
      ...(secret ? { secretSealed: deps.box.seal(secret) } : {}),
      updatedAt: ctx.now,
    })
    .where(and(eq(hookEndpoints.id, id), eq(hookEndpoints.workspaceId, ctx.workspaceId)))
    .returning();
  const changed = Object.keys(d).filter((k) => k !== 'rotate_secret');
  await recordAudit(ctx, { action: secret ? 'webhook_endpoint.secret_rotated' : 'webhook_endpoint.updated', targetType: 'webhook_endpoint', targetId: id, details: { changed, ...(d.url ? { url: d.url } : {}) } });
  return toOut(row!, secret);
}

/** Removes an endpoint and its delivery log. */
export async function deleteEndpoint(ctx: Ctx, id: string): Promise<void> {
  const current = await endpointRow(ctx, id);
  await ctx.db.delete(hookEndpoints).where(and(eq(hookEndpoints.id, id), eq(hookEndpoints.workspaceId, ctx.workspaceId)));
  await recordAudit(ctx, { action: 'webhook_endpoint.deleted', targetType: 'webhook_endpoint', targetId: id, details: { url: current.url } });
}
