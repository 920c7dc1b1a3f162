import { z } from 'zod';
import { ROLES, SLUG_PATTERN } from './workspaces.rules.js';

/** Role field shared by users and API keys. */
export const roleSchema = z.enum(ROLES);

/** Workspace as the API shows it. */
export const workspaceOut = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  settings: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
});

/** Creating a workspace (CLI). */
export const createWorkspaceIn = z.strictObject({
  slug: z.string().regex(SLUG_PATTERN, 'use 1-48 lowercase letters, digits or dashes, e.g. "acme-shop"'),
  name: z.string().trim().min(1, 'must not be empty').max(200),
});

/** Changing a workspace's name or business settings. */
export const updateWorkspaceIn = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

/** API key as listed (never the key itself). */
export const apiKeyOut = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  role: roleSchema,
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

/** Creating an API key. */
export const createApiKeyIn = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  role: roleSchema.default('admin'),
});

/** The one response that carries the key. */
export const createdApiKeyOut = apiKeyOut.extend({ key: z.string() });

/** A user as the API shows it (never the password hash). */
export const userOut = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

const password = z.string().min(12, 'must be at least 12 characters').max(512);

/** Inviting/creating a user. */
export const createUserIn = z.strictObject({
  email: z.email('must be an email address').max(254),
  name: z.string().trim().max(200).default(''),
  role: roleSchema,
  password: password.optional(),
});

/** Changing a user. A password change revokes the user's sessions. */
export const updateUserIn = z.strictObject({
  name: z.string().trim().max(200).optional(),
  role: roleSchema.optional(),
  password: password.optional(),
  disabled: z.boolean().optional(),
});

/** Admin UI login. */
export const loginIn = z.strictObject({
  workspace: z.string().regex(SLUG_PATTERN, 'must be a workspace slug').default('default'),
  email: z.email('must be an email address'),
  password: z.string().min(1, 'must not be empty').max(512),
});

export type WorkspaceOut = z.infer<typeof workspaceOut>;
export type ApiKeyOut = z.infer<typeof apiKeyOut>;
export type UserOut = z.infer<typeof userOut>;
export type CreateUserIn = z.input<typeof createUserIn>;
export type UpdateUserIn = z.infer<typeof updateUserIn>;
