import { DEFAULT_STOP_KEYWORDS, normalizeKeyword } from '../consent/index.js';

/** A workspace's opt-out settings (`settings.opt_out`), besides its keyword lists. */
export interface OptOutSettings {
  /** Replaces the default confirmation after a full STOP; `{business}` is replaced. */
  confirmation_text?: string;
  /** Replaces the default confirmation after START. */
  start_confirmation_text?: string;
  /** Ask "why are you leaving?" after a full STOP and keep the answer. */
  ask_reason?: boolean;
}

const STOP_ALL: Record<string, string> = {
  en: "You're unsubscribed from {business} and will get no more messages from us. Reply START to subscribe again.",
  es: 'Te has dado de baja de {business} y no recibirás más mensajes. Responde ALTA para volver a suscribirte.',
  pt: 'Você cancelou a inscrição em {business} e não receberá mais mensagens. Responda INICIAR para voltar.',
  fr: "Vous êtes désinscrit(e) de {business} et ne recevrez plus de messages. Répondez DEMARRER pour vous réabonner.",
  de: 'Du bist von {business} abgemeldet und bekommst keine Nachrichten mehr. Antworte START, um dich wieder anzumelden.',
  it: 'Ti sei disiscritto da {business} e non riceverai altri messaggi. Rispondi INIZIA per iscriverti di nuovo.',
  id: 'Anda telah berhenti berlangganan dari {business} dan tidak akan menerima pesan lagi. Balas MULAI untuk berlangganan lagi.',
  ms: 'Anda telah berhenti melanggan {business} dan tidak akan menerima mesej lagi. Balas MULA untuk melanggan semula.',
  hi: 'Aapne {business} se unsubscribe kar diya hai, ab aapko koi message nahin milega. Dobara judne ke liye SHURU likhein.',
  ar: 'تم إلغاء اشتراكك في {business} ولن تصلك رسائل أخرى. أرسل ابدأ للاشتراك من جديد.',
  tr: '{business} aboneliğinden çıktınız, artık mesaj almayacaksınız. Yeniden abone olmak için BASLA yazın.',
};

const REASON_QUESTION: Record<string, string> = {
  en: 'If you like, tell us in one message why you are leaving.',
  es: 'Si quieres, cuéntanos en un mensaje por qué te vas.',
  pt: 'Se quiser, conte-nos em uma mensagem por que está saindo.',
  fr: 'Si vous le souhaitez, dites-nous en un message pourquoi vous partez.',
  de: 'Wenn du magst, sag uns in einer Nachricht, warum du gehst.',
};

/** The main language of a country (ISO 3166 alpha-2), from CLDR's likely subtags: BR → pt, MX → es. */
function languageOfCountry(country: string | null | undefined): string | undefined {
  if (!country || !/^[A-Za-z]{2}$/.test(country)) return undefined;
  try {
    return new Intl.Locale('und', { region: country.toUpperCase() }).maximize().language;
  } catch {
    return undefined;
  }
}

/** What tells the language of a confirmation besides the keyword: the contact's language, then its country. */
export interface LanguageHints {
  /** The contact's language (ISO 639-1, possibly with a region: "pt-BR"). */
  language?: string | null;
  /** The contact's country (ISO 3166 alpha-2), from the contact or its phone number. */
  country?: string | null;
}

/**
 * The language to answer a keyword in. Many words are in several lists ("parar" is Spanish and
 * Portuguese, "cancelar" too), so among the lists that hold it the contact's language wins, then
 * the country's language, then list order. A word in no list (a workspace's own) is answered in
 * the contact's or the country's language when there is a text for it, else English.
 */
function languageOf(keyword: string | null, lists: Record<string, string[]>, hints: LanguageHints): string {
  const preferred = [hints.language?.toLowerCase().split(/[-_]/)[0], languageOfCountry(hints.country)].filter((l): l is string => !!l);
  const holding = keyword ? Object.entries(lists).filter(([, words]) => words.some((w) => normalizeKeyword(w) === keyword)).map(([lang]) => lang) : [];
  if (holding.length > 0) return preferred.find((l) => holding.includes(l)) ?? holding[0]!;
  return preferred.find((l) => STOP_ALL[l] !== undefined) ?? 'en';
}

/** The one short confirmation sent after an opt-out or a START, in the language of the keyword used (ties: the contact's language, then country). */
export function confirmationText(kind: 'stop_all' | 'stop_topic' | 'start', p: { business: string; topics: string[]; keyword: string | null; settings: OptOutSettings; hints?: LanguageHints }): string {
  const fill = (t: string) => t.replaceAll('{business}', p.business).replaceAll('{topics}', p.topics.join(', '));
  if (kind === 'start') {
    if (p.settings.start_confirmation_text) return fill(p.settings.start_confirmation_text);
    const what = p.topics.length ? `: ${p.topics.join(', ')}` : '';
    return fill(`You're subscribed to {business} again${what}. Reply STOP at any time to unsubscribe.`);
  }
  if (kind === 'stop_topic') {
    const what = p.topics.length ? p.topics.join(', ') : 'promotional messages';
    return fill(`You won't get ${what} from {business} any more. Reply STOP to unsubscribe from everything, or START to undo.`);
  }
  const lang = languageOf(p.keyword, DEFAULT_STOP_KEYWORDS, p.hints ?? {});
  const base = p.settings.confirmation_text ?? STOP_ALL[lang] ?? STOP_ALL.en!;
  const ask = p.settings.ask_reason ? ` ${REASON_QUESTION[lang] ?? REASON_QUESTION.en}` : '';
  return fill(base) + ask;
}
