// Whether several IANA zones keep the same clock, computed from the runtime's time-zone data (Intl),
// never from a hand-written list: a number prefix that names London, Guernsey, Jersey and the Isle
// of Man is one clock today, but a territory that changes its rules must stop being merged.

/** How far ahead zones must agree: offsets and the instants of every change. */
const YEARS_AHEAD = 5;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Offsets are sampled weekly and each change is narrowed to the minute: no zone changes its offset
// twice within a week, and one Intl call costs ~30 µs, so a daily scan made the first UK number ~0.1 s.
const STEP = 7 * DAY;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The UTC offset of `zone` at `ms`, in minutes (from Intl's "GMT+01:00"). */
function offsetMinutes(zone: string, ms: number): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, f);
  }
  const name = f.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The offset changes of `zone` in [from, to): the instant of each (to the minute) and the offset after it. */
function transitions(zone: string, from: number, to: number): string {
  const out: string[] = [String(offsetMinutes(zone, from))];
  let prev = offsetMinutes(zone, from);
  for (let t = from + STEP; t < to; t += STEP) {
    const cur = offsetMinutes(zone, t);
    if (cur === prev) continue;
    // Narrow the change down to the minute between the previous sample and t.
    let lo = t - STEP;
    let hi = t;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetMinutes(zone, mid) === prev) lo = mid;
      else hi = mid;
    }
    out.push(`${hi}:${cur}`);
    prev = cur;
  }
  return out.join(',');
}

const verdicts = new Map<string, boolean>();

/**
 * True when every zone has the same UTC offset and changes it at the same instants from the start
 * of this year for the next five years. A coarse pass (monthly) rules most lists out quickly;
 * the exact comparison runs only when that pass agrees. Cached per list.
 */
export function keepSameClock(zones: readonly string[], now = Date.now()): boolean {
  if (zones.length <= 1) return true;
  const key = zones.join('&');
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  const from = Date.UTC(new Date(now).getUTCFullYear(), 0, 1);
  const to = Date.UTC(new Date(now).getUTCFullYear() + YEARS_AHEAD, 0, 1);
  let same = true;
  coarse: for (let t = from; t < to; t += 30 * DAY) {
    const first = offsetMinutes(zones[0]!, t);
    for (const z of zones.slice(1)) {
      if (offsetMinutes(z, t) !== first) {
        same = false;
        break coarse;
      }
    }
  }
  if (same) {
    const first = transitions(zones[0]!, from, to);
    same = zones.slice(1).every((z) => transitions(z, from, to) === first);
  }
  verdicts.set(key, same);
  return same;
}

const zonesOfRegion = new Map<string, string[]>();

/**
 * The zones of a region in Intl's data (GB → Europe/London), empty when unknown. Cached: building an
 * Intl.Locale costs ~0.3 ms, and imports ask once per UK row (it cut CSV imports by half).
 */
function regionZones(country: string): string[] {
  const key = country.toUpperCase();
  let zones = zonesOfRegion.get(key);
  if (zones === undefined) {
    try {
      zones = (new Intl.Locale(`und-${key}`) as Intl.Locale & { timeZones?: string[] }).timeZones ?? [];
    } catch {
      zones = [];
    }
    zonesOfRegion.set(key, zones);
  }
  return zones;
}

/**
 * The zone to store for a list that keeps one clock: the number's own country's zone (GB →
 * Europe/London, JE → Europe/Jersey) when it keeps that same clock, else the first of the list.
 */
export function canonicalZone(zones: readonly string[], country: string | null): string {
  const own = country ? regionZones(country) : [];
  const hit = own.find((z) => zones.includes(z)) ?? (own.length === 1 && keepSameClock([own[0]!, ...zones]) ? own[0] : undefined);
  return hit ?? zones[0]!;
}

/** The one clock of a country, when all its zones keep the same time (GB, DE, IN); null for several (US, RU). */
export function zoneOfCountry(country: string): string | null {
  const zones = regionZones(country);
  return zones.length > 0 && keepSameClock(zones) ? zones[0]! : null;
}
