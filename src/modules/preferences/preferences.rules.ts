// The preference centre's pure rules: its keywords (per language, editable per workspace), the
// interactive list a person gets, and what a tapped row means. No I/O.
import { keywordSets, normalizeKeyword, type KeywordSettings } from '../consent/index.js';
import type { Interactive } from '../messaging/index.js';

/** Built-in preference-centre words by language (normalised like STOP words: case, accents, punctuation ignored). */
export const DEFAULT_PREFERENCE_KEYWORDS: Record<string, string[]> = {
  en: ['preferences', 'preference', 'menu', 'settings'],
  es: ['preferencias', 'menú', 'ajustes', 'opciones'],
  pt: ['preferências', 'configurações', 'opções'],
  fr: ['préférences', 'paramètres', 'réglages'],
  de: ['einstellungen', 'präferenzen', 'menü'],
  it: ['preferenze', 'impostazioni'],
  id: ['preferensi', 'pengaturan'],
  ms: ['keutamaan', 'tetapan'],
  hi: ['pasand', 'vikalp'],
  ar: ['تفضيلات', 'الإعدادات', 'القائمة'],
  tr: ['tercihler', 'ayarlar'],
};

/** The preference centre's workspace settings (`settings.preferences`). */
export interface PreferenceSettings {
  /** false: the keyword is not answered (the hosted page and the API still work). Default true. */
  enabled?: boolean;
  /** Extra words that open the preference centre. */
  keywords?: string[];
  /** Built-in words this workspace does not want (e.g. "menu" where a bot uses it). */
  disabled_keywords?: string[];
  /** Add the preference page link to opt-in welcomes (default false). */
  link_in_welcome?: boolean;
  /** How long a preference link works (default 30 days). */
  link_ttl_days?: number;
  /** How long "pause" pauses marketing (default 30 days). */
  pause_days?: number;
  /** The list message's body text. */
  menu_text?: string;
}

/** Defaults of `settings.preferences`. */
export const PREFERENCE_DEFAULTS = { linkTtlDays: 30, pauseDays: 30 } as const;

/** The normalised preference words of a workspace: defaults minus disabled, plus its own. */
export function preferenceKeywordSet(settings: PreferenceSettings | undefined): Set<string> {
  const off = new Set((settings?.disabled_keywords ?? []).map(normalizeKeyword));
  const out = new Set<string>();
  for (const w of [...Object.values(DEFAULT_PREFERENCE_KEYWORDS).flat(), ...(settings?.keywords ?? [])]) {
    const n = normalizeKeyword(w);
    if (n && !off.has(n)) out.add(n);
  }
  return out;
}

/**
 * Whether a whole message asks for the preference centre ("MENU", "Preferencias!"). Exported for
 * other readers of inbound text (automation keyword triggers, auto-replies): the preference keyword
 * wins over theirs, as STOP wins over everything. `settings` is the workspace's settings object.
 */
export function isPreferenceKeyword(settings: { preferences?: PreferenceSettings | null } | undefined, text: string | null | undefined): boolean {
  if (!text || text.length > 60) return false;
  const prefs = settings?.preferences ?? undefined;
  if (prefs?.enabled === false) return false;
  const n = normalizeKeyword(text);
  return n !== '' && preferenceKeywordSet(prefs).has(n);
}

/**
 * The preference words that clash with STOP or START words (which must keep their meaning):
 * an empty list when the settings hold together.
 */
export function preferenceKeywordClashes(prefs: PreferenceSettings | undefined, optOut: KeywordSettings | undefined): string[] {
  const sets = keywordSets(optOut);
  return [...preferenceKeywordSet(prefs)].filter((w) => sets.stop.has(w) || sets.start.has(w));
}

/** One choice a person makes in the preference centre. */
export type PreferenceChoice =
  | { kind: 'topic'; topicKey: string; subscribe: boolean }
  | { kind: 'frequency'; value: 'normal' | 'low' }
  | { kind: 'pause'; days: number; /** An exact end (the API's `paused_until`); else `days` from the choice. */ until?: Date }
  | { kind: 'resume' };

/** Prefix of every list-row id Greenlist puts in a preference menu. */
export const ROW_PREFIX = 'pref:';

/** The row id of a choice (stable: it comes back in the list reply). */
export function rowIdOf(c: PreferenceChoice): string {
  switch (c.kind) {
    case 'topic':
      return `${ROW_PREFIX}t:${c.subscribe ? 1 : 0}:${c.topicKey}`;
    case 'frequency':
      return `${ROW_PREFIX}f:${c.value}`;
    case 'pause':
      return `${ROW_PREFIX}p:${c.days}`;
    case 'resume':
      return `${ROW_PREFIX}r`;
  }
}

