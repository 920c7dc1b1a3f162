import { and, asc, eq } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { recordAudit } from '../audit/index.js';
import { getContact } from '../contacts/index.js';
import type { Ctx } from '../context.js';
import { GRANT_SOURCES, SYSTEM_ONLY_SOURCES, USER_INITIATED, missingEvidence } from './consent.rules.js';
import { consentEventIn, type ConsentEventOut, type ConsentViewOut } from './consent.schemas.js';
import { consentEvents, consentState, topics } from './consent.tables.js';
import { appendConsentEvents } from './ledger.service.js';
import { preferencesOf } from './preferences.ledger.js';
import { phoneHasher, removeSuppression, suppressedAmong, suppressionSubject } from './suppression.service.js';
import { listTopics, topicsByKeys } from './topics.service.js';

function toEventOut(r: typeof consentEvents.$inferSelect, topicKeys: Map<string, string>): ConsentEventOut {
  return {
    id: r.id,
    contact_id: r.contactId,
    topic: r.topicId ? (topicKeys.get(r.topicId) ?? null) : r.action === 'grant' || r.action === 'withdraw' ? '*' : null,
    action: r.action as ConsentEventOut['action'],
    source: r.source,
    evidence: r.evidence,
    text_hash: r.textHash,
    actor: { type: r.actorType, id: r.actorId },
    occurred_at: r.occurredAt.toISOString(),
    recorded_at: r.recordedAt.toISOString(),
  };
}

/**
 * Records a grant or withdrawal for a contact through the API (in-app and website forms, agents).
 * A grant needs the evidence its source requires (422 naming what is missing) and is refused with
 * 409 when the person opted out: only they can opt in again, from WhatsApp or a confirmed form.
 */
export async function recordContactConsent(ctx: Ctx, contactId: string, input: unknown): Promise<ConsentEventOut> {
  const data = consentEventIn.parse(input);
  const contact = await getContact(ctx, contactId);
  if (SYSTEM_ONLY_SOURCES.has(data.source) && !USER_INITIATED.has(data.source) && ctx.actor.type !== 'system') {
    throw new AppError('VALIDATION_FAILED', `source: "${data.source}" is recorded by Greenlist itself from the person's preference page; use "api", "agent" or "web_form"`, { fields: [{ field: 'source', message: 'reserved for the preference centre' }] });
  }
  if (data.action === 'grant') {
    if (!GRANT_SOURCES.includes(data.source)) {
      throw new AppError('VALIDATION_FAILED', `source: "${data.source}" only records withdrawals; a grant comes from ${GRANT_SOURCES.join(', ')}`, { fields: [{ field: 'source', message: 'not a grant source' }] });
    }
    if (USER_INITIATED.has(data.source) && ctx.actor.type !== 'system') {
      throw new AppError('VALIDATION_FAILED', `source: "${data.source}" is recorded by Greenlist itself from WhatsApp traffic; use "api", "agent" or "web_form"`, { fields: [{ field: 'source', message: 'reserved for WhatsApp-originated consent' }] });
    }
    const missing = missingEvidence(data.source, data.evidence);
    if (missing.length > 0) {
      throw new AppError('CONSENT_EVIDENCE_MISSING', `a ${data.source} grant needs ${missing.join(', ')}: consent without proof is not recorded`, { missing });
    }
  }
  if (data.topic === '*' && data.action === 'grant') {
    throw new AppError('VALIDATION_FAILED', 'topic: a grant names one topic; people agree to specific topics, not to everything', { fields: [{ field: 'topic', message: 'name a topic key' }] });
  }
  const topicIds = data.topic === '*' ? [null] : (await topicsByKeys(ctx.db, ctx.workspaceId, [data.topic])).map((t) => t.id);
  const hash = (await phoneHasher(ctx.db, ctx.workspaceId))(suppressionSubject(contact));
  const occurredAt = data.occurred_at ? new Date(data.occurred_at) : ctx.now;
  if (occurredAt.getTime() > ctx.now.getTime() + 5 * 60_000) {
    throw new AppError('VALIDATION_FAILED', 'occurred_at: must not be in the future', { fields: [{ field: 'occurred_at', message: 'in the future' }] });
  }
  const evidence = { ...data.evidence, ...(ctx.requestId ? { request_id: ctx.requestId } : {}) };
  const res = await appendConsentEvents(
    ctx.db,
    ctx.workspaceId,
    ctx.actor,
    topicIds.map((topicId) => ({ contactId, phoneHash: hash, topicId, action: data.action, source: data.source, evidence, occurredAt, dedupeKey: null })),
    ctx.now,
  );
  if (res.blocked.length > 0) {
    throw new AppError('CONSENT_SUPPRESSED', 'this person opted out; only they can opt in again (by WhatsApp keyword or a confirmed opt-in form)', { contact_id: contactId });
  }
  if (data.action === 'grant' && USER_INITIATED.has(data.source)) await removeSuppression(ctx.db, ctx.workspaceId, hash);
  const event = res.recorded[0]!;
  await recordAudit(ctx, { action: `consent.${data.action === 'grant' ? 'granted' : 'withdrawn'}`, targetType: 'contact', targetId: contactId, details: { topic: data.topic, source: data.source, event_id: event.id } });
  const [row] = await ctx.db.select().from(consentEvents).where(eq(consentEvents.id, event.id));
  return toEventOut(row!, new Map(topicIds.flatMap((id) => (id ? [[id, data.topic]] : []))));
}

