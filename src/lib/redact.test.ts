import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from './logger.js';
import { maskPhones, safeErrorMessage } from './redact.js';

describe('maskPhones', () => {
  it('keeps only the first and last two digits of phone-like runs', () => {
    expect(maskPhones('to +14155550123 now')).toBe('to +14•••••••23 now');
    expect(maskPhones('/contacts?phone=%2B447700900123')).not.toContain('7700900');
    expect(maskPhones('order 12345')).toBe('order 12345');
  });
});

describe('logger', () => {
  it('never writes tokens, secrets, passwords or full phone numbers', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => void (lines.push(String(chunk)), cb()) });
    const log = createLogger({ level: 'info', destination: sink });
    log.info({ req: { headers: { authorization: 'Bearer glk_secretsecret', cookie: 'greenlist_session=abc' }, url: '/api/v1/contacts?phone=+14155550123' } }, 'request');
    log.info({ contact: { phone: '+14155550123' }, phoneNumber: { access_token: 'EAAGtoken', app_secret: 'shh' }, user: { password: 'hunter22hunter22' } }, 'sending to +447700900123');
    const out = lines.join('\n');
    for (const secret of ['glk_secretsecret', 'greenlist_session=abc', '4155550123', 'EAAGtoken', 'shh"', 'hunter22', '7700900123']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
  });
});

describe('safeErrorMessage', () => {
  it('drops query parameters and masks phone numbers from database errors', () => {
    const err = new Error('Failed query: insert into webhook_events (raw) values ($1)\nparams: {"from":"16505551234","text":"my secret"}', { cause: new Error('malformed array literal') });
    const msg = safeErrorMessage(err);
    expect(msg).toContain('Failed query: insert into webhook_events');
    expect(msg).toContain('malformed array literal');
    expect(msg).not.toContain('my secret');
    expect(msg).not.toContain('16505551234');
    expect(safeErrorMessage(new Error('call +14155550123 failed'))).not.toContain('4155550123');
  });
});
