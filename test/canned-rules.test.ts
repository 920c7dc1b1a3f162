// Canned replies' variables (pure rules): which names a text uses, which are unknown, and filling
// them with fallbacks.
import { describe, expect, it } from 'vitest';
import { firstNameOf, renderCanned, unknownVariables, variablesIn } from '../src/modules/conversations/canned.rules.js';

describe('canned reply variables', () => {
  it('finds the names a text uses, once each, with or without spaces and fallbacks', () => {
    expect(variablesIn('Hi {{first_name}}, {{ business_name }} here. Bye {{first_name|friend}}')).toEqual(['first_name', 'business_name']);
    expect(variablesIn('no variables, {single} braces')).toEqual([]);
  });

  it('names the unknown ones', () => {
    expect(unknownVariables('Hi {{firstname}}, order {{order_id}} for {{name}}')).toEqual(['firstname', 'order_id']);
    expect(unknownVariables('{{}}')).toEqual(['']);
    expect(unknownVariables('Hi {{first_name|there}}')).toEqual([]);
  });

  it('fills values, takes the fallback for an empty one, and trims the result', () => {
    const text = 'Hi {{first_name|there}}, {{business_name}} here{{agent_name}}';
    expect(renderCanned(text, { first_name: 'Ada', business_name: 'Acme', agent_name: null })).toBe('Hi Ada, Acme here');
    expect(renderCanned(text, { first_name: '  ', business_name: 'Acme', agent_name: ' (Bea)' })).toBe('Hi there, Acme here(Bea)');
    expect(renderCanned('{{phone}} ', { phone: '+447700900123' })).toBe('+447700900123');
  });

  it('takes the first word of a name', () => {
    expect(firstNameOf(' Ada  Lovelace ')).toBe('Ada');
    expect(firstNameOf('')).toBeNull();
    expect(firstNameOf(null)).toBeNull();
  });
});
