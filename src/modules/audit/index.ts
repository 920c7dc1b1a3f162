// The audit module: an append-only log written in the same transaction as each mutation.
export { recordAudit, listAuditLog } from './audit.service.js';
export type { AuditEntry, AuditRecord, AuditQuery } from './audit.service.js';
