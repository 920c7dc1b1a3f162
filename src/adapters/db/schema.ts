// Every table, gathered for drizzle-kit (migration generation) and the typed client.
export * from '../../modules/workspaces/workspaces.tables.js';
export * from '../../modules/audit/audit.tables.js';
export * from '../../modules/idempotency/idempotency.tables.js';
export * from '../../modules/numbers/numbers.tables.js';
export * from '../../modules/contacts/contacts.tables.js';
export * from '../../modules/messaging/messaging.tables.js';
export * from '../../modules/templates/templates.tables.js';
export * from '../../modules/inbound/inbound.tables.js';
export * from '../../modules/consent/consent.tables.js';
export * from '../../modules/optin/optin.tables.js';
export * from '../../modules/imports/imports.tables.js';
export * from '../../modules/engagement/engagement.tables.js';
export * from '../../modules/segments/segments.tables.js';
export * from '../../modules/lifecycle/lifecycle.tables.js';
export * from '../../modules/broadcasts/broadcasts.tables.js';
export * from '../../modules/sending/sending.tables.js';
export * from '../../modules/automations/automations.tables.js';
