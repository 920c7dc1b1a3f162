// Opt-out and opt-in keywords: defaults in many languages, normalisation and matching.

/** Built-in STOP words by language (workspaces add or remove their own). */
export const DEFAULT_STOP_KEYWORDS: Record<string, string[]> = {
  en: ['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'optout', 'opt out', 'opt-out', 'revoke', 'remove'],
  es: ['baja', 'alto', 'parar', 'detener', 'cancelar', 'darme de baja', 'dar de baja'],
  pt: ['sair', 'parar', 'pare', 'cancelar', 'descadastrar', 'descadastre'],
  fr: ['arret', 'arrêt', 'arreter', 'arrêter', 'desabonner', 'désabonner', 'desinscrire', 'désinscrire'],
  de: ['stopp', 'abmelden', 'abbestellen', 'beenden'],
  it: ['basta', 'ferma', 'disiscrivi', 'disiscriviti', 'annulla'],
  id: ['berhenti', 'keluar', 'batal', 'henti'],
  ms: ['berhenti', 'henti', 'nyahlanggan'],
  hi: ['band', 'band karo', 'band karen', 'ruko', 'rokein', 'bandh'],
  ar: ['توقف', 'إيقاف', 'ايقاف', 'إلغاء', 'الغاء', 'الغاء الاشتراك', 'إلغاء الاشتراك'],
  tr: ['dur', 'durdur', 'iptal', 'abonelikten cik', 'ayril'],
};

/** Built-in START words: only ever a new grant the person makes themselves. */
export const DEFAULT_START_KEYWORDS: Record<string, string[]> = {
  en: ['start', 'unstop', 'subscribe', 'resume'],
  es: ['alta', 'comenzar', 'iniciar', 'reanudar'],
  pt: ['iniciar', 'voltar', 'assinar'],
  fr: ['demarrer', 'démarrer', 'reprendre', 'abonner'],
  de: ['anmelden', 'fortsetzen'],
  it: ['inizia', 'riprendi', 'iscrivi'],
  id: ['mulai', 'lanjut'],
  ms: ['mula', 'langgan'],
  hi: ['shuru', 'chalu'],
  ar: ['ابدأ', 'ابدا', 'اشتراك'],
  tr: ['basla', 'devam'],
};

/** The label of Meta's "Stop promotions" quick-reply button on marketing templates (and its payload). */
const STOP_BUTTON_TEXTS = ['stop promotions', 'stop promotion'];

/**
 * Normalises text for keyword matching: full-width and compatibility forms folded (NFKC), accents
 * and other marks dropped, case folded, punctuation, symbols and emoji removed, spaces collapsed.
 * "  Ｓｔｏｐ! " and "STOP." both become "stop"; "ARRÊT" becomes "arret".
 */
export function normalizeKeyword(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ı/g, 'i')
    .replace(/[\p{P}\p{S}\p{C}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A workspace's keyword settings (under `settings.opt_out`). */
export interface KeywordSettings {
  /** Extra STOP words. */
  stop_keywords?: string[];
  /** Built-in STOP words this workspace does not want (e.g. "end" where it is a product name). STOP itself cannot be removed. */
  disabled_stop_keywords?: string[];
  start_keywords?: string[];
  disabled_start_keywords?: string[];
}

/** The compiled keyword sets of one workspace. */
export interface KeywordSets {
  stop: Set<string>;
  start: Set<string>;
}

const ALWAYS_STOP = 'stop';

/** Builds the normalised STOP and START sets from the defaults and a workspace's settings. */
export function keywordSets(settings: KeywordSettings | undefined): KeywordSets {
  const build = (defaults: Record<string, string[]>, extra: string[] | undefined, disabled: string[] | undefined) => {
    const off = new Set((disabled ?? []).map(normalizeKeyword));
    const words = new Set<string>();
    for (const w of [...Object.values(defaults).flat(), ...(extra ?? [])]) {
      const n = normalizeKeyword(w);
      if (n && !off.has(n)) words.add(n);
    }
    return words;
  };
  const stop = build(DEFAULT_STOP_KEYWORDS, settings?.stop_keywords, settings?.disabled_stop_keywords);
  stop.add(ALWAYS_STOP);
  return { stop, start: build(DEFAULT_START_KEYWORDS, settings?.start_keywords, settings?.disabled_start_keywords) };
}

/** What an inbound text asks for. `topic` is the normalised word(s) after the keyword ("stop offers"). */
export type KeywordIntent = { kind: 'stop'; topic: string | null; keyword: string } | { kind: 'start'; topic: string | null; keyword: string } | { kind: 'review'; keyword: string };

/**
 * Matches a whole message against the keyword sets: "STOP" and "stop offers" (a topic after the
 * keyword) are opt-outs; a longer message that merely contains a STOP word ("please stop
 * texting me") is returned for human review rather than ignored or acted on blindly.
 */
export function matchKeyword(text: string | null | undefined, sets: KeywordSets): KeywordIntent | undefined {
  if (!text || text.length > 200) return undefined;
  const n = normalizeKeyword(text);
  if (!n) return undefined;
  if (sets.stop.has(n)) return { kind: 'stop', topic: null, keyword: n };
  if (sets.start.has(n)) return { kind: 'start', topic: null, keyword: n };
  const words = n.split(' ');
  // Longest keyword prefix first ("opt out offers" before "opt").
  for (let i = Math.min(words.length - 1, 3); i >= 1; i--) {
    const head = words.slice(0, i).join(' ');
    const rest = words.slice(i).join(' ');
    if (sets.stop.has(head)) return { kind: 'stop', topic: rest, keyword: head };
    if (sets.start.has(head)) return { kind: 'start', topic: rest, keyword: head };
  }
  if (words.length <= 12 && words.some((w) => sets.stop.has(w))) return { kind: 'review', keyword: words.find((w) => sets.stop.has(w))! };
  return undefined;
}

/** Whether a quick-reply button text or payload is Meta's "Stop promotions" (or a payload Greenlist put there). */
export function isStopButton(text: string | null | undefined, payload: string | null | undefined): boolean {
  const t = text ? normalizeKeyword(text) : '';
  const p = payload ? normalizeKeyword(payload) : '';
  return STOP_BUTTON_TEXTS.includes(t) || STOP_BUTTON_TEXTS.includes(p) || p === 'greenlist stop';
}
