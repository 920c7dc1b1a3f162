// Reads the opt-in code shares: a source's topics, its business number and the business name.
import { AppError } from '../../lib/errors.js';
import { topicsById, type TopicRef } from '../consent/index.js';
import type { Db } from '../context.js';
import { numberForLink } from '../numbers/index.js';
import { getWorkspace } from '../workspaces/index.js';
import type { PageData } from './optin.schemas.js';
import { and, eq, inArray } from 'drizzle-orm';
import { optinSources } from './optin.tables.js';
import { waDigits } from './optin.rules.js';

/** An opt-in source row. */
export type SourceRow = typeof optinSources.$inferSelect;

/** A topic as the opt-in statements name it. */
export type SourceTopic = TopicRef;

/** The topics of a source, in the source's order (topics deleted since are left out). */
export async function topicsOfSource(db: Db, row: Pick<SourceRow, 'workspaceId' | 'topicIds'>): Promise<SourceTopic[]> {
  const byId = await topicsById(db, row.workspaceId, row.topicIds);
  return row.topicIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

/** The business number a source's link opens: its own, else the workspace's first connected number. */
export async function numberOfSource(db: Db, row: Pick<SourceRow, 'workspaceId' | 'numberId'>): Promise<{ id: string; digits: string; verifiedName: string | null } | undefined> {
  const n = await numberForLink(db, row.workspaceId, row.numberId);
  return n ? { id: n.id, digits: waDigits(n.displayNumber), verifiedName: n.verifiedName } : undefined;
}

/** Like `numberOfSource`, but a source without any number is a 422 telling how to fix it. */
export async function requireNumberOfSource(db: Db, row: Pick<SourceRow, 'workspaceId' | 'numberId'>): Promise<{ id: string; digits: string; verifiedName: string | null }> {
  const n = await numberOfSource(db, row);
  if (!n || n.digits.length < 7) {
    throw new AppError('VALIDATION_FAILED', 'number_id: connect a WhatsApp business number first (POST /api/v1/phone-numbers), or set number_id on the source', {
      fields: [{ field: 'number_id', message: 'no business number to link to' }],
    });
  }
  return n;
}

/** The business name people see: the form's, else the number's verified name, else the workspace's name. */
export async function businessNameOf(db: Db, row: Pick<SourceRow, 'workspaceId' | 'page'>, verifiedName: string | null = null): Promise<string> {
  const fromPage = (row.page as PageData | null)?.business_name;
  if (fromPage) return fromPage;
  if (verifiedName) return verifiedName;
  return (await getWorkspace({ db, workspaceId: row.workspaceId })).name;
}

/** The active opt-in keywords (normalised) of these workspaces: messages that are an opt-in get the welcome, nothing else. */
export async function activeOptinKeywords(db: Db, workspaceIds: string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (workspaceIds.length === 0) return out;
  const rows = await db
    .select({ workspaceId: optinSources.workspaceId, keyword: optinSources.keyword })
    .from(optinSources)
    .where(and(inArray(optinSources.workspaceId, workspaceIds), eq(optinSources.status, 'active')));
  for (const r of rows) if (r.keyword) (out.get(r.workspaceId) ?? out.set(r.workspaceId, new Set()).get(r.workspaceId)!).add(r.keyword);
  return out;
}
