// The hosted preference page behind a signed link: what it shows, and what a submission records.
// The same choices as the WhatsApp list, recorded as ledger events with source `preference_page`
// and the link id, IP and user agent as evidence.
import { SYSTEM_ACTOR, type Db, type Log } from '../context.js';
import { getWorkspace } from '../workspaces/index.js';
import { checkPreferenceToken, type PreferenceLinkClaim } from './preference-link.js';
import { applyPreferenceChoices, preferenceViewOf, type ChoiceOutcome, type PreferenceView } from './preferences.service.js';
import { PREFERENCE_DEFAULTS, type PreferenceChoice, type PreferenceSettings } from './preferences.rules.js';

/** What the page shows. */
export interface PreferencePage {
  business: string;
  view: PreferenceView;
  pauseDays: number;
  expiresAt: Date;
}

/** Opening a link: the page, or why not (`invalid`: not ours or tampered; `expired`). */
export type PageOutcome = { kind: 'ok'; page: PreferencePage; claim: PreferenceLinkClaim } | { kind: 'invalid' } | { kind: 'expired'; business: string | null };

/** The submitted form, as the browser sent it (field → value). */
export type PageForm = Record<string, unknown>;

/** The label a topic's checkbox carries: recorded as the wording the person acted on. */
export function topicLabel(t: { name: string; frequency: string | null }): string {
  return `Send me ${t.name}${t.frequency ? ` (${t.frequency})` : ''}`;
}

/** Frequency and pause labels, shared by the page and the evidence. */
export const PAGE_LABELS = {
  normal: 'Normal: every message for my topics',
  low: 'Fewer: about half as many offers',
  active: 'Keep my messages coming',
  pause: (days: number) => `Pause offers for ${days} days`,
} as const;

/**
 * Checks a link and loads the page. Call it outside a transaction: a token naming no workspace
 * fails a key lookup, which would abort an open transaction.
 */
export async function openPreferencePage(db: Db, token: string, now: Date, log: Log): Promise<PageOutcome> {
  const checked = await checkPreferenceToken(db, token, now);
  if (!checked.ok) {
    if (checked.reason === 'invalid') return { kind: 'invalid' };
    return { kind: 'expired', business: null };
  }
  const { claim } = checked;
  try {
    const ws = await getWorkspace({ db, workspaceId: claim.workspaceId });
    const prefs = (ws.settings.preferences ?? undefined) as PreferenceSettings | undefined;
    const view = await preferenceViewOf({ db, workspaceId: claim.workspaceId, actor: SYSTEM_ACTOR, now, log }, claim.contactId);
    return { kind: 'ok', claim, page: { business: ws.name, view, pauseDays: prefs?.pause_days ?? PREFERENCE_DEFAULTS.pauseDays, expiresAt: claim.expiresAt } };
  } catch {
    // The contact was erased (or the workspace removed) since the link was sent.
    return { kind: 'invalid' };
  }
}

/** The choices a submitted form asks for, against what stands now (an unchanged form asks for none). */
export function choicesFromForm(page: PreferencePage, form: PageForm): PreferenceChoice[] {
  const out: PreferenceChoice[] = [];
  if (!page.view.suppressed) {
    for (const t of page.view.topics) {
      const wanted = form[`topic_${t.key}`] === 'on';
      if (wanted !== t.subscribed) out.push({ kind: 'topic', topicKey: t.key, subscribe: wanted });
    }
  }
  if ((form.frequency === 'normal' || form.frequency === 'low') && form.frequency !== page.view.frequency) out.push({ kind: 'frequency', value: form.frequency });
  const paused = page.view.pausedUntil !== null;
  if (form.pause === 'pause' && !paused) out.push({ kind: 'pause', days: page.pauseDays });
  if (form.pause === 'active' && paused) out.push({ kind: 'resume' });
  return out;
}

/** Records a submitted page in one transaction; the page to show next is loaded again by the caller. */
export async function savePreferencePage(
  db: Db,
  opened: Extract<PageOutcome, { kind: 'ok' }>,
  form: PageForm,
  meta: { ip: string; userAgent: string | undefined; now: Date; log: Log },
): Promise<ChoiceOutcome & { changed: number }> {
  const { page, claim } = opened;
  const choices = choicesFromForm(page, form);
  if (choices.length === 0) return { recorded: 0, refused: [], unknown: [], pausedUntil: null, changed: 0 };
  const topics = new Map(page.view.topics.map((t) => [t.key, t]));
  const textOf = (c: PreferenceChoice): string => {
    if (c.kind === 'topic') return `${c.subscribe ? 'Ticked' : 'Unticked'}: ${topicLabel(topics.get(c.topicKey)!)} (preferences page of ${page.business})`;
    if (c.kind === 'frequency') return `Chose: ${PAGE_LABELS[c.value]} (preferences page of ${page.business})`;
    if (c.kind === 'pause') return `Chose: ${PAGE_LABELS.pause(c.days)} (preferences page of ${page.business})`;
    return `Chose: ${PAGE_LABELS.active} (preferences page of ${page.business})`;
  };
  const evidence = { link_id: claim.linkId, link_expires_at: claim.expiresAt.toISOString(), ip: meta.ip, user_agent: (meta.userAgent ?? 'unknown').slice(0, 1000), channel: 'web' };
  const outcome = await db.transaction((tx) =>
    applyPreferenceChoices({ db: tx, workspaceId: claim.workspaceId, actor: SYSTEM_ACTOR, now: meta.now, log: meta.log }, claim.contactId, choices, {
      source: 'preference_page',
      evidence,
      textOf,
      at: meta.now,
      dedupeBase: null,
    }),
  );
  return { ...outcome, changed: choices.length };
}
