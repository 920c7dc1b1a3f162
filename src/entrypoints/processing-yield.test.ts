import { describe, expect, it } from 'vitest';
import { webhookProcessingYield } from './server.js';

describe('webhookProcessingYield', () => {
  const intake = (rate: number) => ({ ratePerSecond: () => rate });

  it('defers processing while its own intake is in a burst, until it is 20 s behind', () => {
    const y = webhookProcessingYield('postgres', 'start', intake(2_000));
    expect(y.ratio()).toBe(8);
    expect(y.batch()).toBe(500);
    y.noteLag(25_000);
    expect(y.ratio()).toBe(1);
    y.noteLag(100);
    expect(y.ratio()).toBe(8);
  });

  it("takes smaller batches on PGlite during a burst (its one connection is held for a batch)", () => {
    expect(webhookProcessingYield('pglite', 'start', intake(2_000)).batch()).toBe(100);
    expect(webhookProcessingYield('pglite', 'start', intake(10)).batch()).toBe(500);
  });

  it('keeps the usual pace when intake is quiet, and a worker without intake never defers', () => {
    expect(webhookProcessingYield('pglite', 'start', intake(10)).ratio()).toBe(1);
    expect(webhookProcessingYield('postgres', 'api', intake(10)).ratio()).toBe(0);
    expect(webhookProcessingYield('postgres', 'worker', intake(5_000)).ratio()).toBe(0);
  });

  it('never defers bodies that carry messages: small batches at the usual pace, even mid-burst', () => {
    expect(webhookProcessingYield('postgres', 'start', intake(2_000)).messages).toEqual({ ratio: 1, batch: 50 });
    expect(webhookProcessingYield('pglite', 'start', intake(2_000)).messages).toEqual({ ratio: 1, batch: 50 });
    expect(webhookProcessingYield('postgres', 'worker', intake(2_000)).messages).toEqual({ ratio: 0, batch: 50 });
  });
});
