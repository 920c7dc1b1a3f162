import { describe, expect, it } from 'vitest';
import { idSlices } from './runs.service.js';

describe('idSlices', () => {
  it('cuts the UUID space into contiguous slices with open ends', () => {
    expect(idSlices(1)).toEqual([{ from: null, to: null }]);
    expect(idSlices(2)).toEqual([
      { from: null, to: '80000000-0000-0000-0000-000000000000' },
      { from: '80000000-0000-0000-0000-000000000000', to: null },
    ]);
    const four = idSlices(4);
    expect(four.map((s) => s.from)).toEqual([null, '40000000-0000-0000-0000-000000000000', '80000000-0000-0000-0000-000000000000', 'c0000000-0000-0000-0000-000000000000']);
    for (let i = 1; i < four.length; i++) expect(four[i]!.from).toBe(four[i - 1]!.to);
  });
});
