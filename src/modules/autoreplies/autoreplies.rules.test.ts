// The business calendar across DST changes and holidays, and the precedence of auto-replies.
import { describe, expect, it } from 'vitest';
import { candidatesFor, isOpenAt, isReservedText, type Calendar, type EffectiveReplies } from './autoreplies.rules.js';
import { keywordSets, normalizeKeyword } from '../consent/index.js';

const nineToFive = { start: '09:00', end: '17:00' };
const london: Calendar = { zone: 'Europe/London', weekly: { mon: [nineToFive], tue: [nineToFive], wed: [nineToFive], thu: [nineToFive], fri: [nineToFive], sun: [{ start: '01:00', end: '03:00' }] }, holidays: [] };
const at = (iso: string) => new Date(iso);

describe('the business calendar', () => {
  it('keeps 09:00–17:00 local on both sides of the spring DST change (London, 29 March 2026)', () => {
    // Friday 27 March: GMT (UTC+0). 08:59 UTC is 08:59 local: closed; 09:00 UTC open.
    expect(isOpenAt(london, at('2026-03-27T08:59:00Z'))).toBe(false);
    expect(isOpenAt(london, at('2026-03-27T09:00:00Z'))).toBe(true);
    expect(isOpenAt(london, at('2026-03-27T16:59:00Z'))).toBe(true);
    expect(isOpenAt(london, at('2026-03-27T17:00:00Z'))).toBe(false);
    // Monday 30 March: BST (UTC+1). 08:00 UTC is 09:00 local: open; 16:00 UTC is 17:00 local: closed.
    expect(isOpenAt(london, at('2026-03-30T07:59:00Z'))).toBe(false);
    expect(isOpenAt(london, at('2026-03-30T08:00:00Z'))).toBe(true);
    expect(isOpenAt(london, at('2026-03-30T15:59:00Z'))).toBe(true);
    expect(isOpenAt(london, at('2026-03-30T16:00:00Z'))).toBe(false);
  });

  it('reads the DST night on the wall clock: the skipped hour never happens, the repeated hour counts twice', () => {
    // Sunday 29 March 2026, 01:00 GMT jumps to 02:00 BST: "01:00–03:00" local lasts one real hour.
    expect(isOpenAt(london, at('2026-03-29T00:59:00Z'))).toBe(false); // 00:59 GMT
    expect(isOpenAt(london, at('2026-03-29T01:00:00Z'))).toBe(true); // 02:00 BST
    expect(isOpenAt(london, at('2026-03-29T01:59:00Z'))).toBe(true); // 02:59 BST
    expect(isOpenAt(london, at('2026-03-29T02:00:00Z'))).toBe(false); // 03:00 BST
    // Sunday 25 October 2026, 02:00 BST falls back to 01:00 GMT: "01:00–03:00" local lasts three real hours.
    expect(isOpenAt(london, at('2026-10-24T23:59:00Z'))).toBe(false); // 00:59 BST
    expect(isOpenAt(london, at('2026-10-25T00:00:00Z'))).toBe(true); // 01:00 BST
    expect(isOpenAt(london, at('2026-10-25T01:30:00Z'))).toBe(true); // 01:30 GMT (the second time)
    expect(isOpenAt(london, at('2026-10-25T02:59:00Z'))).toBe(true); // 02:59 GMT
    expect(isOpenAt(london, at('2026-10-25T03:00:00Z'))).toBe(false); // 03:00 GMT
  });

  it('follows the southern hemisphere and zones far from UTC (São Paulo has no DST; Sydney springs forward in October)', () => {
    const sydney: Calendar = { ...london, zone: 'Australia/Sydney' };
    // Friday 2 October 2026 AEST (UTC+10): 09:00 local is 23:00 UTC the day before.
    expect(isOpenAt(sydney, at('2026-10-01T23:00:00Z'))).toBe(true);
    expect(isOpenAt(sydney, at('2026-10-01T22:59:00Z'))).toBe(false);
    // Monday 5 October 2026 AEDT (UTC+11): 09:00 local is 22:00 UTC the day before.
    expect(isOpenAt(sydney, at('2026-10-04T22:00:00Z'))).toBe(true);
    expect(isOpenAt(sydney, at('2026-10-04T21:59:00Z'))).toBe(false);
  });

  it('a holiday closes the day, or replaces its hours, on its local date', () => {
    const cal: Calendar = { ...london, holidays: [{ date: '2026-12-25', name: 'Christmas' }, { date: '2026-12-24', hours: [{ start: '09:00', end: '12:00' }] }, { date: '2026-12-26', hours: [{ start: '10:00', end: '14:00' }] }] };
    expect(isOpenAt(cal, at('2026-12-25T10:00:00Z'))).toBe(false); // a Friday, closed for Christmas
    expect(isOpenAt(cal, at('2026-12-24T11:59:00Z'))).toBe(true);
    expect(isOpenAt(cal, at('2026-12-24T12:00:00Z'))).toBe(false); // half day
    expect(isOpenAt(cal, at('2026-12-26T10:00:00Z'))).toBe(true); // a Saturday, opened by the holiday's hours
    expect(isOpenAt(cal, at('2026-12-23T10:00:00Z'))).toBe(true);
    // The date is the local one: 23:30 UTC on 24 December is already Christmas in Berlin.
    const berlin: Calendar = { zone: 'Europe/Berlin', weekly: { thu: [{ start: '00:00', end: '24:00' }], fri: [{ start: '00:00', end: '24:00' }] }, holidays: [{ date: '2026-12-25' }] };
    expect(isOpenAt(berlin, at('2026-12-24T22:59:00Z'))).toBe(true);
    expect(isOpenAt(berlin, at('2026-12-24T23:00:00Z'))).toBe(false);
  });

  it('no calendar means always open', () => {
    expect(isOpenAt({ zone: 'UTC', weekly: null, holidays: [] }, at('2026-12-25T03:00:00Z'))).toBe(true);
  });
});

