// An imported number that is another WhatsApp form of an existing contact's number updates that contact.
import { param, sql } from 'drizzle-orm';
import { whatsappEquivalents } from '../../lib/phone/index.js';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/**
 * Points rows at the existing contact when their number is another form of its number
 * (+551144445555 for +5511944445555, Mexico 52/521, Argentina 54/549: docs/whatsapp-cloud-api.md
 * §7.1), so an import never splits one WhatsApp user, and their consent, into two contacts.
 * Rewrites `phone` in place; one query per chunk, and none when no row has another form.
 */
export async function adoptExistingForms(db: Db, workspaceId: string, rows: { phone: string }[]): Promise<void> {
  const forms = new Map<{ phone: string }, string[]>();
  for (const r of rows) {
    const f = whatsappEquivalents(r.phone);
    if (f.length > 1) forms.set(r, f);
  }
  if (forms.size === 0) return;
  const all = [...new Set([...forms.values()].flat())];
  const existing = new Set((await queryRowsOf<{ phone: string }>(db, sql`select phone from contacts where workspace_id = ${workspaceId}::uuid and phone = any(${param(all)}::text[])`)).map((r) => r.phone));
  for (const [row, f] of forms) {
    if (existing.has(row.phone)) continue;
    const other = f.find((p) => existing.has(p));
    if (other) row.phone = other;
  }
}
