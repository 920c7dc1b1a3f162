import { describe, expect, it } from 'vitest';
import { abBucket, abGroupOf, normalCdf, rankVariants, splitProblems, twoProportionTest, type VariantOutcome } from './ab-test.rules.js';

const outcome = (key: string, sent: number, replied: number): VariantOutcome => ({ key, sent, delivered: sent, read: sent, replied, clicked: 0, converted: 0 });

describe('two-proportion z-test', () => {
  it('matches a worked example: 60/100 against 40/100 gives z ≈ 2.83, p ≈ 0.0047', () => {
    const t = twoProportionTest(60, 100, 40, 100);
    expect(t.z).toBeCloseTo(2.8284, 3);
    expect(t.p_value).toBeCloseTo(0.00468, 4);
    expect(t.confidence).toBeCloseTo(1 - 0.00468, 4);
  });
  it('is symmetric in sign and reports no evidence for equal rates', () => {
    expect(twoProportionTest(40, 100, 60, 100).z).toBeCloseTo(-2.8284, 3);
    const same = twoProportionTest(10, 100, 20, 200);
    expect(same.z).toBe(0);
    expect(same.p_value).toBeCloseTo(1, 6);
    expect(same.confidence).toBeCloseTo(0, 6);
  });
  it('handles zero sends and no variance without dividing by zero', () => {
    expect(twoProportionTest(0, 0, 5, 10)).toEqual({ z: 0, p_value: 1, confidence: 0 });
    expect(twoProportionTest(0, 0, 0, 0)).toEqual({ z: 0, p_value: 1, confidence: 0 });
    expect(twoProportionTest(10, 10, 20, 20)).toEqual({ z: 0, p_value: 1, confidence: 0 });
    expect(twoProportionTest(0, 10, 0, 20)).toEqual({ z: 0, p_value: 1, confidence: 0 });
  });
  it('has a normal CDF accurate to 1e-6 at known points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 6);
  });
});

describe('ranking variants', () => {
  it('puts the best rate first and compares it with the runner-up', () => {
    const r = rankVariants([outcome('A', 100, 10), outcome('B', 100, 30), outcome('C', 100, 20)], 'reply')!;
    expect(r.best).toBe('B');
    expect(r.runnerUp).toBe('C');
    // 30 % against 20 % of 100 each: z ≈ 1.63, p ≈ 0.10 — not yet 95 % confident.
    expect(r.test.z).toBeCloseTo(1.633, 3);
    expect(r.test.confidence).toBeCloseTo(0.8975, 3);
  });
  it('breaks ties by order, counts a variant without sends as rate 0, and needs two variants', () => {
    expect(rankVariants([outcome('A', 50, 5), outcome('B', 50, 5)], 'reply')!.best).toBe('A');
    expect(rankVariants([outcome('A', 0, 0), outcome('B', 10, 1)], 'reply')).toMatchObject({ best: 'B', runnerUp: 'A', test: { p_value: 1 } });
    expect(rankVariants([outcome('A', 10, 1)], 'reply')).toBeNull();
  });
});

describe('assignment', () => {
  it('is a pure function of (broadcast, contact) in [0, 10000)', () => {
    const b = '0b6f5a1e-3c1d-4e0a-9f55-1f2a3b4c5d6e';
    const c = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    expect(abBucket(b, c)).toBe(abBucket(b, c));
    expect(abBucket(b, c)).toBeGreaterThanOrEqual(0);
    expect(abBucket(b, c)).toBeLessThan(10_000);
    expect(abBucket(b, c)).not.toBe(abBucket(c, b));
  });
  it('splits the buckets exactly: variants share the test evenly, then the holdout, then the rest', () => {
    const split = { variants: 3, testPercent: 30, holdoutPercent: 10 };
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) counts.set(abGroupOf(i, split), (counts.get(abGroupOf(i, split)) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ A: 1000, B: 1000, C: 1000, holdout: 1000, rest: 6000 });
    expect(abGroupOf(0, { variants: 2, testPercent: 100, holdoutPercent: 0 })).toBe('A');
    expect(abGroupOf(9_999, { variants: 2, testPercent: 100, holdoutPercent: 0 })).toBe('B');
  });
  it('spreads random contacts close to the split', () => {
    const split = { variants: 2, testPercent: 20, holdoutPercent: 10 };
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const g = abGroupOf(abBucket('b1', crypto.randomUUID()), split);
      counts.set(g, (counts.get(g) ?? 0) + 1);
    }
    expect(counts.get('A')! / 20_000).toBeCloseTo(0.1, 1);
    expect(counts.get('holdout')! / 20_000).toBeCloseTo(0.1, 1);
    expect(counts.get('rest')! / 20_000).toBeCloseTo(0.7, 1);
  });
  it('names the field of a bad split', () => {
    expect(splitProblems({ variants: 1, testPercent: 50, holdoutPercent: 0 })[0]!.path).toBe('ab_test.variants');
    expect(splitProblems({ variants: 5, testPercent: 50, holdoutPercent: 0 })[0]!.path).toBe('ab_test.variants');
    expect(splitProblems({ variants: 2, testPercent: 95, holdoutPercent: 10 })[0]!.path).toBe('ab_test.holdout_percent');
    expect(splitProblems({ variants: 4, testPercent: 90, holdoutPercent: 10 })).toEqual([]);
  });
});
