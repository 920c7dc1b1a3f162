// The import's transaction sizer on PGlite: short transactions while webhooks arrive (their acks wait
// behind each one), long ones when none have arrived for a few seconds.
import { describe, expect, it } from 'vitest';
import { noteWebhookArrival } from '../src/lib/webhook-pressure.js';
import { TransactionSizer } from '../src/modules/imports/tx-sizer.js';

/** Feeds the sizer transactions that cost `msPerRow` each, as many rounds as it takes to settle. */
function settle(sizer: TransactionSizer, msPerRow: number, before: () => void = () => {}): number {
  for (let i = 0; i < 30; i++) {
    before();
    sizer.record(sizer.size, sizer.size * msPerRow);
  }
  return sizer.size;
}

describe('transaction sizer', () => {
  it('sizes transactions to 75 ms while webhooks arrive, and to 400 ms when none have for a while', () => {
    const busy = new TransactionSizer(75, 10_000);
    expect(settle(busy, 0.05, () => noteWebhookArrival())).toBe(1_500);
    // No delivery in the last 3 s (the last one is placed 5 s back).
    const quiet = new TransactionSizer(75, 10_000);
    expect(settle(quiet, 0.05, () => noteWebhookArrival(performance.now() - 5_000))).toBe(8_000);
  });

  it('shrinks at once when deliveries start during a long transaction, and never exceeds the chunk', () => {
    const sizer = new TransactionSizer(75, 10_000);
    settle(sizer, 0.05, () => noteWebhookArrival(performance.now() - 5_000));
    expect(sizer.size).toBe(8_000);
    noteWebhookArrival();
    sizer.record(sizer.size, sizer.size * 0.05);
    expect(sizer.size).toBe(1_500);
    const capped = new TransactionSizer(75, 2_000);
    expect(settle(capped, 0.01, () => noteWebhookArrival(performance.now() - 5_000))).toBe(2_000);
  });
});
