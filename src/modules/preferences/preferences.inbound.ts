// The preference centre on WhatsApp: the keyword is answered with an interactive list, and a tapped
// row is recorded as the person's choice (evidence: its wamid), then confirmed. Runs in webhook
// processing's transaction, right after the message is stored; the answers go through the outbox.
import { SYSTEM_ACTOR, type Db, type Log } from '../context.js';
import { enqueueAutomated } from '../messaging/index.js';
import { getWorkspace } from '../workspaces/index.js';
import { preferenceLink } from './preference-link.js';
import { applyPreferenceChoices, preferenceViewOf } from './preferences.service.js';
import { choiceConfirmation, choiceOfRowId, isPreferenceKeyword, preferenceMenu, PREFERENCE_DEFAULTS, ROW_PREFIX, type PreferenceChoice, type PreferenceSettings } from './preferences.rules.js';

/** One stored inbound message, as processing has it. */
export interface InboundForPreferences {
  workspaceId: string;
  numberId: string;
  contactId: string;
  waId: string;
  wamid: string;
  type: string;
  text: string | null;
  replyId: string | null;
  contextWamid?: string | null;
  /** The workspace (name, settings) when the caller already read it for its batch; else it is read here. */
  workspace?: { name: string; settings: Record<string, unknown> };
  at: Date;
  now: Date;
  log: Log;
}

const settingsOf = (ws: { settings: Record<string, unknown> }) => (ws.settings.preferences ?? undefined) as PreferenceSettings | undefined;

/** A fresh signed link to the person's preference page (valid `link_ttl_days`). */
export async function preferencePageLink(db: Db, workspaceId: string, contactId: string, prefs: PreferenceSettings | undefined, now: Date): Promise<string> {
  const days = prefs?.link_ttl_days ?? PREFERENCE_DEFAULTS.linkTtlDays;
  return preferenceLink(db, workspaceId, contactId, new Date(now.getTime() + days * 86_400_000));
}

/**
 * Handles the preference keyword and preference list replies; true when the message was one (so
 * no other keyword handling applies to it). Cheap for everything else: a text longer than any
 * keyword, or a reply id without our prefix, returns before any query.
 */
export async function handlePreferenceMessage(db: Db, m: InboundForPreferences): Promise<boolean> {
  const isReply = (m.type === 'interactive' || m.type === 'button') && typeof m.replyId === 'string' && m.replyId.startsWith(ROW_PREFIX);
  const maybeKeyword = m.type === 'text' && !!m.text && m.text.length <= 60;
  if (!isReply && !maybeKeyword) return false;
  const ws = m.workspace ?? (await getWorkspace({ db, workspaceId: m.workspaceId }));
  const prefs = settingsOf(ws);
  if (isReply) {
    const choice = choiceOfRowId(m.replyId);
    if (!choice) return false;
    await applyListReply(db, m, choice, ws.name, prefs);
    return true;
  }
  if (!isPreferenceKeyword(ws.settings, m.text)) return false;
  await sendMenu(db, m, ws.name, prefs);
  return true;
}

const ctxOf = (db: Db, m: InboundForPreferences) => ({ db, workspaceId: m.workspaceId, actor: SYSTEM_ACTOR, now: m.now, log: m.log });

async function sendMenu(db: Db, m: InboundForPreferences, business: string, prefs: PreferenceSettings | undefined): Promise<void> {
  const view = await preferenceViewOf(ctxOf(db, m), m.contactId);
  const link = await preferencePageLink(db, m.workspaceId, m.contactId, prefs, m.now);
  // Subscribed topics first: those are what a person most often wants to change.
  const topics = [...view.topics].sort((a, b) => Number(b.subscribed) - Number(a.subscribed)).map((t) => ({ key: t.key, name: t.name, subscribed: t.subscribed }));
  const interactive = preferenceMenu({ business, topics, frequency: view.frequency, pausedUntil: view.pausedUntil, pauseDays: prefs?.pause_days ?? PREFERENCE_DEFAULTS.pauseDays, link, now: m.now, ...(prefs?.menu_text ? { bodyText: prefs.menu_text } : {}) });
  // Free-form: the person just wrote, so their 24 h window is open (inboundAt records it for the sender).
  await enqueueAutomated(db, [{ workspaceId: m.workspaceId, numberId: m.numberId, contactId: m.contactId, waId: m.waId, kind: 'preference_menu', dedupeKey: `prefmenu:${m.wamid}`, inboundAt: m.at, message: { type: 'interactive', interactive } }], m.now);
  m.log.info({ workspaceId: m.workspaceId, contactId: m.contactId }, 'preference menu queued');
}

async function applyListReply(db: Db, m: InboundForPreferences, choice: PreferenceChoice, business: string, prefs: PreferenceSettings | undefined): Promise<void> {
  const ctx = ctxOf(db, m);
  const evidence = { wamid: m.wamid, channel: 'whatsapp', row_id: m.replyId, ...(m.contextWamid ? { menu_wamid: m.contextWamid } : {}) };
  const outcome = await applyPreferenceChoices(ctx, m.contactId, [choice], { source: 'preference_centre', evidence, textOf: () => `${m.text ?? ''} (preference menu of ${business})`.trim(), at: m.at, dedupeBase: m.wamid });
  const view = await preferenceViewOf(ctx, m.contactId);
  const topicName = choice.kind === 'topic' ? view.topics.find((t) => t.key === choice.topicKey)?.name : undefined;
  const link = await preferencePageLink(db, m.workspaceId, m.contactId, prefs, m.now);
  const text =
    outcome.unknown.length > 0 ? `That topic is no longer offered. Send PREFERENCES for the current list.\n\n${link}` : choiceConfirmation(choice, { ...(topicName ? { topicName } : {}), ...(outcome.pausedUntil ? { pausedUntil: outcome.pausedUntil } : view.pausedUntil ? { pausedUntil: view.pausedUntil } : {}), link });
  await enqueueAutomated(db, [{ workspaceId: m.workspaceId, numberId: m.numberId, contactId: m.contactId, waId: m.waId, kind: 'preference_confirmation', dedupeKey: `prefdone:${m.wamid}`, inboundAt: m.at, message: { type: 'text', text } }], m.now);
  m.log.info({ workspaceId: m.workspaceId, contactId: m.contactId, choice: choice.kind, recorded: outcome.recorded }, 'preference choice recorded');
}
