// The automations module: versioned automations (a trigger and a graph of steps), enrolment, the
// engine that runs due steps through the send gate, and the trigger scan.
export { createAutomation, updateAutomation, getAutomation, listAutomations, publishAutomation, changeAutomationStatus, enrollInAutomation, listAutomationRuns, startTestRun } from './automations.service.js';
export { listContactRuns } from './contact-runs.service.js';
export { runDueAutomations, AUTOMATION_BATCH } from './engine.service.js';
export { scanAutomationTriggers, hasLiveAutomations } from './triggers.service.js';
export { scanPeriodicTriggers } from './sweeps.service.js';
export { messagesAnsweredByAutomations } from './inbound-answers.service.js';
export type { InboundForAutomations } from './inbound-answers.service.js';
export type { EnrollResult } from './enrol.service.js';
export { AUTOMATION_STATUSES, RUN_STATES } from './automations.rules.js';
export * from './automations.schemas.js';
export { listRecipes, createFromRecipe, fromRecipeIn, recipeOut } from './recipes.service.js';
export { recordAutomationClick, isAutomationLinkToken, type LinkEnv } from './clicks.service.js';
export { automationTimers } from './gauges.service.js';
export { automationStepsCsv, STEPS_CSV_HEADER } from './steps-csv.service.js';
