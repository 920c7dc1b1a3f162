// The preference centre (issue 16): a person changes their topics, frequency and pauses from a
// WhatsApp list (the PREFERENCES / MENU keyword) or a hosted page behind a signed link. Owns no
// table: every choice is a consent-ledger event, and the state lives in the consent module.
export { isPreferenceKeyword, preferenceKeywordsOf, preferenceKeywordSet, preferenceKeywordClashes, choiceOfRowId, rowIdOf, preferenceMenu, DEFAULT_PREFERENCE_KEYWORDS, PREFERENCE_DEFAULTS } from './preferences.rules.js';
export type { PreferenceChoice, PreferenceSettings } from './preferences.rules.js';
export { handlePreferenceMessage, preferencePageLink } from './preferences.inbound.js';
export type { InboundForPreferences } from './preferences.inbound.js';
export { applyPreferenceChoices, preferenceViewOf } from './preferences.service.js';
export type { PreferenceView, ChoiceOutcome } from './preferences.service.js';
export { configurePreferenceLinks, preferenceLink, preferenceToken, checkPreferenceToken } from './preference-link.js';
export { openPreferencePage, savePreferencePage, choicesFromForm, topicLabel, PAGE_LABELS } from './preference-page.service.js';
export type { PreferencePage, PageOutcome } from './preference-page.service.js';
export { getContactPreferences, setContactPreferences } from './preferences.api.js';
export { contactPreferencesIn, contactPreferencesOut, preferenceKeywordsOut } from './preferences.schemas.js';
