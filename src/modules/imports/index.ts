// The imports module: streaming CSV import of contacts (with attested consent), CSV export of
// contacts with their consent state, and suppression-list import/export.
export { prepareImport, resolveImportMapping, checkHeader, createImport, getImport, listImports, failStaleImports, toImportOut } from './imports.service.js';
export { DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, DEFAULT_MAX_BYTES, MAX_KEPT_ERRORS, STALE_IMPORT_MS } from './imports.service.js';
export type { PreparedImport, ResolvedMapping, LiveProgress } from './imports.service.js';
export { runImport, WORKER_MIN_BYTES } from './import-run.js';
export type { ImportDeps, ImportSource, ImportProgress, RunOptions, ImportJob } from './import-run.js';
export { importRunnerFor, startImport, importFile, importsRunningHere, IMPORT_FILLED_TABLES } from './import-runner.js';
export type { ImportRunner, StartImportInput } from './import-runner.js';
export { inspectCsvFile } from './inspect.js';
export type { FileFacts } from './inspect.js';
export { previewImportFile, MAX_PREVIEW_ROWS } from './preview.js';
export type { PreviewInput } from './preview.js';
export { rejectedRowsCsv } from './rejected-csv.js';
export type { RejectedRowsCsv } from './rejected-csv.js';
export { exportContactsCsv } from './contacts-export.js';
export { importSuppressions, exportSuppressionsCsv } from './suppressions-csv.js';
export { neutralise, csvCell, csvLine } from './csv-format.js';
export { detectEncoding } from './encoding.js';
export type { CsvEncoding } from './encoding.js';
export { mapRow, planColumns, mergeRows, parseConsentDate } from './imports.rules.js';
export type { MappedRow, ColumnPlan } from './imports.rules.js';
export { importDedupeKey } from './chunker.js';
export * from './imports.schemas.js';
export { listMappings, saveMapping, deleteMapping, resolveMapping } from './mappings.service.js';
export { MAPPING_PRESETS } from './mappings.presets.js';
export { importProgress } from './gauges.service.js';
// A yes/no fact as SQL (the getting-started checklist reads every module's in one statement).
export { hasCompletedImportSql } from './import-facts.sql.js';
