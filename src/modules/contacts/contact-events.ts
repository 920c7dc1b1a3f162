// What outbound webhooks say about a contact: the fields a CRM keys on (id, phone, name) and the
// profile it syncs. Built here, by the owner of `contacts`, for events other modules emit too.
import { sql, type SQL } from 'drizzle-orm';
import { emitEvents } from '../hooks/index.js';
import type { Db } from '../context.js';
import type { ContactOut } from './contacts.schemas.js';

/** A contact as `contact.created` / `contact.updated` events carry it (never notes: free text agents write). */
export function contactEventData(c: Pick<ContactOut, 'id' | 'phone' | 'wa_id' | 'name' | 'profile_name' | 'country' | 'timezone' | 'language' | 'attributes' | 'tags'>): Record<string, unknown> {
  return { contact_id: c.id, phone: c.phone, wa_id: c.wa_id, name: c.name, profile_name: c.profile_name, country: c.country, timezone: c.timezone, language: c.language, tags: c.tags, attributes: c.attributes };
}

/** Emits `contact.created` or `contact.updated` in the caller's transaction. */
export async function emitContactEvent(db: Db, workspaceId: string, type: 'contact.created' | 'contact.updated', c: Parameters<typeof contactEventData>[0], now: Date, changed?: string[]): Promise<void> {
  await emitEvents(db, workspaceId, [{ type, data: { ...contactEventData(c), ...(changed ? { changed } : {}), occurred_at: now.toISOString() } }], now);
}

/**
 * A jsonb SQL expression `{ phone, name }` of the workspace's contact `contactId` (a SQL expression
 * such as a column of the caller's set-based statement), for events other modules build in SQL.
 */
export function contactCardSql(workspaceId: string, contactId: SQL): SQL {
  return sql`coalesce((select jsonb_build_object('phone', card.phone, 'name', coalesce(card.name, card.profile_name)) from contacts card where card.id = ${contactId} and card.workspace_id = ${workspaceId}::uuid), '{}'::jsonb)`;
}
