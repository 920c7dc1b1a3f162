import { describe, expect, it } from 'vitest';
import { clockOffsetEstimator } from './clock-offset.js';

describe('clockOffsetEstimator', () => {
  it('keeps the sample closest to the true offset from below (the fastest read), so converted slots are never early', () => {
    const e = clockOffsetEstimator(3);
    expect(e.offset()).toBe(0);
    // True offset +100 ms; reads that took 40, 5 and 300 ms after the database read its clock.
    e.add(10_100, 10_040);
    e.add(20_100, 20_005);
    e.add(30_100, 30_300);
    expect(e.offset()).toBe(95);
    // Old samples age out: a clock that moved is followed.
    e.add(40_000, 40_010);
    e.add(50_000, 50_010);
    e.add(60_000, 60_020);
    expect(e.offset()).toBe(-10);
  });
});
