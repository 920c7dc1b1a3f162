// The sending module: the one schedule every business-initiated message books its slot on
// (number_pacing), shared by broadcasts and the outbox across all workers; the messaging-limit rule;
// and the marketing rule (quiet hours, frequency cap) every sender of marketing applies.
export { DEFAULT_PACING_RATIO, defaultSendRate, lockSchedule, advanceSchedule, bookSlots, waitForSendSlot, throttleNumbers, recoverNumbers, resetNumberPacing } from './pacing.service.js';
export type { LockedSchedule, BookedSlots } from './pacing.service.js';
export { tierLimitOf } from './limits.js';
export { DEFAULT_MARKETING_POLICY, marketingPolicyFrom, marketingDeferral, isQuietAt, minutesOf } from './marketing.rules.js';
export type { MarketingPolicy, MarketingFacts, MarketingDeferral } from './marketing.rules.js';
export { marketingSendsSql, marketingFactsSql, atFrequencyCapSql, marketingDeferrals } from './marketing.service.js';
export type { MarketingSendsOf } from './marketing.service.js';
export { gateVerdicts } from './gate.service.js';
export type { GateVerdict, GateRequest, RefusalReason } from './gate.service.js';
