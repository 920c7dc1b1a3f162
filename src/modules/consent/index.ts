// The consent module: topics, the append-only consent ledger and its derived state, suppression,
// and STOP/START keyword rules.
export { appendConsentEvents, rederiveConsentState, refusedGrants, recordedDedupeKeys, moveConsentLedger } from './ledger.service.js';
export { anonymiseConsentLedger } from './ledger.service.js';
export { optinCountsBySource } from './source-counts.js';
export { firstGrantsSql } from './first-grants.sql.js';
export { firstOptinJoin } from './first-optin.sql.js';
export type { SourceOptinCount } from './source-counts.js';
export type { ConsentEventInput, RecordedConsentEvent, AppendResult, GrantToCheck } from './ledger.service.js';
// The consent predicate as SQL fragments and queries: no module outside this one names `consent_state` or `suppressions`.
export {
  topicConsentJoin,
  consentGranted,
  consentStatusByTopicKey,
  consentStatusSet,
  consentRecordedSet,
  consentSummaryOf,
  consentStatesOf,
  grantedTopicKeysOf,
  contactsOptedOutBefore,
  phoneHashSuppressed,
  phoneHashNotSuppressed,
  suppressionCount,
  countSuppressedAmong,
  listSuppressions,
  pausedByContact,
  frequencyCapFor,
  lowFrequencyCap,
} from './consent.sql.js';
export { appendPreferenceEvents, preferencesOf, rederivePreferences } from './preferences.ledger.js';
export type { PreferenceEventInput, ContactPreferences, Frequency } from './preferences.ledger.js';
export type { ConsentSet } from './consent.sql.js';
export { recordContactConsent, getContactConsent, topicIdsOfCategory } from './consent.service.js';
export { createTopic, updateTopic, listTopics, getTopic, topicsByKeys, toTopicOut } from './topics.service.js';
export { topicsById, type TopicRef } from './topics.service.js';
export { suppressionKeyFor, hashPhoneWith, hashExactPhoneWith, phoneHasher, suppressionSubject, addSuppressions, carrySuppressions, removeSuppression, suppressedAmong } from './suppression.service.js';
export { CONSENT_SOURCES, GRANT_SOURCES, USER_INITIATED, LINK_INITIATED, SYSTEM_ONLY_SOURCES, GRANT_EVIDENCE, missingEvidence, consentTextHash } from './consent.rules.js';
export type { ConsentSource } from './consent.rules.js';
export { normalizeKeyword, keywordSets, matchKeyword, isStopButton, DEFAULT_STOP_KEYWORDS, DEFAULT_START_KEYWORDS } from './keywords.js';
export type { KeywordSettings, KeywordSets, KeywordIntent } from './keywords.js';
export * from './consent.schemas.js';
export { listOptOutNotes, resolveOptOutNote, addOptOutNote, hasOptOutReasonSince } from './opt-out-review.service.js';
export { refusedAtSend, type QueuedFor } from './send-check.service.js';
export type { OptOutNoteOut } from './opt-out-review.service.js';
export { moveOptOutNotes } from './opt-out-review.service.js';
/** The consent module's ledger tables, for maintenance that must name them (the planner-stats sweep during an import). */
export const CONSENT_LEDGER_TABLES: readonly string[] = ['consent_events', 'consent_state'];
// A yes/no fact as SQL (the getting-started checklist reads every module's in one statement).
export { hasTopicSql } from './topic-facts.sql.js';
