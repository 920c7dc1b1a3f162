import { describe, expect, it } from 'vitest';
import { parsePhone, timezoneOfE164, zoneOfCountry } from './index.js';
import { keepSameClock } from './same-clock.js';

describe('zones that keep the same clock (issue 12, item 5)', () => {
  it('gives UK mobiles a zone: the prefix names London, Guernsey, Jersey and the Isle of Man, which keep one clock', () => {
    expect(parsePhone('+447400123456')).toMatchObject({ country: 'GB', timezone: 'Europe/London' });
    // The number's own territory wins when it keeps that clock.
    expect(parsePhone('+447797123456')).toMatchObject({ country: 'JE', timezone: 'Europe/Jersey' });
    expect(parsePhone('+447624123456')).toMatchObject({ country: 'IM', timezone: 'Europe/Isle_of_Man' });
    expect(timezoneOfE164('+447400123456', null)).toBe('Europe/Guernsey'); // no country: the first of the list
  });

  it('keeps null when the candidate zones differ (US area codes spanning zones)', () => {
    // +1 alone names 42 zones from Honolulu to St John's.
    expect(timezoneOfE164('+1')).toBeNull();
    expect(keepSameClock(['America/New_York', 'America/Chicago'])).toBe(false);
    // Same offset in winter, different daylight-saving rules: not the same clock.
    expect(keepSameClock(['Europe/London', 'Africa/Abidjan'])).toBe(false);
    // Same offset most of the year, changes on different dates (US vs EU): not the same clock.
    expect(keepSameClock(['Europe/Paris', 'Africa/Lagos'])).toBe(false);
    expect(keepSameClock(['Europe/Paris', 'Europe/Berlin'])).toBe(true);
  });

  it('is computed from the time-zone data, not a list: the transition instant matters, to the minute', () => {
    // Chile and Paraguay share UTC-3/-4 offsets but change on different days.
    expect(keepSameClock(['America/Santiago', 'America/Asuncion'])).toBe(false);
    expect(keepSameClock(['Europe/London', 'Europe/Isle_of_Man'])).toBe(true);
  });

  it("names a country's zone only when the country has one clock", () => {
    expect(zoneOfCountry('GB')).toBe('Europe/London');
    expect(zoneOfCountry('DE')).toBe('Europe/Berlin'); // Berlin and Büsingen
    expect(zoneOfCountry('US')).toBeNull();
    expect(zoneOfCountry('ZZ')).toBeNull();
  });
});
