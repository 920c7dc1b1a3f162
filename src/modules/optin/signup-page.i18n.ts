// The fixed text of the hosted sign-up page in each language it can be shown in. The business's
// own words (consent text, headline, description, welcome) are never translated: they stay as written.
import { DEFAULT_STOP_KEYWORDS, normalizeKeyword } from '../consent/index.js';

/** Languages a sign-up page can offer: those with built-in STOP words and a page translation. */
export const PAGE_LANGUAGES = ['en', 'es', 'pt', 'fr', 'de', 'it'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

/** The fixed words of one language's page. */
export interface PageText {
  /** The language's own name, for the switcher. */
  name: string;
  title: (business: string) => string;
  defaultHeadline: (business: string) => string;
  whatYouGet: string;
  howOften: string;
  howToStop: string;
  /** "Reply STOP at any time" with the language's own STOP word. */
  stopLine: (word: string) => string;
  chooseCountry: string;
  country: string;
  phone: string;
  leaveEmpty: string;
  consentIntro: string;
  continue: string;
  nextStep: string;
  privacy: string;
  language: string;
  phoneError: string;
  confirmTitle: (business: string) => string;
  confirmHeading: string;
  confirmBody: (keyword: string) => string;
  confirmButton: string;
  confirmAlsoSent: string;
  retry: { too_fast: string; expired: string; invalid: string; changed: string };
}

/** The STOP word the page tells people to reply in each language; each is a built-in STOP keyword. */
export const STOP_WORD: Record<PageLanguage, string> = { en: 'STOP', es: 'BAJA', pt: 'SAIR', fr: 'ARRÊT', de: 'STOPP', it: 'BASTA' };

/** True when every page STOP word is one the inbound handler really treats as STOP in that language. */
export function stopWordsAreBuiltIn(): boolean {
  return PAGE_LANGUAGES.every((l) => (DEFAULT_STOP_KEYWORDS[l] ?? []).map(normalizeKeyword).includes(normalizeKeyword(STOP_WORD[l])));
}

/** Every page language's fixed text. */
export const PAGE_TEXT: Record<PageLanguage, PageText> = {
  en: {
    name: 'English',
    title: (b) => `Join ${b} on WhatsApp`,
    defaultHeadline: (b) => `Get ${b} on WhatsApp`,
    whatYouGet: 'What you will get',
    howOften: 'How often',
    howToStop: 'How to stop',
    stopLine: (w) => `Reply ${w} at any time and you get no more messages.`,
    chooseCountry: 'Choose your country',
    country: 'Country',
    phone: 'WhatsApp number',
    leaveEmpty: 'Leave this empty',
    consentIntro: 'By continuing you agree to:',
    continue: 'Continue',
    nextStep: 'Next you confirm on WhatsApp; nothing is sent to you before that.',
    privacy: 'Privacy policy',
    language: 'Language',
    phoneError: 'Phone number',
    confirmTitle: (b) => `Confirm on WhatsApp — ${b}`,
    confirmHeading: 'One more step: confirm on WhatsApp',
    confirmBody: (k) => `Tap the button to open WhatsApp with the message <strong>${k}</strong> ready, then press send. You are not subscribed until you do.`,
    confirmButton: 'Confirm on WhatsApp',
    confirmAlsoSent: 'We also sent you a WhatsApp message: tapping “Yes, subscribe” there works too.',
    retry: {
      too_fast: 'That was quick! Please check your number and press Continue again.',
      expired: 'This page was open for a long time. Please check your number and press Continue again.',
      invalid: 'We could not check this page. Please press Continue again.',
      changed: 'This page was updated while you had it open. Please read it again and press Continue.',
    },
  },
  es: {
    name: 'Español',
    title: (b) => `Únete a ${b} en WhatsApp`,
    defaultHeadline: (b) => `Recibe ${b} en WhatsApp`,
    whatYouGet: 'Qué recibirás',
    howOften: 'Con qué frecuencia',
    howToStop: 'Cómo darte de baja',
    stopLine: (w) => `Responde ${w} en cualquier momento y no recibirás más mensajes.`,
    chooseCountry: 'Elige tu país',
    country: 'País',
    phone: 'Número de WhatsApp',
    leaveEmpty: 'Deja esto vacío',
    consentIntro: 'Al continuar aceptas:',
    continue: 'Continuar',
    nextStep: 'Después confirmas en WhatsApp; no te enviamos nada antes.',
    privacy: 'Política de privacidad',
    language: 'Idioma',
    phoneError: 'Número de teléfono',
    confirmTitle: (b) => `Confirma en WhatsApp — ${b}`,
    confirmHeading: 'Un paso más: confirma en WhatsApp',
    confirmBody: (k) => `Toca el botón para abrir WhatsApp con el mensaje <strong>${k}</strong> listo y pulsa enviar. No estarás suscrito hasta que lo hagas.`,
    confirmButton: 'Confirmar en WhatsApp',
    confirmAlsoSent: 'También te enviamos un mensaje de WhatsApp: tocar “Yes, subscribe” allí también funciona.',
    retry: {
      too_fast: '¡Qué rápido! Revisa tu número y pulsa Continuar otra vez.',
      expired: 'Esta página estuvo abierta mucho tiempo. Revisa tu número y pulsa Continuar otra vez.',
      invalid: 'No pudimos comprobar esta página. Pulsa Continuar otra vez.',
      changed: 'Esta página cambió mientras la tenías abierta. Léela de nuevo y pulsa Continuar.',
    },
  },
  pt: {
    name: 'Português',
    title: (b) => `Entre para ${b} no WhatsApp`,
    defaultHeadline: (b) => `Receba ${b} no WhatsApp`,
    whatYouGet: 'O que você vai receber',
    howOften: 'Com que frequência',
    howToStop: 'Como sair',
    stopLine: (w) => `Responda ${w} a qualquer momento e não receberá mais mensagens.`,
    chooseCountry: 'Escolha seu país',
    country: 'País',
    phone: 'Número de WhatsApp',
    leaveEmpty: 'Deixe em branco',
    consentIntro: 'Ao continuar, você concorda com:',
    continue: 'Continuar',
    nextStep: 'Depois você confirma no WhatsApp; nada é enviado antes disso.',
    privacy: 'Política de privacidade',
    language: 'Idioma',
    phoneError: 'Número de telefone',
    confirmTitle: (b) => `Confirme no WhatsApp — ${b}`,
    confirmHeading: 'Só mais um passo: confirme no WhatsApp',
    confirmBody: (k) => `Toque no botão para abrir o WhatsApp com a mensagem <strong>${k}</strong> pronta e envie. Você só fica inscrito depois disso.`,
    confirmButton: 'Confirmar no WhatsApp',
    confirmAlsoSent: 'Também enviamos uma mensagem no WhatsApp: tocar em “Yes, subscribe” lá também funciona.',
    retry: {
      too_fast: 'Foi rápido! Confira seu número e toque em Continuar de novo.',
      expired: 'Esta página ficou aberta muito tempo. Confira seu número e toque em Continuar de novo.',
      invalid: 'Não conseguimos verificar esta página. Toque em Continuar de novo.',
      changed: 'Esta página mudou enquanto estava aberta. Leia de novo e toque em Continuar.',
    },
  },
  fr: {
    name: 'Français',
    title: (b) => `Rejoignez ${b} sur WhatsApp`,
    defaultHeadline: (b) => `Recevez ${b} sur WhatsApp`,
    whatYouGet: 'Ce que vous recevrez',
    howOften: 'À quelle fréquence',
    howToStop: 'Comment arrêter',
    stopLine: (w) => `Répondez ${w} à tout moment et vous ne recevrez plus de messages.`,
    chooseCountry: 'Choisissez votre pays',
    country: 'Pays',
    phone: 'Numéro WhatsApp',
    leaveEmpty: 'Laissez vide',
    consentIntro: 'En continuant, vous acceptez :',
    continue: 'Continuer',
    nextStep: 'Vous confirmez ensuite sur WhatsApp ; rien ne vous est envoyé avant.',
    privacy: 'Politique de confidentialité',
    language: 'Langue',
    phoneError: 'Numéro de téléphone',
    confirmTitle: (b) => `Confirmez sur WhatsApp — ${b}`,
    confirmHeading: 'Encore une étape : confirmez sur WhatsApp',
    confirmBody: (k) => `Touchez le bouton pour ouvrir WhatsApp avec le message <strong>${k}</strong> prêt, puis envoyez-le. Vous n’êtes pas inscrit avant.`,
    confirmButton: 'Confirmer sur WhatsApp',
    confirmAlsoSent: 'Nous vous avons aussi envoyé un message WhatsApp : toucher « Yes, subscribe » fonctionne aussi.',
    retry: {
      too_fast: 'C’était rapide ! Vérifiez votre numéro et appuyez de nouveau sur Continuer.',
      expired: 'Cette page est restée ouverte longtemps. Vérifiez votre numéro et appuyez de nouveau sur Continuer.',
      invalid: 'Nous n’avons pas pu vérifier cette page. Appuyez de nouveau sur Continuer.',
      changed: 'Cette page a changé pendant que vous l’aviez ouverte. Relisez-la et appuyez sur Continuer.',
    },
  },
  de: {
    name: 'Deutsch',
    title: (b) => `${b} auf WhatsApp abonnieren`,
    defaultHeadline: (b) => `${b} auf WhatsApp`,
    whatYouGet: 'Was du bekommst',
    howOften: 'Wie oft',
    howToStop: 'So meldest du dich ab',
    stopLine: (w) => `Antworte jederzeit ${w} und du bekommst keine Nachrichten mehr.`,
    chooseCountry: 'Wähle dein Land',
    country: 'Land',
    phone: 'WhatsApp-Nummer',
    leaveEmpty: 'Leer lassen',
    consentIntro: 'Mit „Weiter“ stimmst du zu:',
    continue: 'Weiter',
    nextStep: 'Danach bestätigst du auf WhatsApp; vorher bekommst du nichts.',
    privacy: 'Datenschutzerklärung',
    language: 'Sprache',
    phoneError: 'Telefonnummer',
    confirmTitle: (b) => `Auf WhatsApp bestätigen — ${b}`,
    confirmHeading: 'Noch ein Schritt: auf WhatsApp bestätigen',
    confirmBody: (k) => `Tippe auf den Knopf, um WhatsApp mit der Nachricht <strong>${k}</strong> zu öffnen, und sende sie. Erst dann bist du angemeldet.`,
    confirmButton: 'Auf WhatsApp bestätigen',
    confirmAlsoSent: 'Wir haben dir auch eine WhatsApp-Nachricht geschickt: „Yes, subscribe“ dort geht auch.',
    retry: {
      too_fast: 'Das ging schnell! Prüfe deine Nummer und tippe nochmal auf Weiter.',
      expired: 'Diese Seite war lange offen. Prüfe deine Nummer und tippe nochmal auf Weiter.',
      invalid: 'Wir konnten diese Seite nicht prüfen. Tippe nochmal auf Weiter.',
      changed: 'Diese Seite hat sich geändert. Lies sie nochmal und tippe auf Weiter.',
    },
  },
  it: {
    name: 'Italiano',
    title: (b) => `Iscriviti a ${b} su WhatsApp`,
    defaultHeadline: (b) => `Ricevi ${b} su WhatsApp`,
    whatYouGet: 'Cosa riceverai',
    howOften: 'Con quale frequenza',
    howToStop: 'Come disiscriversi',
    stopLine: (w) => `Rispondi ${w} in qualsiasi momento e non riceverai più messaggi.`,
    chooseCountry: 'Scegli il tuo paese',
    country: 'Paese',
    phone: 'Numero WhatsApp',
    leaveEmpty: 'Lascia vuoto',
    consentIntro: 'Continuando accetti:',
    continue: 'Continua',
    nextStep: 'Poi confermi su WhatsApp; prima non ti inviamo nulla.',
    privacy: 'Informativa sulla privacy',
    language: 'Lingua',
    phoneError: 'Numero di telefono',
    confirmTitle: (b) => `Conferma su WhatsApp — ${b}`,
    confirmHeading: 'Ultimo passo: conferma su WhatsApp',
    confirmBody: (k) => `Tocca il pulsante per aprire WhatsApp con il messaggio <strong>${k}</strong> pronto, poi invia. Non sei iscritto finché non lo fai.`,
    confirmButton: 'Conferma su WhatsApp',
    confirmAlsoSent: 'Ti abbiamo anche inviato un messaggio WhatsApp: toccare “Yes, subscribe” lì funziona lo stesso.',
    retry: {
      too_fast: 'Velocissimo! Controlla il numero e tocca di nuovo Continua.',
      expired: 'Questa pagina è rimasta aperta a lungo. Controlla il numero e tocca di nuovo Continua.',
      invalid: 'Non siamo riusciti a verificare questa pagina. Tocca di nuovo Continua.',
      changed: 'Questa pagina è cambiata mentre era aperta. Rileggila e tocca Continua.',
    },
  },
};

/**
 * The language to show: an offered `?lang=` wins, then the first offered language the browser's
 * Accept-Language names (by q-value), else the first language the form offers.
 */
export function pickPageLanguage(offered: readonly PageLanguage[], requested: string | undefined, acceptLanguage: string | undefined): PageLanguage {
  const list = offered.length > 0 ? offered : (['en'] as const);
  if (requested && (list as readonly string[]).includes(requested)) return requested as PageLanguage;
  const prefs = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { lang: (tag ?? '').toLowerCase().split('-')[0]!, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((p) => p.lang && p.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const p of prefs) if ((list as readonly string[]).includes(p.lang)) return p.lang as PageLanguage;
  return list[0]!;
}
