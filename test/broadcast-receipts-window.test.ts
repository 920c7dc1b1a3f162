// The broadcast view keeps polling a little after a broadcast completed (web/src/broadcast-receipts.ts):
// delivery and read receipts arrive after the last send, and the owner reads the results there.
import { describe, expect, it } from 'vitest';
import { receiptsStillComing, RECEIPTS_WINDOW_MS } from '../web/src/broadcast-receipts.js';

const now = Date.parse('2026-12-07T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('receiptsStillComing', () => {
  it('is true for a broadcast completed within the receipts window, false after it', () => {
    expect(receiptsStillComing({ status: 'completed', finished_at: ago(5_000) }, now)).toBe(true);
    expect(receiptsStillComing({ status: 'completed', finished_at: ago(RECEIPTS_WINDOW_MS - 1) }, now)).toBe(true);
    expect(receiptsStillComing({ status: 'completed', finished_at: ago(RECEIPTS_WINDOW_MS) }, now)).toBe(false);
  });

  it('is false for drafts, sending, paused and cancelled broadcasts (sending ones poll anyway)', () => {
    for (const status of ['draft', 'sending', 'paused', 'cancelled']) expect(receiptsStillComing({ status, finished_at: status === 'cancelled' ? ago(1_000) : null }, now)).toBe(false);
  });
});
