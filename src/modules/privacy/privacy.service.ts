import { and, asc, eq } from 'drizzle-orm';
import { notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/index.js';
import { addSuppressions, anonymiseConsentLedger, getContactConsent, phoneHasher, suppressionSubject, type ConsentViewOut } from '../consent/index.js';
import { optOutNotes } from '../consent/consent.tables.js';
import { contacts } from '../contacts/contacts.tables.js';
import { contactColumns, eraseContactRow, toContactOut, type ContactOut } from '../contacts/index.js';
import type { Ctx } from '../context.js';
import { messages } from '../messaging/messaging.tables.js';
import { contactEvents } from '../engagement/engagement.tables.js';
import { getContactEngagement, type EngagementOut } from '../engagement/index.js';
import { lifecycleTransitions } from '../lifecycle/lifecycle.tables.js';
import { segmentMembers, segments } from '../segments/segments.tables.js';
import { broadcastRecipients, broadcasts } from '../broadcasts/broadcasts.tables.js';
import { eraseWaIdTraces, toMessageOut, type MessageOut } from '../messaging/index.js';
import { eraseWebhookBodies } from '../inbound/index.js';
import { eraseOptinSubmissions } from '../optin/index.js';
import { eraseBroadcastRecipients } from '../broadcasts/index.js';

/** Everything Greenlist holds about one contact (GDPR Art. 15/20, CCPA access): machine-readable. */
export interface ContactExport {
  exported_at: string;
  contact: ContactOut;
  consent: ConsentViewOut;
  messages: MessageOut[];
  opt_out_notes: { kind: string; text: string | null; created_at: string }[];
  events: { type: string; properties: Record<string, unknown>; products: string[]; amount: string | null; currency: string | null; occurred_at: string }[];
  /** The same shape as GET /contacts/:id/engagement (snake_case, zeros when nothing happened yet). */
  engagement: EngagementOut;
  lifecycle: { stage: string; transitions: { from: string; to: string; reason: string; at: string }[] };
  lists: { id: string; name: string; added_at: string }[];
  broadcasts: { id: string; name: string; state: string; reason: string | null; sent_at: string | null; replied_at: string | null; clicked_at: string | null; opted_out_at: string | null }[];
}

/** Builds the access/portability export for a contact. */
export async function exportContact(ctx: Ctx, id: string): Promise<ContactExport> {
  const [row] = await ctx.db.select(contactColumns()).from(contacts).where(and(eq(contacts.id, id), eq(contacts.workspaceId, ctx.workspaceId)));
  if (!row) throw notFound('contact', id);
  const consent = await getContactConsent(ctx, id);
  const log = await ctx.db.select().from(messages).where(and(eq(messages.workspaceId, ctx.workspaceId), eq(messages.contactId, id))).orderBy(asc(messages.sentAt), asc(messages.id));
  const notes = await ctx.db.select().from(optOutNotes).where(and(eq(optOutNotes.workspaceId, ctx.workspaceId), eq(optOutNotes.contactId, id))).orderBy(asc(optOutNotes.createdAt));
  const events = await ctx.db.select().from(contactEvents).where(and(eq(contactEvents.workspaceId, ctx.workspaceId), eq(contactEvents.contactId, id))).orderBy(asc(contactEvents.id));
  const engagement = await getContactEngagement(ctx, id);
  const transitions = await ctx.db.select().from(lifecycleTransitions).where(and(eq(lifecycleTransitions.workspaceId, ctx.workspaceId), eq(lifecycleTransitions.contactId, id))).orderBy(asc(lifecycleTransitions.id));
  const lists = await ctx.db
    .select({ id: segments.id, name: segments.name, addedAt: segmentMembers.addedAt })
    .from(segmentMembers)
    .innerJoin(segments, eq(segments.id, segmentMembers.segmentId))
    .where(and(eq(segmentMembers.workspaceId, ctx.workspaceId), eq(segmentMembers.contactId, id)));
  const received = await ctx.db
    .select({ id: broadcasts.id, name: broadcasts.name, r: broadcastRecipients })
    .from(broadcastRecipients)
    .innerJoin(broadcasts, eq(broadcasts.id, broadcastRecipients.broadcastId))
    .where(and(eq(broadcastRecipients.workspaceId, ctx.workspaceId), eq(broadcastRecipients.contactId, id)))
    .orderBy(asc(broadcastRecipients.id));
  await recordAudit(ctx, { action: 'contact.exported', targetType: 'contact', targetId: id });
  return {
    exported_at: ctx.now.toISOString(),
    contact: toContactOut(row),
    consent,
    messages: log.map(toMessageOut),
    opt_out_notes: notes.map((n) => ({ kind: n.kind, text: n.text, created_at: n.createdAt.toISOString() })),
    events: events.map((e) => ({ type: e.type, properties: e.properties, products: e.products, amount: e.amount, currency: e.currency, occurred_at: e.occurredAt.toISOString() })),
    engagement,
    lifecycle: { stage: row.lifecycleStage, transitions: transitions.map((x) => ({ from: x.fromStage, to: x.toStage, reason: x.reason, at: x.occurredAt.toISOString() })) },
    lists: lists.map((l) => ({ id: l.id, name: l.name, added_at: l.addedAt.toISOString() })),
    broadcasts: received.map(({ id: bid, name, r }) => ({
      id: bid,
      name,
      state: r.state,
      reason: r.reason,
      sent_at: r.sentAt?.toISOString() ?? null,
      replied_at: r.repliedAt?.toISOString() ?? null,
      clicked_at: r.clickedAt?.toISOString() ?? null,
      opted_out_at: r.optedOutAt?.toISOString() ?? null,
    })),
  };
}

/**
 * Erases a contact (GDPR Art. 17, CCPA deletion): the contact, its messages, statuses, windows,
 * stored webhook bodies and notes are deleted; consent events become tombstones (no contact, no
 * evidence, only action, source, time and the text hash: proof that consent existed, naming nobody);
 * the number's suppression hash is kept so no import or API call can bring the person back.
 * Runs in the caller's transaction, which is the only place the ledger may be rewritten. Each
 * module erases its own rows (its erase step); this only orders the steps.
 */
export async function eraseContact(ctx: Ctx, id: string): Promise<{ erased: true }> {
  const [row] = await ctx.db.select().from(contacts).where(and(eq(contacts.id, id), eq(contacts.workspaceId, ctx.workspaceId)));
  if (!row) throw notFound('contact', id);
  const hash = (await phoneHasher(ctx.db, ctx.workspaceId))(suppressionSubject(row));
  await addSuppressions(ctx.db, ctx.workspaceId, [hash], 'erased', 'erasure', ctx.now);
  await anonymiseConsentLedger(ctx.db, ctx.workspaceId, id);
  const waIds = [...new Set([row.waId, row.phone?.slice(1), row.userId].filter((w): w is string => !!w))];
  for (const waId of waIds) {
    await eraseWaIdTraces(ctx.db, ctx.workspaceId, waId);
    await eraseWebhookBodies(ctx.db, ctx.workspaceId, waId);
  }
  if (row.phone) await eraseOptinSubmissions(ctx.db, ctx.workspaceId, row.phone);
  await eraseBroadcastRecipients(ctx.db, ctx.workspaceId, id);
  await eraseContactRow(ctx.db, ctx.workspaceId, id);
  await recordAudit(ctx, { action: 'contact.erased', targetType: 'contact', targetId: id });
  return { erased: true };
}
