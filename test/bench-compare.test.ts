// bench:compare (issue 20's regression guard): its figure parsing, and a smoke run of the whole
// plumbing (temporary worktree, child benches, BENCH_JSON, the table) against HEAD itself. The
// smoke run checks that the guard keeps working, never the speed (CI machines are too noisy).
import { describe, expect, it } from 'vitest';
import { compare, parseFigure, ratio } from '../bench/compare.js';

describe('bench:compare figures', () => {
  it('reads the leading number, in ms for times, with the direction from the target', () => {
    expect(parseFigure({ title: 'W', name: 'rate', value: '2,534', target: '≥ 5,000' })).toEqual({ key: 'W: rate', value: 2534, better: 'higher' });
    expect(parseFigure({ title: 'W', name: 'p99', value: '1.25 s', target: '≤ 250 ms' })?.value).toBe(1250);
    expect(parseFigure({ title: 'W', name: 'p99', value: '69 ms', target: '< 250 ms' })?.better).toBe('lower');
    expect(parseFigure({ title: 'I', name: 'raw', value: '80,000', better: 'higher' })?.value).toBe(80000);
    // No single number, or no direction: not compared.
    expect(parseFigure({ title: 'W', name: 'stored', value: '12 stored / 12 acked', target: 'stored ≥ acked' })).toBeUndefined();
    expect(parseFigure({ title: 'W', name: 'x', value: 'n/a', target: '≥ 1' })).toBeUndefined();
  });

  it('orients ratios so that above 1 is better for head', () => {
    expect(ratio(100, 120, 'higher')).toBeCloseTo(1.2);
    expect(ratio(100, 50, 'lower')).toBe(2);
    expect(ratio(100, 200, 'lower')).toBe(0.5);
  });
});

describe('bench:compare smoke', () => {
  it('measures HEAD against itself through a temporary worktree and prints ratios', { timeout: 300_000 }, async () => {
    const { rows, failures } = await compare({ ref: 'HEAD', rounds: 1, benches: ['webhooks'], smoke: true });
    expect(failures).toEqual([]);
    const rate = rows.find((r) => r.key.includes('PGlite webhooks/s'));
    expect(rate?.base).toHaveLength(1);
    expect(rate?.head).toHaveLength(1);
    expect(rate!.base[0]).toBeGreaterThan(0);
  });
});
