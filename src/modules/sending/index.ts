// The sending module: the one schedule every business-initiated message books its slot on
// (number_pacing), shared by broadcasts and the outbox across all workers, and the messaging-limit rule.
export { DEFAULT_PACING_RATIO, defaultSendRate, lockSchedule, advanceSchedule, bookSlots, waitForSendSlot, throttleNumbers, recoverNumbers, resetNumberPacing } from './pacing.service.js';
export type { LockedSchedule, BookedSlots } from './pacing.service.js';
export { tierLimitOf } from './limits.js';
