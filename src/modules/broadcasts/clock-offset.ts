// Where a booked slot on the database clock becomes a moment on this process's clock. The shared
// schedule (number_pacing) spaces the slots of all workers at the configured rate; converting them
// with the offset read from a slow claim would shift that claim's slots later than another's, and
// the two would overlap (requests of two claims posted together).

/** Keeps the best estimate of (database clock − this process's clock) from recent claims. */
export function clockOffsetEstimator(keep = 32): { add(dbNowMs: number, localAtMs: number): void; offset(): number } {
  const samples: number[] = [];
  return {
    add(dbNowMs, localAtMs) {
      samples.push(dbNowMs - localAtMs);
      if (samples.length > keep) samples.shift();
    },
    // Why the largest: the local time of each sample is read after the database's, so every sample is
    // below the true offset by that read's latency; the largest is the closest, and slots converted
    // with a value at or below the truth are never early.
    offset: () => (samples.length ? Math.max(...samples) : 0),
  };
}
