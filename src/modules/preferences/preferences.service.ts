// Applying a person's preference-centre choices: each one is a consent-ledger event (topics as
// grants and withdrawals, pause / resume / frequency as preference events) with its evidence, in
// the caller's transaction. Shared by the WhatsApp list reply, the hosted page and the API.
import { recordAudit } from '../audit/index.js';
import {
  appendConsentEvents,
  appendPreferenceEvents,
  consentStatesOf,
  listTopics,
  phoneHasher,
  preferencesOf,
  removeSuppression,
  suppressedAmong,
  suppressionSubject,
  USER_INITIATED,
  type ConsentEventInput,
  type ConsentSource,
  type PreferenceEventInput,
} from '../consent/index.js';
import { getContact } from '../contacts/index.js';
import type { Ctx } from '../context.js';
import type { PreferenceChoice } from './preferences.rules.js';

/** What a person sees of their own preferences (the page, the menu, the API). */
export interface PreferenceView {
  contactId: string;
  suppressed: boolean;
  topics: { id: string; key: string; name: string; category: string; frequency: string | null; subscribed: boolean }[];
  frequency: 'normal' | 'low';
  pausedUntil: Date | null;
}

/** A contact's topics, frequency and pause as they stand. */
export async function preferenceViewOf(ctx: Pick<Ctx, 'db' | 'workspaceId' | 'actor' | 'now' | 'log'>, contactId: string): Promise<PreferenceView> {
  const contact = await getContact(ctx, contactId);
  const [topics, states, prefs] = [await listTopics(ctx.db, ctx.workspaceId), await consentStatesOf(ctx.db, ctx.workspaceId, [contactId]), await preferencesOf(ctx.db, ctx.workspaceId, [contactId])];
  const status = new Map(states.map((s) => [s.topic_id, s.status]));
  const hash = (await phoneHasher(ctx.db, ctx.workspaceId))(suppressionSubject(contact));
  const p = prefs.get(contactId)!;
  return {
    contactId,
    suppressed: (await suppressedAmong(ctx.db, ctx.workspaceId, [hash])).size > 0,
    topics: topics.map((t) => ({ id: t.id, key: t.key, name: t.name, category: t.category, frequency: t.frequency, subscribed: status.get(t.id) === 'granted' })),
    frequency: p.frequency,
    // A pause that has ended is no pause.
    pausedUntil: p.pausedUntil && p.pausedUntil > ctx.now ? p.pausedUntil : null,
  };
}

/** Who made the choices, where, and the proof. */
export interface ChoiceSource {
  source: Extract<ConsentSource, 'preference_centre' | 'preference_page' | 'api'>;
  /** The proof: the wamid (WhatsApp), the signed link id, IP and user agent (page), the request id (API). */
  evidence: Record<string, unknown>;
  /** The exact wording the person acted on, per choice (recorded as `evidence.text`). */
  textOf: (c: PreferenceChoice) => string;
  at: Date;
  /** Base of the ledger dedupe keys (the wamid: a replayed webhook records nothing new); null: none. */
  dedupeBase: string | null;
}

/** What applying choices did. */
export interface ChoiceOutcome {
  recorded: number;
  /** Topic keys whose grant was refused (a suppressed number may only come back from WhatsApp). */
  refused: string[];
  /** Topic keys the workspace does not have (a stale menu). */
  unknown: string[];
  pausedUntil: Date | null;
}

/**
 * Records choices as ledger events in the caller's transaction: topic grants and withdrawals
 * (a WhatsApp grant is the person's own and lifts their suppression, like START), then pause,
 * resume and frequency as preference events. One audit row names what changed.
 */
export async function applyPreferenceChoices(ctx: Ctx, contactId: string, choices: PreferenceChoice[], src: ChoiceSource): Promise<ChoiceOutcome> {
  const contact = await getContact(ctx, contactId);
  const hash = (await phoneHasher(ctx.db, ctx.workspaceId))(suppressionSubject(contact));
  const topics = new Map((await listTopics(ctx.db, ctx.workspaceId)).map((t) => [t.key, t]));
  const key = (suffix: string) => (src.dedupeBase ? `${src.source}:${src.dedupeBase}:${suffix}` : null);
  const consent: ConsentEventInput[] = [];
  const prefs: PreferenceEventInput[] = [];
  const unknown: string[] = [];
  let pausedUntil: Date | null = null;
  for (const c of choices) {
    const evidence = { ...src.evidence, text: src.textOf(c) };
    if (c.kind === 'topic') {
      const t = topics.get(c.topicKey);
      if (!t) unknown.push(c.topicKey);
      else consent.push({ contactId, phoneHash: hash, topicId: t.id, action: c.subscribe ? 'grant' : 'withdraw', source: src.source, evidence, occurredAt: src.at, dedupeKey: key(t.id) });
    } else if (c.kind === 'pause') {
      pausedUntil = c.until ?? new Date(src.at.getTime() + c.days * 86_400_000);
      prefs.push({ contactId, kind: 'pause', pausedUntil, source: src.source, evidence, occurredAt: src.at, dedupeKey: key('pause') });
    } else if (c.kind === 'resume') prefs.push({ contactId, kind: 'resume', source: src.source, evidence, occurredAt: src.at, dedupeKey: key('resume') });
    else prefs.push({ contactId, kind: 'frequency', frequency: c.value, source: src.source, evidence, occurredAt: src.at, dedupeKey: key('frequency') });
  }
  const res = await appendConsentEvents(ctx.db, ctx.workspaceId, ctx.actor, consent, ctx.now);
  if (USER_INITIATED.has(src.source) && res.recorded.some((e) => e.action === 'grant')) await removeSuppression(ctx.db, ctx.workspaceId, hash);
  const prefIds = await appendPreferenceEvents(ctx.db, ctx.workspaceId, ctx.actor, prefs, ctx.now);
  const keyOf = new Map([...topics.values()].map((t) => [t.id, t.key]));
  const refused = res.blocked.map((e) => keyOf.get(e.topicId!) ?? '?');
  const recorded = res.recorded.length + prefIds.length;
  if (recorded > 0) {
    await recordAudit(ctx, {
      action: 'contact.preferences_changed',
      targetType: 'contact',
      targetId: contactId,
      details: { source: src.source, choices: choices.map((c) => (c.kind === 'topic' ? `${c.subscribe ? 'join' : 'leave'}:${c.topicKey}` : c.kind === 'frequency' ? `frequency:${c.value}` : c.kind)), events: recorded },
    });
  }
  return { recorded, refused, unknown, pausedUntil };
}