/** The choice a list-reply id stands for (undefined: not one of ours, or malformed). */
export function choiceOfRowId(id: string | null | undefined): PreferenceChoice | undefined {
  if (!id || !id.startsWith(ROW_PREFIX) || id.length > 200) return undefined;
  const rest = id.slice(ROW_PREFIX.length);
  let m = /^t:([01]):([a-z0-9][a-z0-9_-]{0,47})$/.exec(rest);
  if (m) return { kind: 'topic', topicKey: m[2]!, subscribe: m[1] === '1' };
  m = /^f:(normal|low)$/.exec(rest);
  if (m) return { kind: 'frequency', value: m[1] as 'normal' | 'low' };
  m = /^p:(\d{1,3})$/.exec(rest);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 365) return { kind: 'pause', days: Number(m[1]) };
  if (rest === 'r') return { kind: 'resume' };
  return undefined;
}

/** What the menu shows of one person. */
export interface MenuState {
  business: string;
  topics: { key: string; name: string; subscribed: boolean }[];
  frequency: 'normal' | 'low';
  pausedUntil: Date | null;
  pauseDays: number;
  link: string | null;
  bodyText?: string;
  now: Date;
}

// Meta's limits for list messages: 10 rows in all, row title 24, description 72, button 20, body 1024, section title 24.
const MAX_ROWS = 10;
const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/**
 * The interactive list a person gets for the preference keyword: a row per topic (tap to join or
 * leave it), one for the frequency and one to pause or resume. Topics beyond what fits in Meta's
 * 10 rows are left to the hosted page, whose link the body carries.
 */
export function preferenceMenu(s: MenuState): Interactive {
  const paused = s.pausedUntil !== null && s.pausedUntil > s.now;
  const topicRows = s.topics.slice(0, MAX_ROWS - 2).map((t) => ({
    id: rowIdOf({ kind: 'topic', topicKey: t.key, subscribe: !t.subscribed }),
    title: cut(`${t.subscribed ? 'Leave' : 'Join'}: ${t.name}`, 24),
    description: cut(t.subscribed ? `You get ${t.name}. Tap to stop it.` : `Tap to get ${t.name}.`, 72),
  }));
  const freq = s.frequency === 'low' ? { kind: 'frequency' as const, value: 'normal' as const } : { kind: 'frequency' as const, value: 'low' as const };
  const freqRow = { id: rowIdOf(freq), title: s.frequency === 'low' ? 'Normal frequency' : 'Fewer messages', description: s.frequency === 'low' ? 'You get fewer offers now. Tap to go back to normal.' : 'Get half as many offers.' };
  const pauseRow = paused
    ? { id: rowIdOf({ kind: 'resume' }), title: 'Resume messages', description: cut(`Paused until ${s.pausedUntil!.toISOString().slice(0, 10)}. Tap to resume now.`, 72) }
    : { id: rowIdOf({ kind: 'pause', days: s.pauseDays }), title: cut(`Pause for ${s.pauseDays} days`, 24), description: 'No offers for a while; you stay subscribed.' };
  const more = s.topics.length > MAX_ROWS - 2 ? ' More topics on the page.' : '';
  const body = `${s.bodyText ?? `Choose what ${s.business} sends you on WhatsApp.`}${more}${s.link ? `\n\nOr change them on this page: ${s.link}` : ''}\n\nReply STOP to unsubscribe from everything.`;
  const sections = [
    ...(topicRows.length > 0 ? [{ title: 'Topics', rows: topicRows }] : []),
    { title: 'How often', rows: [freqRow, pauseRow] },
  ];
  return { type: 'list', header: { type: 'text', text: cut('Your preferences', 60) }, body: { text: cut(body, 1024) }, action: { button: 'Choose', sections } };
}

/** The short confirmation after a choice. */
export function choiceConfirmation(c: PreferenceChoice, s: { topicName?: string; pausedUntil?: Date; link: string | null }): string {
  const tail = s.link ? `\n\nChange your preferences any time: ${s.link}` : '';
  switch (c.kind) {
    case 'topic':
      return `${c.subscribe ? `Done: you will get ${s.topicName}.` : `Done: no more ${s.topicName}.`}${tail}`;
    case 'frequency':
      return `${c.value === 'low' ? 'Done: you will get fewer offers.' : 'Done: back to the normal frequency.'}${tail}`;
    case 'pause':
      return `Done: no offers until ${s.pausedUntil!.toISOString().slice(0, 10)}. Send PREFERENCES to resume earlier.${tail}`;
    case 'resume':
      return `Done: your messages are back on.${tail}`;
  }
}

/** The preference words in effect for a workspace, and the built-in ones by language (for the admin UI). */
export function preferenceKeywordsOf(prefs: PreferenceSettings | undefined): { enabled: boolean; in_effect: string[]; defaults: Record<string, string[]> } {
  return { enabled: prefs?.enabled !== false, in_effect: [...preferenceKeywordSet(prefs)].sort(), defaults: DEFAULT_PREFERENCE_KEYWORDS };
}