/** The proof-of-consent view: state per topic and every ledger event with its evidence. */
export async function getContactConsent(ctx: Ctx, contactId: string): Promise<ConsentViewOut> {
  const contact = await getContact(ctx, contactId);
  const all = await listTopics(ctx.db, ctx.workspaceId);
  const keys = new Map(all.map((t) => [t.id, t.key]));
  const states = await ctx.db.select().from(consentState).where(and(eq(consentState.workspaceId, ctx.workspaceId), eq(consentState.contactId, contactId)));
  const byTopic = new Map(states.map((s) => [s.topicId, s]));
  const events = await ctx.db
    .select()
    .from(consentEvents)
    .where(and(eq(consentEvents.workspaceId, ctx.workspaceId), eq(consentEvents.contactId, contactId)))
    .orderBy(asc(consentEvents.occurredAt), asc(consentEvents.id));
  const hash = (await phoneHasher(ctx.db, ctx.workspaceId))(suppressionSubject(contact));
  const suppressed = (await suppressedAmong(ctx.db, ctx.workspaceId, [hash])).size > 0;
  const prefs = (await preferencesOf(ctx.db, ctx.workspaceId, [contactId])).get(contactId)!;
  return {
    contact_id: contactId,
    suppressed,
    preferences: { paused_until: prefs.pausedUntil && prefs.pausedUntil > ctx.now ? prefs.pausedUntil.toISOString() : null, frequency: prefs.frequency },
    state: all.map((t) => {
      const s = byTopic.get(t.id);
      return { topic: t.key, category: t.category, status: (s?.status as 'granted' | 'withdrawn' | undefined) ?? 'none', since: s ? s.since.toISOString() : null, source: s?.source ?? null };
    }),
    events: events.map((e) => toEventOut(e, keys)),
  };
}

/** Topic ids of a category in a workspace (marketing opt-outs withdraw all of them). */
export async function topicIdsOfCategory(ctx: Pick<Ctx, 'db' | 'workspaceId'>, category: 'marketing' | 'utility'): Promise<string[]> {
  const rows = await ctx.db.select({ id: topics.id }).from(topics).where(and(eq(topics.workspaceId, ctx.workspaceId), eq(topics.category, category)));
  return rows.map((r) => r.id);
}
