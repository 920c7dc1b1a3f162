// The lifecycle module: stages from engagement and consent, their transitions, bulk runs and list hygiene.
export { evaluateLifecycleFor, evaluateLifecycleChunk, getContactLifecycle, listContactTransitions } from './lifecycle.service.js';
export { runLifecycle, runHygiene, openRun, bulkPacingFor } from './runs.service.js';
export type { RunOptions, BulkPacing } from './runs.service.js';
export { getMaintenanceRun, listMaintenanceRuns, workspacesDueFor } from './maintenance.service.js';
export type { MaintenanceKind, MaintenanceRunOut } from './maintenance.service.js';
export { lifecycleThresholds, hygieneThresholds, DEFAULT_LIFECYCLE } from './lifecycle.rules.js';
export type { LifecycleThresholds } from './lifecycle.rules.js';
export { LIFECYCLE_STAGES } from './lifecycle.tables.js';
export type { LifecycleStage } from './lifecycle.tables.js';
export { moveLifecycleTransitions } from './merge.service.js';
export { snapshotLifecycleStages, ensureStageSnapshot, stageDaysBetween } from './stage-days.service.js';
export type { StageDay } from './stage-days.service.js';
