import { describe, expect, it } from 'vitest';
import { postRateMeter } from './post-rate.js';

describe('postRateMeter', () => {
  it('reports the most requests in one second (ten 100 ms buckets), forgetting buckets that have passed', () => {
    let t = 1_000_000;
    const m = postRateMeter(() => t);
    // 10 per 100 ms for 2 s: 100 in any second.
    for (let i = 0; i < 200; i++) {
      m.add();
      t += 10;
    }
    expect(m.peak()).toBe(100);
    // A pause longer than the ring, then a burst of 150 in 50 ms: the peak is the burst, not burst + old counts.
    t += 5_000;
    for (let i = 0; i < 150; i++) m.add();
    expect(m.peak()).toBe(150);
  });

  it('drops what left more than a second ago', () => {
    let t = 0;
    const m = postRateMeter(() => t);
    for (let i = 0; i < 50; i++) m.add();
    t = 1_000;
    for (let i = 0; i < 60; i++) m.add();
    expect(m.peak()).toBe(60);
  });
});