const replies: EffectiveReplies = {
  greeting: 'Hello!',
  away: 'We are closed.',
  fallback: 'A person will answer within 2 hours.',
  keywords: [{ words: new Set(['price', 'prices']), text: 'Prices: …' }],
  faq: { words: new Set(['help']), rows: new Map([['hours', { answer: '9 to 5' }], ['book', { automationId: 'a1' }]]), menu: { body: 'How can we help?', button: 'Options', rows: [] } },
};
const facts = (o: Partial<Parameters<typeof candidatesFor>[0]> = {}) => ({ text: 'hi', replyId: null, isFirst: false, isOpen: true, ...o });

describe('which auto-reply answers a message', () => {
  it('a FAQ row tapped > keyword > FAQ menu > greeting > away > fallback', () => {
    expect(candidatesFor(facts({ replyId: 'ar_faq:hours', text: 'opening hours' }), replies, false).map((c) => c.kind)).toEqual(['faq_answer']);
    expect(candidatesFor(facts({ replyId: 'ar_faq:book' }), replies, false)[0]).toMatchObject({ key: 'faq:book', automationId: 'a1' });
    expect(candidatesFor(facts({ text: normalizeKeyword('PRICES!'), isFirst: true, isOpen: false }), replies, false).map((c) => c.key)).toEqual(['keyword:price']);
    expect(candidatesFor(facts({ text: 'help', isFirst: true }), replies, false).map((c) => c.kind)).toEqual(['faq_menu']);
    expect(candidatesFor(facts({ isFirst: true, isOpen: false }), replies, false).map((c) => c.kind)).toEqual(['greeting', 'away']);
    expect(candidatesFor(facts({ isFirst: true }), replies, false).map((c) => c.kind)).toEqual(['greeting', 'fallback']);
    expect(candidatesFor(facts({ isOpen: false }), replies, false).map((c) => c.kind)).toEqual(['away']);
  });

  it('the fallback only when nothing was sent this window, and only in business hours (away covers the rest)', () => {
    expect(candidatesFor(facts(), replies, false).map((c) => c.kind)).toEqual(['fallback']);
    expect(candidatesFor(facts(), replies, true)).toEqual([]);
    expect(candidatesFor(facts({ isOpen: false }), { ...replies, away: null }, false)).toEqual([]);
  });

  it('never answers STOP/START words, a mention of a STOP word, or the preference centre words', () => {
    const sets = keywordSets(undefined);
    for (const text of ['STOP', 'stop offers', 'please stop texting me', 'Unsubscribe', 'START', 'PREFERENCES', 'Menu', 'menú']) expect(isReservedText(normalizeKeyword(text), sets.stop, sets.start), text).toBe(true);
    for (const text of ['hi', 'what time do you open', 'prices']) expect(isReservedText(normalizeKeyword(text), sets.stop, sets.start), text).toBe(false);
  });
});
