// The templates module: WhatsApp message templates, their approval state, lint and rendering.
export { applyTemplateStatus, applyTemplateQuality, templateDefOf, toTemplateOut, listTemplates, getTemplate, loadTemplate, findSendableTemplate, assertVariableMap, previewTemplate } from './templates.service.js';
export type { TemplateStatusChange, TemplateRow } from './templates.service.js';
export { getTemplateByName, templatesByIds } from './templates.service.js';
export { syncTemplates, createTemplate, deleteTemplate } from './templates.sync.js';
export type { TemplateDeps } from './templates.sync.js';
export { templateParams, checkVariableMap, renderTemplate, compileTemplate, lintTemplate, exampleValues, variablesOf, cleanParamText, VARIABLE_FIELDS } from './templates.rules.js';
export type { TemplateDef, TemplateParam, VariableSource, VariableMap, RenderContact, RenderResult, LintIssue } from './templates.rules.js';
export { mentionsOptOut } from './templates.lint.js';
export * from './templates.schemas.js';
// A yes/no fact as SQL (the getting-started checklist reads every module's in one statement).
export { hasTemplateSql } from './template-facts.sql.js';
