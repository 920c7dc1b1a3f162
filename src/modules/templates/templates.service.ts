import { and, eq, or } from 'drizzle-orm';
import type { Db } from '../context.js';
import { templates } from './templates.tables.js';

/** A `message_template_status_update` event, normalised. */
export interface TemplateStatusChange {
  wabaId: string;
  metaId: string;
  name: string;
  language: string;
  event: string;
  reason: string | null;
  category: string | null;
  at: Date;
}

/** Applies an approval/rejection/pause webhook to every workspace that holds the template. */
export async function applyTemplateStatus(db: Db, c: TemplateStatusChange): Promise<number> {
  const rows = await db
    .update(templates)
    .set({
      status: c.event,
      metaId: c.metaId,
      ...(c.category ? { category: c.category } : {}),
      rejectionReason: c.event === 'REJECTED' ? (c.reason ?? 'NONE') : null,
      updatedAt: c.at,
    })
    .where(and(eq(templates.wabaId, c.wabaId), or(eq(templates.metaId, c.metaId), and(eq(templates.name, c.name), eq(templates.language, c.language)))))
    .returning({ id: templates.id });
  return rows.length;
}

/** Applies a `message_template_quality_update`. */
export async function applyTemplateQuality(db: Db, c: { wabaId: string; metaId: string; quality: string; at: Date }): Promise<number> {
  const rows = await db
    .update(templates)
    .set({ qualityScore: c.quality, updatedAt: c.at })
    .where(and(eq(templates.wabaId, c.wabaId), eq(templates.metaId, c.metaId)))
    .returning({ id: templates.id });
  return rows.length;
}
