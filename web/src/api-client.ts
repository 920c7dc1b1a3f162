// The admin UI talks to Greenlist only through the public API (/api/v1), with the session cookie.

/** Roles a user or API key can have, least privileged last. */
export const ROLES = ['owner', 'admin', 'marketer', 'agent', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface Me {
  workspace_id: string;
  actor: { type: string; id: string | null; role: Role };
}
export interface Workspace {
  id: string;
  slug: string;
  name: string;
}
export interface PhoneNumber {
  id: string;
  display_number: string;
  verified_name: string | null;
  throughput_mps: number;
  messaging_limit_tier: string;
  quality_rating: string;
  is_sandbox: boolean;
  health_checked_at: string | null;
}
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
export interface CreatedApiKey extends ApiKey {
  key: string;
}
export interface AuditEntry {
  id: number;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  details: Record<string, unknown>;
  created_at: string;
}
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** An error answer from the API: its HTTP status, error code and human message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let onSessionEnded: (() => void) | undefined;

/** Sets what happens when an authenticated call answers 401 (the session expired or was revoked). */
export function setSessionEndedHandler(handler: (() => void) | undefined): void {
  onSessionEnded = handler;
}

/** Calls the API with the session cookie; every write carries the CSRF header the server requires. */
export async function apiRequest<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-greenlist-csrf'] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? null : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Greenlist is not answering; check that it is running and reload the page.');
  }
  if (res.status === 204) return undefined as T;
  const payload: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (payload as { error?: { code?: string; message?: string } } | null)?.error;
    if (res.status === 401 && path !== '/auth/login' && path !== '/auth/me') onSessionEnded?.();
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `the request failed with status ${res.status}`);
  }
  return payload as T;
}

/** Logs in and sets the session cookie. */
export const logIn = (input: { workspace: string; email: string; password: string }) => apiRequest<Me>('POST', '/auth/login', input);
/** Ends the current session. */
export const logOut = () => apiRequest<undefined>('POST', '/auth/logout');
/** The signed-in user, or a 401 ApiError when there is no session. */
export const getMe = () => apiRequest<Me>('GET', '/auth/me');
/** The signed-in user's workspace. */
export const getWorkspace = () => apiRequest<Workspace>('GET', '/workspace');
/** Connected WhatsApp business numbers. */
export const listPhoneNumbers = () => apiRequest<Page<PhoneNumber>>('GET', '/phone-numbers?limit=100');
/** API keys, active and revoked. */
export const listApiKeys = () => apiRequest<Page<ApiKey>>('GET', '/api-keys?limit=200');
/** Creates an API key; the answer is the only time the key itself is shown. */
export const createApiKey = (input: { name: string; role: Role }) => apiRequest<CreatedApiKey>('POST', '/api-keys', input);
/** Revokes an API key; it stops working on the next request. */
export const revokeApiKey = (id: string) => apiRequest<ApiKey>('DELETE', `/api-keys/${encodeURIComponent(id)}`);
/** The latest audit entries, newest first. */
export const listAuditLog = (limit = 50) => apiRequest<Page<AuditEntry>>('GET', `/audit-log?limit=${limit}`);
