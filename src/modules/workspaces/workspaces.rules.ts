/** Roles, most to least privileged. */
export const ROLES = ['owner', 'admin', 'marketer', 'agent', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What a caller may do; routes declare the permission they need. */
export type Permission =
  | 'workspace:read'
  | 'workspace:manage'
  | 'users:manage'
  | 'apikeys:manage'
  | 'audit:read'
  | 'contacts:read'
  | 'contacts:write'
  | 'broadcasts:manage'
  | 'conversations:reply'
  // Business-initiated template sends to one contact (order updates, reminders) from a shop or CRM.
  | 'messages:send';

// Owners and admins hold every permission (what sets owners apart is who may make owners: canAssignRole).
const EVERY_PERMISSION: readonly Permission[] = [
  'workspace:read',
  'workspace:manage',
  'users:manage',
  'apikeys:manage',
  'audit:read',
  'contacts:read',
  'contacts:write',
  'broadcasts:manage',
  'conversations:reply',
  'messages:send',
];

const GRANTS: Record<Role, readonly Permission[]> = {
  owner: EVERY_PERMISSION,
  admin: EVERY_PERMISSION,
  marketer: ['workspace:read', 'contacts:read', 'contacts:write', 'broadcasts:manage', 'conversations:reply', 'messages:send'],
  agent: ['workspace:read', 'contacts:read', 'conversations:reply'],
  viewer: ['workspace:read', 'contacts:read'],
};

/** Every permission, in one list (the API's enum of them). */
export const PERMISSIONS = EVERY_PERMISSION as readonly [Permission, ...Permission[]];

/** What `role` may do: the admin UI hides the controls of everything else (GET /auth/me). */
export function permissionsOf(role: Role): Permission[] {
  return [...GRANTS[role]];
}

/** True when `role` carries `permission`. */
export function roleCan(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** True when `actor` may hand out `target` (nobody grants a role above their own; only owners make owners). */
export function canAssignRole(actor: Role, target: Role): boolean {
  return ROLES.indexOf(target) >= ROLES.indexOf(actor);
}

/** Workspace slugs: lowercase letters, digits and dashes, as in URLs. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

/** API keys carry a typed prefix so secret scanners can recognise a leaked one. */
export const API_KEY_PREFIX = 'glk_';

/** How long a first-run setup link works. */
export const SETUP_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Why a password is too weak to protect an owner account, or undefined when it will do. Length is
 * checked by the schema (12+); this catches long but guessable ones: the email itself, one
 * character repeated, or a run like "123456789012".
 */
export function passwordWeakness(password: string, email: string): string | undefined {
  const lower = password.toLowerCase();
  const local = email.toLowerCase().split('@')[0] ?? '';
  if (lower.includes(email.toLowerCase()) || (local.length >= 3 && lower.includes(local))) return 'must not contain your email address';
  if (new Set(lower).size < 5) return 'use at least 5 different characters';
  if (/^(?:0123456789|1234567890|qwertyuiop|password|abcdefghij)/.test(lower)) return 'is too easy to guess; use a few unrelated words or a password manager';
  return undefined;
}
