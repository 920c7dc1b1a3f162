import { describe, expect, it } from 'vitest';
import { DEFAULT_MARKETING_POLICY, isQuietAt, marketingDeferral, marketingPolicyFrom, minutesOf, type MarketingFacts } from './marketing.rules.js';

const at = (hhmm: string) => minutesOf(hhmm);

describe('isQuietAt', () => {
  // Each window with the minutes it is (or is not) quiet at.
  const cases: { title: string; window: { start: string; end: string }; quietAt: [string, boolean][] }[] = [
    {
      title: 'wraps midnight: quiet from the start (inclusive) to the end (exclusive)',
      window: { start: '21:00', end: '08:00' },
      quietAt: [['20:59', false], ['21:00', true], ['23:59', true], ['00:00', true], ['07:59', true], ['08:00', false], ['12:00', false]],
    },
    {
      title: 'handles a window inside one day',
      window: { start: '12:00', end: '13:30' },
      quietAt: [['11:59', false], ['12:00', true], ['13:29', true], ['13:30', false], ['00:00', false]],
    },
  ];
  for (const { title, window, quietAt } of cases) {
    it(title, () => {
      for (const [hhmm, quiet] of quietAt) expect(isQuietAt(at(hhmm), window), hhmm).toBe(quiet);
    });
  }

  it('treats equal start and end as no quiet hours at all (not a 24 h block)', () => {
    for (const m of [0, at('09:00'), at('09:01'), at('23:59')]) expect(isQuietAt(m, { start: '09:00', end: '09:00' })).toBe(false);
  });

  it('reads "HH:MM" as minutes since midnight', () => {
    expect(minutesOf('00:00')).toBe(0);
    expect(minutesOf('08:30')).toBe(510);
    expect(minutesOf('23:59')).toBe(1439);
  });
});

describe('marketingDeferral', () => {
  const none: MarketingFacts = { local_minutes: null, quiet_end_today: null, quiet_end_tomorrow: null, cap_from_ms: null };
  const today = '2026-12-06T07:00:00.000Z';
  const tomorrow = '2026-12-07T07:00:00.000Z';

  it('lets a message go outside quiet hours and under the cap', () => {
    expect(marketingDeferral({ ...none, local_minutes: minutesOf('12:00'), quiet_end_today: today, quiet_end_tomorrow: tomorrow }, DEFAULT_MARKETING_POLICY)).toBeNull();
  });

  it("waits for this morning's end after midnight and tomorrow's before it", () => {
    const f = { ...none, quiet_end_today: today, quiet_end_tomorrow: tomorrow };
    expect(marketingDeferral({ ...f, local_minutes: minutesOf('02:00') }, DEFAULT_MARKETING_POLICY)).toEqual({ until: new Date(today), reason: 'deferred: quiet hours' });
    expect(marketingDeferral({ ...f, local_minutes: minutesOf('22:30') }, DEFAULT_MARKETING_POLICY)).toEqual({ until: new Date(tomorrow), reason: 'deferred: quiet hours' });
  });

  it('at the cap, waits until the oldest counted send leaves the window', () => {
    const from = Date.parse('2026-12-01T10:00:00Z');
    expect(marketingDeferral({ ...none, cap_from_ms: String(from) }, DEFAULT_MARKETING_POLICY)).toEqual({ until: new Date(from + 7 * 86_400_000), reason: 'deferred: frequency cap' });
  });

  it('applies neither rule when the policy disables both', () => {
    expect(marketingDeferral({ local_minutes: minutesOf('23:00'), quiet_end_today: today, quiet_end_tomorrow: tomorrow, cap_from_ms: 1 }, { quietHours: null, frequencyCap: null })).toBeNull();
  });
});

describe('marketingPolicyFrom', () => {
  it('keeps the defaults for absent keys, disables a rule set to null, and reads snake_case settings', () => {
    expect(marketingPolicyFrom(undefined)).toEqual(DEFAULT_MARKETING_POLICY);
    expect(marketingPolicyFrom({ quiet_hours: null })).toEqual({ quietHours: null, frequencyCap: { max: 2, days: 7 } });
    expect(marketingPolicyFrom({ quiet_hours: { start: '22:00', end: '07:00' }, frequency_cap: { max: 5, days: 30 } })).toEqual({ quietHours: { start: '22:00', end: '07:00' }, frequencyCap: { max: 5, days: 30 } });
  });
});
