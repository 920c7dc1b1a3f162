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

  it('masks phone-shaped values in URLs, messages and bodies', () => {
    expect(maskPhones('/api/v1/contacts?phone=%2B447700900123&x=1')).toBe('/api/v1/contacts?phone=%2B44••••••••23&x=1');
    expect(maskPhones('{"from":"16505551234","text":"hi"}')).toBe('{"from":"16•••••••34","text":"hi"}');
    expect(maskPhones('call +1 (415) 555-0123 or 020 7946 0958.')).not.toMatch(/555-0123|7946 0958/);
  });

  it('never masks ids, dates or addresses (a UUID kept its digits whole)', () => {
    const ids = [
      '/api/v1/contacts/ae5b3412-9f06-4c2b-806b-123456789012/export',
      '/api/v1/contacts/12345678-1234-4234-8234-123456789012',
      'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA',
      'imported at 2026-12-06T10:00:00.000Z and 2026-12-06 10:00',
      'from 192.168.100.200',
      'job_20261206123456 ref a1234567890b',
    ];
    for (const text of ids) expect(maskPhones(text)).toBe(text);
  });
});

describe('logger', () => {
  it('never writes tokens, secrets, passwords or full phone numbers', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => void (lines.push(String(chunk)), cb()) });
    const log = createLogger({ level: 'info', destination: sink });
    log.info({ req: { headers: { authorization: 'Bearer glk_secretsecret', cookie: 'greenlist_session=abc' }, url: '/api/v1/contacts?phone=+14155550123' } }, 'request');
    log.info({ req: { url: '/api/v1/contacts/ae5b3412-9f06-4c2b-806b-123456789012/export' } }, 'request for contact ae5b3412-9f06-4c2b-806b-123456789012');
    log.info({ recipient: { phones: ['+14155550999'], waId: '14155550888' } }, 'list update');
    log.info({ contact: { phone: '+14155550123' }, phoneNumber: { access_token: 'EAAGtoken', app_secret: 'shh' }, user: { password: 'hunter22hunter22' } }, 'sending to +447700900123');
    const out = lines.join('\n');
    for (const secret of ['glk_secretsecret', 'greenlist_session=abc', '4155550123', 'EAAGtoken', 'shh"', 'hunter22', '7700900123', '4155550999', '4155550888']) {
      expect(out).not.toContain(secret);
    }
    expect(out.split('ae5b3412-9f06-4c2b-806b-123456789012').length).toBe(3); // URL and message keep the id whole
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
