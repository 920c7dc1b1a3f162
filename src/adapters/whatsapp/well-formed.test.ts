import { describe, expect, it } from 'vitest';
import { makeWellFormed, mayHoldUndecodable } from './well-formed.js';

describe('makeWellFormed', () => {
  it('replaces NUL and lone surrogates in values and keys, leaves surrogate pairs alone, and says where', () => {
    const v = JSON.parse('{"a":["ok \\ud83d\\ude00","x\\u0000y"],"k\\udc00":{"b":"\\ud800"}}') as Record<string, unknown>;
    const found = makeWellFormed(v);
    expect(v).toEqual({ a: ['ok 😀', 'x\uFFFDy'], 'k\uFFFD': { b: '\uFFFD' } });
    expect(found).toEqual(
      expect.arrayContaining([
        { path: 'a[1]', reason: 'NUL character' },
        { path: 'k\uFFFD (key)', reason: 'lone UTF-16 surrogate' },
        { path: 'k\uFFFD.b', reason: 'lone UTF-16 surrogate' },
      ]),
    );
  });

  it('walks a 5,000-deep body without overflowing the stack', () => {
    const deep = JSON.parse(`${'{"n":'.repeat(5000)}"\\u0000"${'}'.repeat(5000)}`) as unknown;
    expect(makeWellFormed(deep)).toHaveLength(1);
  });

  it('is only needed when the raw text holds such an escape', () => {
    expect(mayHoldUndecodable('{"a":"plain"}')).toBe(false);
    expect(mayHoldUndecodable('{"a":"\\u0000"}')).toBe(true);
    expect(mayHoldUndecodable('{"a":"\\uD83D"}')).toBe(true);
  });
});
