import { describe, expect, it } from 'vitest';
import { createGroupCommitter, createRateMeter } from './group-commit.js';

describe('createRateMeter', () => {
  it("counts the last second's events and forgets older ones", () => {
    let now = 10_000;
    const m = createRateMeter(() => now);
    for (let i = 0; i < 40; i++) m.add();
    expect(m.perSecond()).toBe(40);
    now += 600;
    for (let i = 0; i < 10; i++) m.add();
    expect(m.perSecond()).toBe(50);
    now += 500; // the first 40 are now more than a second old
    expect(m.perSecond()).toBe(10);
    now += 5_000;
    expect(m.perSecond()).toBe(0);
  });
});

describe('createGroupCommitter', () => {
  it('writes concurrent items in one flush, resolves each after it, and reports the intake rate', async () => {
    const flushes: number[][] = [];
    const c = createGroupCommitter<number>({ flush: async (items) => void flushes.push(items), maxWaitMs: 5 });
    await Promise.all([1, 2, 3].map((n) => c.add(n)));
    expect(flushes).toEqual([[1, 2, 3]]);
    expect(c.ratePerSecond()).toBe(3);
    await c.close();
    await expect(c.add(4)).rejects.toThrow(/closed/);
  });
});
