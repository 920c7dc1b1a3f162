// The opt-in module: sources (hosted forms, click-to-chat links, QR codes), double opt-in and welcomes.
export { applyOptinKeyword } from './optin-keyword.service.js';
export type { InboundKeywordContext } from './optin-keyword.service.js';
export { createOptinSource, listOptinSources, getOptinSource, updateOptinSource, publishOptinSource, optinLinkOf } from './optin-sources.service.js';
export { findPublishedForm, issueFormToken, submitOptinForm, SUBMISSION_TTL_MS } from './optin-form.service.js';
export type { HostedForm, FormSubmission, SubmitOutcome } from './optin-form.service.js';
export { previewOptinForm } from './optin-preview.service.js';
export type { FormPreview } from './optin-preview.service.js';
export { activeOptinKeywords } from './optin-lookup.js';
export { renderQr } from './optin-qr.js';
export type { QrFormat } from './optin-qr.js';
export { missingFormFields, waMeLink, waDigits, slugify, pageVersionOf, signFormToken, checkFormToken, welcomeTextOf, confirmationPayload, submissionIdOfPayload, FORM_MIN_FILL_MS, FORM_TOKEN_MAX_AGE_MS, FORM_SLUG_PATTERN, STOP_INSTRUCTION } from './optin.rules.js';
export type { FormFacts, PageStatements, FormTokenCheck, WelcomeFacts } from './optin.rules.js';
export * from './optin.schemas.js';
export { eraseOptinSubmissions, moveOptinSubmissions } from './erase-merge.service.js';
export { saveOptinLogo, deleteOptinLogo, logoOfSource, adminLogoOf, sniffImageType } from './optin-logo.service.js';
export type { LogoInfo } from './optin-logo.service.js';
export { PAGE_LANGUAGES, PAGE_TEXT, RTL_LANGUAGES, STOP_WORD, pickPageLanguage, stopWordsAreBuiltIn } from './signup-page.i18n.js';
export type { PageLanguage, PageText } from './signup-page.i18n.js';
// A yes/no fact as SQL (the getting-started checklist reads every module's in one statement).
export { hasActiveSourceSql } from './source-facts.sql.js';
