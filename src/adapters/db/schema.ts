// Every table, gathered for drizzle-kit (migration generation) and the typed client.
export * from '../../modules/workspaces/workspaces.tables.js';
export * from '../../modules/audit/audit.tables.js';
export * from '../../modules/idempotency/idempotency.tables.js';
