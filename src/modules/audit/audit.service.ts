import { and, eq, gte, like, lt, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context.js';
import { mapPage, type Page } from '../../lib/pagination.js';
import { workspaceRowsByKey } from '../sql.js';
import { auditLog } from './audit.tables.js';

/** What a mutation records about itself. */
export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/** An audit row as the API shows it. */
export interface AuditRecord {
  id: number;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
  created_at: string;
}

/** Appends an audit row; call it with the same `ctx.db` (transaction) as the change it describes. */
export async function recordAudit(ctx: Ctx, entry: AuditEntry): Promise<void> {
  await ctx.db.insert(auditLog).values({
    workspaceId: ctx.workspaceId,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    details: entry.details ?? {},
    requestId: ctx.requestId ?? null,
    createdAt: ctx.now,
  });
}

/** Filters for reading the audit log. */
export interface AuditQuery {
  limit: number;
  cursor?: string;
  /** An exact action (`consent.withdrawn`), or a family ending in `.*` (`consent.*`). */
  action?: string;
  targetType?: string;
  targetId?: string;
  actorType?: string;
  actorId?: string;
  /** Entries about this contact: its own rows (target `contact`). */
  contactId?: string;
  /** Entries at or after this instant. */
  since?: Date;
  /** Entries before this instant. */
  until?: Date;
}

// `consent.*` matches every consent action; LIKE's own wildcards in the family name are escaped.
function actionFilter(action: string | undefined): SQL | undefined {
  if (!action) return undefined;
  if (!action.endsWith('.*')) return eq(auditLog.action, action);
  const family = action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`);
  return like(auditLog.action, `${family}%`);
}

// Every filter is an equality or range on audit_log's own columns, so one statement answers a page.
function auditFilters(q: AuditQuery): (SQL | undefined)[] {
  return [
    actionFilter(q.action),
    q.targetType ? eq(auditLog.targetType, q.targetType) : undefined,
    q.targetId ? eq(auditLog.targetId, q.targetId) : undefined,
    q.contactId ? and(eq(auditLog.targetType, 'contact'), eq(auditLog.targetId, q.contactId)) : undefined,
    q.actorType ? eq(auditLog.actorType, q.actorType) : undefined,
    q.actorId ? eq(auditLog.actorId, q.actorId) : undefined,
    q.since ? gte(auditLog.createdAt, q.since) : undefined,
    q.until ? lt(auditLog.createdAt, q.until) : undefined,
  ];
}

/** Lists the workspace's audit log, newest first, with keyset paging. */
export async function listAuditLog(ctx: Ctx, q: AuditQuery): Promise<Page<AuditRecord>> {
  const page = await workspaceRowsByKey(ctx.db, auditLog, {
    workspaceId: ctx.workspaceId,
    key: 'id',
    kind: 'int',
    order: 'desc',
    filters: auditFilters(q),
    limit: q.limit,
    cursor: q.cursor,
  });
  return mapPage(page, (r) => ({
    id: r.id,
    actor_type: r.actorType,
    actor_id: r.actorId,
    action: r.action,
    target_type: r.targetType,
    target_id: r.targetId,
    details: r.details,
    request_id: r.requestId,
    created_at: r.createdAt.toISOString(),
  }));
}
