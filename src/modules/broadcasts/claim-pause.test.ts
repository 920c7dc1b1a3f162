import { describe, expect, it } from 'vitest';
import { emptyClaimPauseMs } from './dispatcher.js';

describe('emptyClaimPauseMs', () => {
  const empty = { sends: [], skipped: 0, deferred: 0 };
  it('claims again at once after a claim that got sends or settled rows', () => {
    expect(emptyClaimPauseMs({ ...empty, sends: [1], bookedAheadMs: 400 }, 400, 1_000)).toBe(0);
    expect(emptyClaimPauseMs({ ...empty, skipped: 3, bookedAheadMs: 0 }, 400, 1_000)).toBe(0);
  });
  it('leaves a number booked ahead by another worker until half the horizon is left', () => {
    expect(emptyClaimPauseMs({ ...empty, bookedAheadMs: 380 }, 400, 1_000)).toBe(180);
  });
  it('never pauses longer than the cap, however far ahead the schedule is booked (a 130429 backoff, a reset schedule)', () => {
    expect(emptyClaimPauseMs({ ...empty, bookedAheadMs: 30_000 }, 400, 1_000)).toBe(1_000);
    expect(emptyClaimPauseMs({ ...empty, bookedAheadMs: 30_000 }, 400, 60_000)).toBe(29_800);
  });
  it('pauses briefly when nothing was due', () => {
    expect(emptyClaimPauseMs({ ...empty, bookedAheadMs: 0 }, 400, 1_000)).toBe(200);
  });
});
