// Workspace settings, users and the audit log's filters through the public API (generated types).
import { ApiError, gl, unwrap, type Role } from './api-client';
import type { BodyOf, ItemOf, QueryOf, ResponseOf } from './api-schema';

// The generated type also carries the schema's catch-all (`[key: string]: null`: an unknown key may
// only be removed), which no known key's value fits; the UI writes known keys only.
type KnownKeys<T> = { [K in keyof T as string extends K ? never : K]: T[K] };
/** The workspace settings as PATCH /workspace takes them (every known key typed). */
export type WorkspaceSettings = KnownKeys<NonNullable<BodyOf<'/api/v1/workspace', 'patch'>['settings']>>;
/** The sending settings (`settings.broadcasts`). */
export type BroadcastSettings = NonNullable<WorkspaceSettings['broadcasts']>;
/** The STOP / START settings (`settings.opt_out`). */
export type OptOutSettings = NonNullable<WorkspaceSettings['opt_out']>;
/** A user of the workspace. */
export type User = ItemOf<ResponseOf<'/api/v1/users', 'get'>>;
/** Adding a user. */
export type NewUser = BodyOf<'/api/v1/users', 'post'>;
/** Changing a user. */
export type UserChange = BodyOf<'/api/v1/users/{id}', 'patch'>;
/** The audit log's filters. */
export type AuditFilter = Omit<QueryOf<'/api/v1/audit-log', 'get'>, 'limit' | 'cursor'>;

/**
 * Renames the workspace and/or merges top-level settings keys (a key set to null is removed). A
 * narrow exception: `WorkspaceSettings` drops the schema's catch-all, so it is cast back to the body type.
 */
export const patchWorkspace = (body: { name?: string; settings?: WorkspaceSettings }) =>
  unwrap(gl.PATCH('/api/v1/workspace', { body: body as BodyOf<'/api/v1/workspace', 'patch'> }));
/** The workspace's users, by email. */
export const listUsers = () => unwrap(gl.GET('/api/v1/users', { params: { query: { limit: 1000 } } }));
/** Adds a user (without a password they cannot log in until one is set). */
export const createUser = (body: NewUser) => unwrap(gl.POST('/api/v1/users', { body }));
/** Changes a user's role, name, password or whether they are deactivated. */
export const updateUser = (id: string, body: UserChange) => unwrap(gl.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body }));
/** One page of the audit log matching `filter`, newest first. */
export const listAudit = (filter: AuditFilter, cursor?: string, limit = 50) => unwrap(gl.GET('/api/v1/audit-log', { params: { query: { ...filter, limit, cursor } } }));

/** Roles, most to least privileged (as the API orders them). */
const ROLE_ORDER: readonly Role[] = ['owner', 'admin', 'marketer', 'agent', 'viewer'];

/** True when `actor` may hand out (or change someone holding) `target`: nobody above their own role; only owners make owners. */
export function canAssignRole(actor: Role, target: Role): boolean {
  return ROLE_ORDER.indexOf(target) >= ROLE_ORDER.indexOf(actor);
}

/** True for the roles that may change settings and manage users, keys and the audit log (owner, admin). */
export const canManageWorkspace = (role: Role): boolean => role === 'owner' || role === 'admin';

/** An API error as field → message (`details.fields`, `details.path` or `details.field`), plus what names no field. */
export interface FieldErrors {
  byField: Record<string, string>;
  general?: string;
}

/** Splits an error into messages per field so each shows next to its input. */
export function fieldErrorsOf(err: unknown): FieldErrors {
  if (!(err instanceof ApiError)) return { byField: {}, general: err instanceof Error ? err.message : String(err) };
  const byField: Record<string, string> = {};
  const fields = err.details.fields as { field: string; message: string }[] | undefined;
  for (const f of fields ?? []) byField[f.field] ??= f.message;
  const named = typeof err.details.path === 'string' ? err.details.path : typeof err.details.field === 'string' ? err.details.field : undefined;
  if (named && !byField[named]) byField[named] = err.message;
  return Object.keys(byField).length > 0 ? { byField } : { byField, general: err.message };
}

/** The message for `field` or anything under it (`settings.broadcasts.test_numbers` shows `…test_numbers.2`'s). */
export function errorAt(errors: FieldErrors, field: string): string | undefined {
  if (errors.byField[field]) return errors.byField[field];
  const under = Object.keys(errors.byField).find((k) => k.startsWith(`${field}.`));
  return under ? `${under.slice(field.length + 1)}: ${errors.byField[under]}` : undefined;
}

/** Messages that no input on the form claims (so they still show, at the form's foot). */
export function unclaimed(errors: FieldErrors, claimed: readonly string[]): string[] {
  const rest = Object.entries(errors.byField)
    .filter(([k]) => !claimed.some((c) => k === c || k.startsWith(`${c}.`)))
    .map(([k, m]) => `${k}: ${m}`);
  return errors.general ? [errors.general, ...rest] : rest;
}

/** Comma- or line-separated words as a list (empty entries dropped). */
export const wordsOf = (text: string): string[] =>
  text
    .split(/[,\n]/)
    .map((w) => w.trim())
    .filter((w) => w !== '');

/** A number input's value: undefined when empty, so the setting keeps its default. */
export const numberOf = (v: string): number | undefined => (v.trim() === '' ? undefined : Number(v));
