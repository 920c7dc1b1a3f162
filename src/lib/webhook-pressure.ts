// When this process last received a webhook delivery. Senders (Meta, shops) want an answer within
// a fraction of a second, so long write transactions on PGlite, which stall every query behind them,
// stay short while deliveries arrive and may grow when none do (imports' TransactionSizer).
let lastArrival = Number.NEGATIVE_INFINITY;

/** Notes that a webhook delivery arrived now. */
export function noteWebhookArrival(now: number = performance.now()): void {
  lastArrival = now;
}

/** Whether a webhook delivery arrived within the last `ms` milliseconds. */
export function webhooksArrivedWithin(ms: number, now: number = performance.now()): boolean {
  return now - lastArrival <= ms;
}
