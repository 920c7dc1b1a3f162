import type { WaIdRule } from './types.js';

const compiled = new Map<string, RegExp>();

function regex(pattern: string): RegExp {
  let r = compiled.get(pattern);
  if (!r) {
    r = new RegExp(pattern);
    compiled.set(pattern, r);
  }
  return r;
}

/**
 * Digits of a `to` value, or undefined when it is not a phone number. Meta tolerates "+",
 * spaces, dashes, dots and parentheses, and echoes the raw string back as `contacts[].input`.
 */
export function phoneDigits(raw: string): string | undefined {
  if (!/^\+?[\d\s().-]+$/.test(raw)) return undefined;
  const digits = raw.replace(/\D/g, '');
  return digits.length >= 7 && digits.length <= 15 ? digits : undefined;
}

/**
 * True for a business-scoped user id (BSUID): a two-letter country code, a dot, then up to 128
 * letters and digits, e.g. `US.13491208655302741918`; parent BSUIDs add `ENT.` after the country.
 * Meta gives one to every user; users who adopt a username may share nothing else.
 */
export function isBsuid(raw: string): boolean {
  return /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/.test(raw);
}

/**
 * The WhatsApp id for dialed digits. Why: the wa_id can differ from what was dialed (Brazil's
 * 9th digit, Mexico's 521, Argentina's 549), so apps must key users on the returned wa_id.
 * Rules are written to be idempotent (a wa_id maps to itself).
 */
export function toWaId(digits: string, rules: readonly WaIdRule[]): string {
  for (const rule of rules) {
    const r = regex(rule.pattern);
    if (r.test(digits)) return digits.replace(r, rule.replace);
  }
  return digits;
}
