// The broadcast view keeps polling a little after a broadcast completed (web/src/use-broadcast.ts):
// delivery and read receipts arrive after the last send, and the owner reads the results there.
import { describe, expect, it } from 'vitest';
import { RECEIPTS_WINDOW_MS, stillMoving } from '../web/src/use-broadcast.js';

const now = Date.parse('2026-12-07T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('stillMoving', () => {
  it('is true while sending or scheduled', () => {
    expect(stillMoving({ status: 'sending', finished_at: null }, now)).toBe(true);
    expect(stillMoving({ status: 'scheduled', finished_at: null }, now)).toBe(true);
  });

  it('is true for a broadcast completed within the receipts window, false after it', () => {
    expect(stillMoving({ status: 'completed', finished_at: ago(5_000) }, now)).toBe(true);
    expect(stillMoving({ status: 'completed', finished_at: ago(RECEIPTS_WINDOW_MS - 1) }, now)).toBe(true);
    expect(stillMoving({ status: 'completed', finished_at: ago(RECEIPTS_WINDOW_MS) }, now)).toBe(false);
  });

  it('is false for drafts, paused and cancelled broadcasts', () => {
    for (const status of ['draft', 'paused', 'cancelled']) expect(stillMoving({ status, finished_at: status === 'cancelled' ? ago(1_000) : null }, now)).toBe(false);
  });
});
