import { describe, expect, it } from 'vitest';
import { tierLimitOf } from './limits.js';

describe('tierLimitOf', () => {
  it('reads the unique-recipient limit of each messaging tier', () => {
    expect(tierLimitOf('TIER_50')).toBe(50);
    expect(tierLimitOf('TIER_250')).toBe(250);
    expect(tierLimitOf('TIER_1K')).toBe(1000);
    expect(tierLimitOf('TIER_2K')).toBe(2000);
    expect(tierLimitOf('TIER_10K')).toBe(10_000);
    expect(tierLimitOf('TIER_100K')).toBe(100_000);
  });

  it('treats unlimited and unknown tiers as no limit', () => {
    expect(tierLimitOf('TIER_UNLIMITED')).toBeNull();
    expect(tierLimitOf('')).toBeNull();
    expect(tierLimitOf('tier_250')).toBeNull();
    expect(tierLimitOf('TIER_250M')).toBeNull();
  });
});
