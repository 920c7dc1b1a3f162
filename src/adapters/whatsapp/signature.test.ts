import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { verifyingSecrets } from './signature.js';

const sig = (body: string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('verifyingSecrets', () => {
  const body = Buffer.from('{"a":"\\u00e9\\/"}');
  it('returns exactly the secrets that signed the bytes', () => {
    expect([...verifyingSecrets(body, sig(body.toString(), 'b'), ['a', 'b', 'b', 'c'])]).toEqual(['b']);
    expect(verifyingSecrets(body, sig(body.toString(), 'b').toUpperCase().replace('SHA256', 'sha256'), ['b']).size).toBe(1);
  });
  it('fails closed on missing, malformed or foreign signatures', () => {
    for (const h of [undefined, '', 'sha1=abc', 'sha256=zz', sig('other', 'b')]) expect(verifyingSecrets(body, h, ['b']).size).toBe(0);
  });
});
