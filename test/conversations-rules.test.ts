// Pure rules of the inbox: the search's words as a full-text query.
import { describe, expect, it } from 'vitest';
import { wordsQuery } from '../src/modules/conversations/conversations.rules.js';

describe('wordsQuery', () => {
  it('makes each word a required prefix, lower-cased, any script', () => {
    expect(wordsQuery('Parcel number 77')).toBe('parcel:* & number:* & 77:*');
    expect(wordsQuery('  Où est ma commande?  ')).toBe('où:* & est:* & ma:* & commande:*');
    expect(wordsQuery('طلبي')).toBe('طلبي:*');
  });
  it('drops what full-text syntax would read as operators, and gives none for no word', () => {
    expect(wordsQuery("a & b | !c ('d'):*")).toBe('a:* & b:* & c:* & d:*');
    expect(wordsQuery('?!& ')).toBeNull();
  });
});
