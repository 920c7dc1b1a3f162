// The numbers module: connected WhatsApp business phone numbers, their secrets and health.
export { connectNumber, listNumbers, getNumber, updateNumber, disconnectNumber, credentialsFor, listIntakeNumbers, applyNumberHealth, refreshNumberHealth, findNumbersByMetaIds, hasRealNumbers, findSandboxNumber, setSandboxApiBase, numberSecrets } from './numbers.service.js';
export type { IntakeNumber, ApiBaseUrlCheck, HealthPoint } from './numbers.service.js';
export { numberHealthHistory } from './numbers.service.js';
export { listNumberWabas, hasNumber, numberForLink, sendRatesOf } from './numbers.service.js';
export { connectNumberIn, updateNumberIn, numberOut, numberHealthOut } from './numbers.schemas.js';
export type { NumberOut } from './numbers.schemas.js';
export * from './numbers.rules.js';
// A yes/no fact as SQL (the getting-started checklist reads every module's in one statement).
export { hasNumberSql } from './number-facts.sql.js';
