// The autoreplies module: a workspace's business calendar (weekly hours in its zone, holidays,
// per-number overrides) and its auto-replies (greeting, away, keyword replies, a FAQ menu, a
// fallback), sent by a scan of new inbound messages at most once per 24 h window per person and kind.
export { getBusinessHours, putBusinessHours, getAutoReplies, putAutoReplies } from './settings.service.js';
export { scanAutoReplies } from './scan.service.js';
export { isOpenAt, candidatesFor, isReservedText, RESERVED_KEYWORDS, PREFERENCE_KEYWORDS, FAQ_ROW_PREFIX, DAYS } from './autoreplies.rules.js';
export type { Calendar, Interval, Holiday, ReplyKind, EffectiveReplies, Candidate } from './autoreplies.rules.js';
export * from './autoreplies.schemas.js';
