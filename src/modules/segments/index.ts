// The segments module: the rule language, its compiler, saved segments and static lists.
export { countSegment, previewSegment, pageSegment, segmentAudience, createSegment, listSegments, getSegment, updateSegment, deleteSegment, listSegmentContacts, countSavedSegment, addSegmentMembers, removeSegmentMembers, addListMembersByPhone } from './segments.service.js';
export { segmentKindOf } from './segments.service.js';
export { resolveAudience, countAudience, pageAudience } from './audience.service.js';
export type { Audience } from './audience.service.js';
export { parseSegmentRules, SEGMENT_FIELDS } from './segments.rules.js';
export type { SegmentNode, RulesCatalog } from './segments.rules.js';
export { segmentCatalog } from './segments.catalog.js';
export { todayIn, addDays, localMidnight, anniversaryKeys } from './segment-dates.js';
export * from './segments.schemas.js';
export { mergeListMemberships } from './merge.service.js';
