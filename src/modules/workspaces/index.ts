// The workspaces module: tenants, users and roles, API keys, login sessions, first-run setup.
export { createWorkspace, ensureDefaultWorkspace, findWorkspaceBySlug, getWorkspace, getWorkspaceSettings, updateWorkspace, countWorkspaces } from './workspaces.service.js';
export { createApiKey, listApiKeys, getApiKey, revokeApiKey, authenticateApiKey, useSingleOwnerCaches } from './api-keys.service.js';
export type { KeyPrincipal } from './api-keys.service.js';
export { prepareCreateUser, prepareUpdateUser, createUser, listUsers, getUser, updateUser, deleteUser } from './users.service.js';
export { principalNames } from './principal-names.js';
export { isSetupNeeded, issueSetupToken, setupLink, completeSetup } from './setup.service.js';
export { logIn, logOut, authenticateSession, purgeOldSessions, listLinkedWorkspaces, switchWorkspace, SESSION_TTL_MS, MAX_LINKED_WORKSPACES } from './sessions.service.js';
export type { LinkedWorkspace } from './sessions.service.js';
export { ROLES, PERMISSIONS, permissionsOf, roleCan, canAssignRole, API_KEY_PREFIX, SLUG_PATTERN, SETUP_TOKEN_TTL_MS } from './workspaces.rules.js';
export type { Role, Permission } from './workspaces.rules.js';
export * from './workspaces.schemas.js';
export { DEFAULT_RATE_CARD, rateOf, rateCardOf } from './rate-card.js';
export type { RateCard } from './rate-card.js';
