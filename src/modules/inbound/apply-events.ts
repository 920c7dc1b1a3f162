import { param, sql } from 'drizzle-orm';
import type { Db, Log } from '../context.js';
import { SYSTEM_ACTOR } from '../context.js';
import { recordAudit } from '../audit/index.js';
import { moveContactNumber } from '../contacts/index.js';
import { resolveInboundContact } from './resolve-contact.js';
import { loggedWamids, recordInboundMessage, recordStatuses, touchServiceWindow, type StatusRecord } from '../messaging/index.js';
import { applyNumberHealth, findNumbersByMetaIds, qualityOfEvent } from '../numbers/index.js';
import { applyTemplateQuality, applyTemplateStatus } from '../templates/index.js';
import { applyOptinKeyword } from '../optin/index.js';
import { handlePreferenceMessage } from '../preferences/index.js';
import { noteInboundEngagement, noteStatusEngagement } from '../engagement/index.js';
import { evaluateLifecycleFor } from '../lifecycle/index.js';
import { noteBroadcastReplies, syncRecipientDelivery } from '../broadcasts/index.js';
import { queryRowsOf } from '../sql.js';
import { wake } from '../wake.js';
import type { InboundMessageEvent, StatusEvent, WebhookEvent } from './inbound.events.js';
import { applyOptOutSignals, captureReasonIfAsked, optOutRules, type OptOutRules } from './opt-out.js';

type NumberRef = { id: string; workspaceId: string } | undefined;

/**
 * Applies the events of one webhook body inside the caller's transaction. Every step is
 * idempotent (unique keys on wamid and wamid+status, monotonic updates), so duplicates and
 * replays end in the same state as one clean delivery.
 */
export async function applyWebhookEvents(db: Db, events: WebhookEvent[], now: Date, log: Log): Promise<{ unmatched: Map<string, StatusRecord[]> }> {
  const unmatched = new Map<string, StatusRecord[]>();
  const ids = [...new Set(events.flatMap((e) => ('phoneNumberId' in e ? [e.phoneNumberId] : [])))];
  const numbers = new Map<string, NumberRef>((await findNumbersByMetaIds(db, ids)).map((n) => [n.phoneNumberId, n]));
  const numberOf = (phoneNumberId: string): NumberRef => numbers.get(phoneNumberId);
  const statuses = new Map<string, StatusEvent[]>();
  // Usually already committed at intake; applying again is a no-op thanks to dedupe keys, and
  // covers a failed intake step. START is only handled here: it is never urgent.
  const rules = optOutRules(db);
  await applyOptOutSignals({ db, now, log }, events, { includeStart: true, numbers, rules });
  // People whose lifecycle stage may change right now: they wrote, opted out, or stopped marketing.
  // Contacts already found while applying are kept by id; only 131050 statuses name just a wa_id.
  const touched = new Map<string, { ids: Set<string>; waIds: Set<string> }>();
  const entry = (workspaceId: string) => touched.get(workspaceId) ?? touched.set(workspaceId, { ids: new Set(), waIds: new Set() }).get(workspaceId)!;
  const inbound = new Map<string, { contactId: string; at: Date }[]>();
  for (const ev of events) {
    switch (ev.kind) {
      case 'message': {
        const n = numberOf(ev.phoneNumberId);
        if (n) {
          const fresh = await applyInboundMessage(db, n, ev, now, rules, log);
          if (fresh) {
            (inbound.get(n.workspaceId) ?? inbound.set(n.workspaceId, []).get(n.workspaceId)!).push({ contactId: fresh, at: ev.at });
            entry(n.workspaceId).ids.add(fresh);
          }
        } else log.warn({ phoneNumberId: ev.phoneNumberId }, 'inbound message for a number that is not connected; ignored');
        break;
      }
      case 'status': {
        const n = numberOf(ev.phoneNumberId);
        if (!n) break;
        const list = statuses.get(n.workspaceId) ?? [];
        list.push(ev);
        statuses.set(n.workspaceId, list);
        if (ev.status === 'failed' && ev.errorCodes.includes(131050) && ev.recipientWaId) entry(n.workspaceId).waIds.add(ev.recipientWaId);
        break;
      }
      case 'template_status':
        await applyTemplateStatus(db, ev);
        break;
      case 'template_quality':
        await applyTemplateQuality(db, ev);
        break;
      case 'number_quality':
        await applyNumberHealth(
          db,
          { wabaId: ev.wabaId, ...(ev.displayNumber ? { displayNumber: ev.displayNumber } : {}) },
          { ...(ev.limitTier ? { limitTier: ev.limitTier } : {}), ...(qualityOfEvent(ev.event) ? { qualityRating: qualityOfEvent(ev.event) } : {}), now: ev.at, event: ev.event || 'quality_update' },
        );
        break;
      case 'user_preference': {
        const n = numberOf(ev.phoneNumberId);
        if (!n || !ev.waId) break;
        const contact = await resolveInboundContact(db, n.workspaceId, ev.waId, undefined, now, log);
        entry(n.workspaceId).ids.add(contact.id);
        await recordAudit(
          { db, workspaceId: n.workspaceId, actor: SYSTEM_ACTOR, now, log },
          { action: `contact.whatsapp_marketing_${ev.value === 'stop' ? 'stopped' : 'resumed'}`, targetType: 'contact', targetId: contact.id, details: { category: ev.category, at: ev.at.toISOString() } },
        );
        break;
      }
      case 'system_error':
        log.warn({ phoneNumberId: ev.phoneNumberId, errorCodes: ev.errorCodes }, 'WhatsApp reported an account-level error');
        break;
      case 'ignored':
      case 'undecodable':
        break;
    }
  }
  for (const [workspaceId, list] of statuses) {
    const records = list.map((s) => ({ wamid: s.wamid, status: s.status, occurredAt: s.at, recipientWaId: s.recipientWaId, errorCode: s.errorCodes[0] ?? null, callbackData: s.callbackData, pricing: s.pricing }));
    // Why look before storing: on PostgreSQL each statement sees what had committed when it began. A
    // send committed between applying these statuses and a later look would pass that look yet have
    // missed them, and its own after-commit catch-up ran before these were committed: lost reads.
    // Whatever is not visible now is applied again by the caller after this transaction commits.
    const visible = await loggedWamids(db, workspaceId, [...new Set(records.map((r) => r.wamid))]);
    const fresh = await recordStatuses(db, workspaceId, records, now);
    const freshWamids = new Set(fresh.map((f) => f.wamid));
    const missing = records.filter((r) => freshWamids.has(r.wamid) && !visible.has(r.wamid));
    if (missing.length > 0) unmatched.set(workspaceId, missing);
    await noteStatusEngagement(db, workspaceId, fresh, now);
    await syncRecipientDelivery(db, workspaceId, [...freshWamids]);
  }
  for (const [workspaceId, items] of inbound) {
    await noteInboundEngagement(db, workspaceId, items, now);
    await noteBroadcastReplies(db, workspaceId, items);
  }
  // Keywords and replies for the automation engine: it looks as soon as this commits.
  if (inbound.size > 0) await wake(db, 'inbound');
  for (const [workspaceId, { ids, waIds }] of touched) {
    if (waIds.size > 0) {
      const rows = await queryRowsOf<{ id: string }>(db, sql`select id from contacts where workspace_id = ${workspaceId} and wa_id = any(${param([...waIds])}::text[])`);
      for (const r of rows) ids.add(r.id);
    }
    await evaluateLifecycleFor(db, workspaceId, [...ids], now);
  }
  return { unmatched };
}

