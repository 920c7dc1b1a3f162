// Small reads other modules need of a contact, so they call this module instead of its tables.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../context.js';
import { contacts } from './contacts.tables.js';

/** The workspace's contact with this id: its phone and business-scoped user id (what a suppression hashes). */
export async function contactSubjectOf(db: Db, workspaceId: string, id: string): Promise<{ id: string; phone: string | null; userId: string | null } | undefined> {
  const [c] = await db.select({ id: contacts.id, phone: contacts.phone, userId: contacts.userId }).from(contacts).where(and(eq(contacts.id, id), eq(contacts.workspaceId, workspaceId)));
  return c;
}
