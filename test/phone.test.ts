// Phone parsing (src/lib/phone): strict E.164, and libphonenumber's patterns compiled once.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parsePhone, phoneProblem } from '../src/lib/phone/index.js';

const require = createRequire(import.meta.url);

describe('parsePhone', () => {
  it('accepts valid numbers in international and national formats', () => {
    expect(parsePhone('+44 7400 123456')).toMatchObject({ e164: '+447400123456', country: 'GB', timezone: 'Europe/London' });
    expect(parsePhone('07401 234567', 'GB').e164).toBe('+447401234567');
    expect(parsePhone('+1 (415) 555-0123').e164).toBe('+14155550123');
    expect(parsePhone('0049 151 23456789').e164).toBe('+4915123456789');
    expect(parsePhone('+55 11 94444-5555').e164).toBe('+5511944445555');
  });

  it('maps legacy WhatsApp forms to the valid number they stand for', () => {
    expect(parsePhone('+5215512345678').e164).toBe('+525512345678');
  });

  it('rejects numbers that are not valid for their country, naming why', () => {
    expect(phoneProblem('+44 7400 12')).toMatch(/not a valid number for \+44: check the digits/);
    expect(phoneProblem('+1 (015) 555-0123')).toMatch(/not a valid number/);
    expect(phoneProblem('n/a')).toMatch(/must be a phone number/);
    expect(phoneProblem('0740 1234567')).toMatch(/national numbers need the workspace default country/);
  });

  it('gives the same answers on a second pass (the compiled patterns keep no state)', () => {
    const inputs = ['+44 7400 123456', '+1 (415) 555-0123', '+44 7400 12', '+33 6 12 34 56 78', '+81 90-1234-5678', '+61 412 345 678'];
    const first = inputs.map((i) => phoneProblem(i) ?? parsePhone(i).e164);
    const second = inputs.map((i) => phoneProblem(i) ?? parsePhone(i).e164);
    expect(second).toEqual(first);
    expect(first).toEqual(['+447400123456', '+14155550123', expect.stringMatching(/not a valid number/), '+33612345678', '+819012345678', '+61412345678']);
  });

  it("compiles libphonenumber's patterns once (the import speed lever stays on after an upgrade)", () => {
    parsePhone('+44 7400 123456');
    const base = require.resolve('libphonenumber-js/max').replace(/max[\\/]index\.cjs$/, '');
    const helper = require(`${base}build/helpers/matchesEntirely.js`) as { default: (t: string, p: string) => boolean };
    expect(helper.default.toString()).toContain('compiled');
    expect(helper.default('12345', '\\d{5}')).toBe(true);
    expect(helper.default('123456', '\\d{5}')).toBe(false);
    expect(helper.default(undefined as unknown as string, '\\d{0}')).toBe(true);
  });
});