/** Applies one inbound message; returns the contact's id when the message was new (not a replay). */
async function applyInboundMessage(db: Db, n: { id: string; workspaceId: string }, ev: InboundMessageEvent, now: Date, rules: OptOutRules, log: Log): Promise<string | null> {
  if (ev.type === 'system' && ev.newWaId) {
    await moveContactNumber(db, n.workspaceId, ev.waId, ev.newWaId, now);
    return null;
  }
  const contact = await resolveInboundContact(db, n.workspaceId, ev.waId, ev.profileName, now, log, ev.userId);
  const isNew = await recordInboundMessage(db, {
    workspaceId: n.workspaceId,
    numberId: n.id,
    contactId: contact.id,
    waId: ev.waId,
    wamid: ev.wamid,
    type: ev.type,
    body: ev.body,
    payload: { ...(ev.replyId ? { reply_id: ev.replyId } : {}), ...(ev.referral ? { referral: ev.referral } : {}), ...(ev.errorCodes.length ? { error_codes: ev.errorCodes } : {}), raw: ev.raw },
    contextWamid: ev.contextWamid,
    sentAt: ev.at,
  }, now);
  // Every message the user sends (re)opens the 24 h customer-service window; reactions and
  // unsupported types count too, as Meta counts any user message.
  if (!isNew) return null;
  await touchServiceWindow(db, { workspaceId: n.workspaceId, numberId: n.id, waId: ev.waId, at: ev.at });
  if (ev.type !== 'text' && ev.type !== 'button' && ev.type !== 'interactive') return contact.id;
  const keywordCtx = { workspaceId: n.workspaceId, numberId: n.id, contactId: contact.id, waId: ev.waId, wamid: ev.wamid, text: ev.body, replyId: ev.replyId, at: ev.at, now };
  // The preference keyword and preference-list replies come before opt-in keywords (STOP, applied above, before both).
  if (await handlePreferenceMessage(db, { ...keywordCtx, type: ev.type, contextWamid: ev.contextWamid, workspace: (await rules(n.workspaceId)).workspace, log })) return contact.id;
  if (await applyOptinKeyword(db, keywordCtx)) return contact.id;
  if (ev.type === 'text') await captureReasonIfAsked(db, rules, { workspaceId: n.workspaceId, contactId: contact.id, wamid: ev.wamid, text: ev.body, at: ev.at });
  return contact.id;
}
